"""Firth's fit (and FLAC's refit) in centred coordinates (``_firth_centred``).

References (from outside the code under test):
* Firth's estimate on the centred columns as the root of the modified score
  ``U*(β) = X̃ᵀ(s(y - p) + h(½ - p))`` written here in numpy and solved by
  ``scipy.optimize.root``, mapped back by hand (slopes unchanged, intercept
  ``b_c - mean·w``): Jeffreys' penalty is invariant under the centring, so
  this is the estimate on the columns as given.
* logistf's published sex2 estimate (tests/test_firth.py's ``SEX2_COEF``) with
  the column ``age`` moved by 1e6: the slopes are logistf's and the
  intercept logistf's minus 1e6 times age's slope.
* FLAC on sex2 by statsmodels on the augmented data
  (tests/test_firth_correction.py's ``_statsmodels_flac``), moved the same way.
* The covariance ``I(β̂)⁻¹`` in numpy on the centred columns at the reference
  estimate, mapped by hand with the Jacobian of ``b = b_c - mean·w``.
* logistf's published sex2 profile intervals (``SEX2_CI``) of the slopes, and
  its printed penalized likelihood-ratio statistics (two decimals), for the
  fit with ``age`` moved by 1e6.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import root
from scipy.special import expit, log_expit

from logistic import LogisticRegression
from test_firth import SEX2_CI, SEX2_COEF, sex2
from test_firth_correction import _statsmodels_flac


def _data(shift: float, seed: int = 0):
    """60 rows: a column ``shift + {0..5} + small noise``, a standard normal
    column, positive weights and an offset."""
    rng = np.random.default_rng(seed)
    n = 60
    x1 = rng.integers(0, 6, n) + 0.25 * rng.normal(size=n)
    x2 = rng.normal(size=n)
    offset = 0.3 * rng.normal(size=n)
    z = 0.4 * x1 - 1.0 + 0.5 * x2 + offset
    y = (rng.random(n) < expit(z)).astype(float)
    w = rng.uniform(0.5, 2.0, n)
    return np.c_[x1 + shift, x2], y, w, offset, np.c_[x1, x2]


def _penalized_loglik(theta, X, y, w, offset):
    """``ℓ(β) + ½ log det I(β)`` in numpy (theta: intercept first)."""
    Xt = np.column_stack([np.ones(len(y)), X])
    z = Xt @ theta + offset
    ll = np.sum(w * (y * log_expit(z) + (1 - y) * log_expit(-z)))
    info = Xt.T @ (Xt * (w * expit(z) * expit(-z))[:, None])
    return ll + 0.5 * np.linalg.slogdet(info)[1]


def _modified_score(Xt, y, w, offset):
    """``U*(β)`` of the design ``Xt`` (its columns as given) in numpy."""

    def score(beta):
        p = expit(Xt @ beta + offset)
        v = w * p * (1 - p)
        A = np.linalg.inv(Xt.T @ (v[:, None] * Xt))
        h = v * np.einsum("ij,jk,ik->i", Xt, A, Xt)
        return Xt.T @ (w * (y - p) + h * (0.5 - p))

    return score


def _score_root(Xt, y, w, offset):
    """The root of :func:`_modified_score` by scipy, checked to be one."""
    score = _modified_score(Xt, y, w, offset)
    beta = root(score, np.zeros(Xt.shape[1]), method="hybr", tol=1e-12).x
    assert np.max(np.abs(score(beta))) < 1e-10
    return beta


def _modified_score_root(X, y, w, offset):
    """Firth's estimate of ``[b, w...]`` on X (already centred)."""
    return _score_root(np.column_stack([np.ones(len(y)), X]), y, w, offset)


@pytest.mark.parametrize("shift", [2e6, 1e8])
def test_far_from_centred_column_matches_the_centred_estimate(shift):
    # with weights and an offset; before the centred fit, 2e6 moved the slopes
    # by ~1e-5 (1e-2 with AVX2 BLAS) and 1e8 was refused as collinear
    X, y, w, offset, raw = _data(shift)
    mean = raw.mean(axis=0)  # the reference's own centring, by numpy
    ref = _modified_score_root(raw - mean, y, w, offset)
    slopes, b = ref[1:], ref[0] - (mean + [shift, 0.0]) @ ref[1:]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converges, nothing to warn about
        model = LogisticRegression(penalty="firth").fit(
            X, y, sample_weight=w, offset=offset
        )
    assert model.converged_
    np.testing.assert_allclose(model.coef_.ravel(), slopes, rtol=1e-8)
    np.testing.assert_allclose(model.intercept_[0], b, rtol=1e-8)
    # the objective is the user's: -ℓ*(θ̂)/Σs, ℓ* in numpy on the centred
    # columns (the centring's map has determinant 1: the same ℓ*)
    want = -_penalized_loglik(ref, raw - mean, y, w, offset) / w.sum()
    np.testing.assert_allclose(model.objective_, want, rtol=1e-9)


def test_sex2_with_age_moved_by_a_million_is_logistf():
    X, y, w = sex2()
    X = X.assign(age=X["age"] + 1e6)
    model = LogisticRegression(penalty="firth").fit(X, y, sample_weight=w)
    assert model.converged_
    beta = np.asarray(SEX2_COEF)
    np.testing.assert_allclose(model.coef_.ravel(), beta[1:], rtol=1e-6)
    np.testing.assert_allclose(model.intercept_[0], beta[0] - 1e6 * beta[1], rtol=1e-6)


def test_flac_with_age_moved_by_a_million_is_statsmodels_on_the_augmented_data():
    params, _ = _statsmodels_flac()  # intercept first, sex2 as published
    X, y, w = sex2()
    X = X.assign(age=X["age"] + 1e6)
    model = LogisticRegression(penalty="firth", firth_correction="flac").fit(
        X, y, sample_weight=w
    )
    np.testing.assert_allclose(model.coef_.ravel(), params[1:], atol=2e-6)
    # the logit at age 1e6 (the centre's precision, not the intercept's 1e6 x)
    at_centre = model.intercept_[0] + 1e6 * model.coef_[0, 0]
    np.testing.assert_allclose(at_centre, params[0], atol=2e-6)


def test_sparse_far_from_centred_column_is_the_dense_fit():
    # a CSR design with a column far from 0 is fitted on a dense centred copy
    X, y, w, offset, raw = _data(2e6, seed=1)
    mean = raw.mean(axis=0)
    ref = _modified_score_root(raw - mean, y, w, offset)
    model = LogisticRegression(penalty="firth").fit(
        sp.csr_array(X), y, sample_weight=w, offset=offset
    )
    np.testing.assert_allclose(model.coef_.ravel(), ref[1:], rtol=1e-8)


def test_without_intercept_the_coordinates_are_the_users():
    # no centring without an intercept (the model would change): the estimate
    # is the root of the modified score of the columns as given
    X, y, w, offset, raw = _data(0.0, seed=2)
    Xt = np.column_stack([np.ones(len(y)), raw])  # the constant as a column
    ref = _score_root(Xt, y, w, offset)
    model = LogisticRegression(penalty="firth", fit_intercept=False).fit(
        Xt, y, sample_weight=w, offset=offset
    )
    np.testing.assert_allclose(model.coef_.ravel(), ref, rtol=1e-8)


@pytest.mark.filterwarnings("ignore:60 rows have non-integer sample weights")
@pytest.mark.parametrize("shift", [2e6, 1e8])
def test_far_from_centred_covariance_is_the_centred_inverse_mapped(shift):
    X, y, w, offset, raw = _data(shift, seed=3)
    centre = raw.mean(axis=0)
    ref = _modified_score_root(raw - centre, y, w, offset)
    Xt = np.column_stack([np.ones(len(y)), raw - centre])
    p = expit(Xt @ ref + offset)
    cov_c = np.linalg.inv(Xt.T @ ((w * p * (1 - p))[:, None] * Xt))
    J = np.eye(3)  # d(b, w1, w2)/d(b_c, w1, w2): b = b_c - (centre + shift)·w
    J[0, 1:] = -(centre + [shift, 0.0])
    cov = J @ cov_c @ J.T
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, offset=offset
    )
    res = model.inference()  # the covariance kept at fit
    np.testing.assert_allclose(res.cov_params(), cov, rtol=1e-7)
    with_rows = model.inference(X, y, sample_weight=w, offset=offset)
    np.testing.assert_allclose(with_rows.bse, np.sqrt(np.diag(cov)), rtol=1e-7)


def test_sex2_with_age_moved_has_logistfs_slope_profiles_and_lr_tests():
    X, y, w = sex2()
    moved = X.assign(age=X["age"] + 1e6)
    model = LogisticRegression(penalty="firth").fit(moved, y, sample_weight=w)
    res = model.inference(moved, y, sample_weight=w)
    slopes = list(range(1, 7))
    ci = np.asarray(res.conf_int(method="profile", terms=X.columns.tolist()))
    np.testing.assert_allclose(ci[slopes], np.asarray(SEX2_CI)[slopes], rtol=1e-6)
    # logistf's penalized LR statistics of the slopes, as printed (easystats'
    # snapshot, tests/test_firth.py): the column's place does not change them
    printed = [7.51, 0.02, 22.93, 19.10, 3.70, 7.90]
    stat = np.asarray(res._lr_statistics)  # display order, intercept first
    np.testing.assert_allclose(stat[slopes], printed, atol=0.005 + 1e-12)


def test_a_model_file_of_a_far_from_centred_fit_loads(tmp_path):
    # the information summed about 0 looked aliased at 1e8: save wrote a
    # reduced model beside a covariance without null rows, which load refused
    from logistic import load, save

    X, y, _, _, _ = _data(1e8, seed=4)
    model = LogisticRegression(penalty="firth").fit(X, y)
    save(model, tmp_path / "m.json")
    back = load(tmp_path / "m.json")
    np.testing.assert_array_equal(back.coef_, model.coef_)
    np.testing.assert_array_equal(back.intercept_, model.intercept_)


@pytest.mark.filterwarnings("ignore:60 rows have non-integer sample weights")
@pytest.mark.filterwarnings("error::logistic.NumericalStabilityWarning")
def test_a_loaded_far_from_centred_fit_gives_the_centred_covariance(tmp_path):
    # inference() of a loaded model (and `logistic test MODEL`) inverted the
    # stored covariance to an information summed about 0 and back: 1.6e-3 off
    # each standard error at age + 1e6 in sex2, warned about as rounding
    from logistic import load, save

    X, y, w, offset, raw = _data(2e6, seed=3)
    centre = raw.mean(axis=0)
    ref = _modified_score_root(raw - centre, y, w, offset)
    Xt = np.column_stack([np.ones(len(y)), raw - centre])
    p = expit(Xt @ ref + offset)
    cov_c = np.linalg.inv(Xt.T @ ((w * p * (1 - p))[:, None] * Xt))
    J = np.eye(3)  # as in the test above: b = b_c - (centre + shift)·w
    J[0, 1:] = -(centre + [2e6, 0.0])
    cov = J @ cov_c @ J.T
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, offset=offset
    )
    save(model, tmp_path / "m.json")
    res = load(tmp_path / "m.json").inference()  # the stored covariance
    np.testing.assert_allclose(res.cov_params(), cov, rtol=1e-7)
