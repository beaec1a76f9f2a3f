"""The null model (intercept and offset only) under offsets of any size.

With a constant offset of -800 every ``σ(o + b)`` underflows at the start
``b = logit(ȳ)`` the null model was solved from by Newton, whose Hessian is
then 0: every fit with such an offset warned "Newton: the Hessian is
singular ... (collinear columns or separation?)" from its null
log-likelihood (inference's) or its path's null model, though the fit was
fine. :mod:`logistic._null_intercept` solves the 1-D problem in a bracket.

References: statsmodels' ``GLM(y, ones, Binomial(), offset=o)`` (its
intercept and ``llf``) where its IRLS converges; for offsets of ±1e4 mixed
on the same data (IRLS diverges there), the root of the score
``Σ s (expit(o + b) - y)`` by scipy's ``brentq`` and the log-likelihood
from ``numpy.logaddexp`` at it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit

from logistic import LogisticRegression, path
from logistic._null_intercept import null_intercept
from logistic.backends.in_memory import InMemory

sm = pytest.importorskip("statsmodels.api")

N = 300


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, 2))
    y = (rng.random(N) < 0.3).astype(float)
    return X, y, rng.uniform(0.5, 2.0, N)


def _offsets() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    cases = {f"{c:g}": np.full(N, c) for c in (0.0, 50.0, -50.0, 800.0, -800.0)}
    cases.update({f"{c:g}": np.full(N, c) for c in (1e4, -1e4)})
    cases["normal"] = 3.0 * rng.normal(size=N)
    return cases


def _statsmodels_null(y, o, s):
    fit = sm.GLM(
        y, np.ones((N, 1)), family=sm.families.Binomial(), offset=o, var_weights=s
    ).fit(tol=1e-14, maxiter=200)
    return float(fit.params[0]), float(fit.llf)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(_offsets()))
def test_null_model_matches_statsmodels_glm(name, weighted):
    X, y, s = _data()
    s = s if weighted else None
    o = _offsets()[name]
    b_ref, ll_ref = _statsmodels_null(y, o, s)
    got = null_intercept(InMemory(X, y, s, o))
    assert got.intercept == pytest.approx(b_ref, rel=1e-13, abs=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning of a Hessian
        model = LogisticRegression(solver="lbfgs").fit(X, y, s, offset=o)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # non-integer weights
        ll = model.inference().llnull
    assert ll == pytest.approx(ll_ref, rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_null_model_of_offsets_far_apart_matches_the_scores_root(weighted):
    X, y, s = _data()
    s = s if weighted else None
    rng = np.random.default_rng(2)
    o = np.where(rng.random(N) < 0.5, 1e4, -1e4) + rng.normal(size=N)
    ones = np.ones(N) if s is None else s
    b_ref = brentq(
        lambda b: float(ones @ (expit(o + b) - y)), -2e4, 2e4, xtol=1e-13, rtol=1e-15
    )
    z = o + b_ref
    ll_ref = -float(ones @ (np.logaddexp(0.0, z) - y * z))
    got = null_intercept(InMemory(X, y, s, o))
    assert got.intercept == pytest.approx(b_ref, rel=1e-14)
    assert -got.loss * ones.sum() == pytest.approx(ll_ref, rel=1e-12)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cd"])
def test_fit_with_offset_minus_800_warns_of_nothing(solver):
    X, y, _ = _data()
    o = np.full(N, -800.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(solver=solver).fit(X, y, offset=o)
    assert model.converged_
    b_ref, ll_ref = _statsmodels_null(y, o, None)
    assert model.inference().llnull == pytest.approx(ll_ref, rel=1e-12)


@pytest.mark.parametrize("shift", [-800.0, 1e4])
def test_path_null_model_under_a_large_offset(shift):
    X, y, _ = _data()
    o = shift + np.random.default_rng(3).normal(size=N)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = path(X, y, offset=o, n_alphas=3)
    b_ref, _ = _statsmodels_null(y, o, None)
    assert result.intercepts[0] == pytest.approx(b_ref, rel=1e-13)


def test_labels_of_one_class_have_an_infinite_intercept_and_zero_loss():
    X, _, _ = _data()
    o = np.linspace(-5.0, 5.0, N)
    assert null_intercept(InMemory(X, np.ones(N), None, o)) == (np.inf, 0.0, True)
    assert null_intercept(InMemory(X, np.zeros(N), None, o)) == (-np.inf, 0.0, True)
