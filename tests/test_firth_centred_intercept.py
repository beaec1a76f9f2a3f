"""The intercept's profile interval and penalized LR test of a Firth fit with
a column far from 0 (``inference._profile_frames.HeldFrame``).

Reference (outside the code under test): the constrained maximum of
``ℓ*(θ) = ℓ(θ) + ½ log det I(θ)`` with the user's intercept held at ``c``,
written in numpy on numpy-centred columns (``b = b_c - mean·w``, a linear
constraint ``aᵀθ_c = c``) and solved by ``scipy.optimize.root`` as the
Lagrange system ``U*(θ_c) = λ a, aᵀθ_c = c`` (``U*`` the modified score, the
gradient of ``ℓ*``); the interval's ends are ``scipy.optimize.brentq``'s roots
of its deviance minus ``χ²₁(0.95)``, and the LR statistic is its deviance at
``c = 0``. The intercept of a shifted column is a combination of logistf's
intercept and slope (``b - shift·w_age``), whose profile logistf does not
print, so logistf's own intercept interval is checked unshifted (tests/
test_firth.py) and here only that the slopes' stay logistf's.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, root
from scipy.special import expit, log_expit
from scipy.stats import chi2

from logistic import LogisticRegression
from logistic.inference._checks import NotTrainingDataError
from test_firth import SEX2_CI, sex2
from test_firth_centred import _data


def _penalized_loglik(theta, Xt, y, w, offset):
    z = Xt @ theta + offset
    ll = np.sum(w * (y * log_expit(z) + (1 - y) * log_expit(-z)))
    info = Xt.T @ (Xt * (w * expit(z) * expit(-z))[:, None])
    return ll + 0.5 * np.linalg.slogdet(info)[1]


def _score(theta, Xt, y, w, offset):
    p = expit(Xt @ theta + offset)
    v = w * p * (1 - p)
    A = np.linalg.inv(Xt.T @ (v[:, None] * Xt))
    h = v * np.einsum("ij,jk,ik->i", Xt, A, Xt)
    return Xt.T @ (w * (y - p) + h * (0.5 - p))


def _intercept_profile(X, y, w, offset):
    """``(lower, upper, LR statistic of b = 0)`` of the user's intercept by
    scipy on numpy-centred columns (module docstring)."""
    mean = X.mean(axis=0)
    Xt = np.column_stack([np.ones(len(y)), X - mean])
    args = (Xt, y, w, offset)
    hat = root(_score, np.zeros(Xt.shape[1]), args=args, tol=1e-13).x
    a = np.r_[1.0, -mean]  # b = aᵀθ_c
    norm = np.linalg.norm(a)
    unit = a / norm
    top = _penalized_loglik(hat, *args)

    def deviance(c):
        def lagrange(v):
            theta, lam = v[:-1], v[-1]
            return np.r_[_score(theta, *args) - lam * unit, unit @ theta - c / norm]

        start = np.r_[hat + (c / norm - unit @ hat) * unit, 0.0]
        sol = root(lagrange, start, tol=1e-13)
        assert np.max(np.abs(lagrange(sol.x))) < 1e-8
        return 2.0 * (top - _penalized_loglik(sol.x[:-1], *args))

    p = expit(Xt @ hat + offset)
    se = np.sqrt(a @ np.linalg.solve(Xt.T @ (Xt * (w * p * (1 - p))[:, None]), a))
    b, q = norm * (unit @ hat), chi2.isf(0.05, 1)
    lo = brentq(lambda c: deviance(c) - q, b - 4 * se, b, xtol=1e-12 * se)
    hi = brentq(lambda c: deviance(c) - q, b, b + 4 * se, xtol=1e-12 * se)
    return lo, hi, deviance(0.0)


@pytest.mark.parametrize("shift", [1e6, 1e8])
def test_sex2_intercept_profile_and_lr_test_with_age_moved(shift):
    # before: at 1e6 the interval was [307067, 1974475] (the reference's
    # [307425.1, 1973788.6]); at 1e8 a NumericalError called the data separated
    X, y, w = sex2()
    moved = X.assign(age=X["age"] + shift)
    y, w = np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    lo, hi, lr = _intercept_profile(moved.to_numpy(float), y, w, np.zeros(len(y)))
    model = LogisticRegression(penalty="firth").fit(moved, y, sample_weight=w)
    res = model.inference(moved, y, sample_weight=w)
    ci = np.asarray(res.conf_int(method="profile", terms=[0, 1]))
    np.testing.assert_allclose(ci[0], [lo, hi], rtol=0, atol=1e-9 * (hi - lo))
    # the intercept's held with age's: age's interval stays logistf's
    # (published, tests/test_firth.py; the other slopes': test_firth_centred)
    np.testing.assert_allclose(ci[1], SEX2_CI[1], rtol=1e-6)
    test = res.lr_test_terms()["Intercept"]
    np.testing.assert_allclose(test.statistic, lr, rtol=1e-9)


@pytest.mark.filterwarnings("ignore:60 rows have non-integer sample weights")
def test_intercept_profile_with_weights_offset_and_a_column_at_1e8():
    X, y, w, offset, _ = _data(1e8, seed=5)
    lo, hi, lr = _intercept_profile(X, y, w, offset)
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, offset=offset
    )
    res = model.inference(X, y, sample_weight=w, offset=offset)
    ci = np.asarray(res.conf_int(method="profile", terms=[0]))
    np.testing.assert_allclose(ci[0], [lo, hi], rtol=0, atol=1e-9 * (hi - lo))
    np.testing.assert_allclose(res._lr_statistics[0], lr, rtol=1e-9)


@pytest.mark.filterwarnings("ignore:60 rows have non-integer sample weights")
def test_nested_lr_test_that_drops_the_intercept_and_the_far_column():
    # logistf's anova of nested fits (the smaller refitted with the larger
    # one's penalty) where the smaller drops the intercept and the column far
    # from 0: b = w_1 = 0 held together, against the reference's refit with
    # those two constraints (scipy's Lagrange root; b = b_c - mean·w with
    # w_1 = 0 is b_c - mean_2 w_2, the constraint rows written that way)
    import pandas as pd

    X, y, w, offset, _ = _data(1e8, seed=6)
    mean = X.mean(axis=0)
    Xt = np.column_stack([np.ones(len(y)), X - mean])
    args = (Xt, y, w, offset)
    hat = root(_score, np.zeros(3), args=args, tol=1e-13).x
    A = np.array([[1.0, 0.0, -mean[1]], [0.0, 1.0, 0.0]])

    def lagrange(v):
        return np.r_[_score(v[:3], *args) - A.T @ v[3:], A @ v[:3]]

    start = np.r_[hat - A.T @ np.linalg.solve(A @ A.T, A @ hat), 0.0, 0.0]
    sol = root(lagrange, start, tol=1e-13)
    assert np.max(np.abs(lagrange(sol.x))) < 1e-8
    want = 2.0 * (_penalized_loglik(hat, *args) - _penalized_loglik(sol.x[:3], *args))

    frame = pd.DataFrame(X, columns=["x1", "x2"])
    fits = [
        LogisticRegression(penalty="firth", fit_intercept=intercept)
        .fit(frame[cols], y, sample_weight=w, offset=offset)
        .inference(frame[cols], y, sample_weight=w, offset=offset)
        for cols, intercept in ((["x1", "x2"], True), (["x2"], False))
    ]
    test = fits[0].lr_test(fits[1])
    assert test.df == 2
    np.testing.assert_allclose(test.statistic, want, rtol=1e-8)


@pytest.mark.filterwarnings("ignore:60 rows have non-integer sample weights")
@pytest.mark.parametrize("shift", [1e10, -1e12])
def test_inference_on_training_rows_with_a_column_at_1e10_and_beyond(shift):
    # before: the data check refused the fit's own rows (standardized
    # gradient 5.5e-8 at 1e10, 5.4e-6 at -1e12, against a limit of 1e-9):
    # the user's intercept -5.8e9 holds b' = b + mean·w to ε·|b| only, and
    # its rounding moves the modified score by as much. Reference: scipy's
    # profile on numpy-centred columns (module docstring).
    X, y, w, offset, X0 = _data(1e8, seed=5)
    X = X0 + [shift, 0.0]
    lo, hi, lr = _intercept_profile(X, y, w, offset)
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, offset=offset
    )
    res = model.inference(X, y, sample_weight=w, offset=offset)
    ci = np.asarray(res.conf_int(method="profile", terms=[0]))
    np.testing.assert_allclose(ci[0], [lo, hi], rtol=0, atol=1e-8 * (hi - lo))
    np.testing.assert_allclose(res._lr_statistics[0], lr, rtol=1e-8)
    # rows that are not the fit's are still told apart: one label flipped
    flipped = y.copy()
    flipped[0] = 1.0 - flipped[0]
    with pytest.raises(NotTrainingDataError, match="gradient"):
        model.inference(X, flipped, sample_weight=w, offset=offset)
