"""Invariances of the fitted model (RELIABILITY N09, N13, N15; STYLE §8).

Each test compares two fits that must be equal by the definition of the
objective, so the reference is the package itself under a transformation
whose effect is known exactly: unit weights = no weights; weight 2 = a
duplicated row; weight 0 = a dropped row; an offset = a column with its
coefficient fixed at 1; ``class_weight="balanced"`` = sample weights
``n / (2 n_c)``; scaling a feature scales its coefficient inversely;
``[X, X]/2`` with ``alpha/2`` = ``X`` with ``alpha``; row order does not matter.
Fits run at the default tol (1e-10 on the KKT residual), so coefficients agree
to ~1e-8.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit

from logistic import LogisticRegression

SOLVERS = ["newton", "lbfgs", "newton-cd"]
PENALTIES = [dict(), dict(penalty="l2", alpha=0.01), dict(penalty="l1", alpha=0.005)]
ATOL = 1e-7


def data(seed=0, n=300, p=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.array([1.0, 3.0, 0.5, 2.0])[:p]
    z = X @ np.array([0.7, -0.2, 1.0, 0.0])[:p] - 0.4
    y = (rng.random(n) < expit(z)).astype(float)
    return X, y


def fit(solver, params, X, y, **kw):
    if params.get("penalty") in ("l1", "elasticnet") and solver != "newton-cd":
        solver = "newton-cd"
    return LogisticRegression(solver=solver, **params).fit(X, y, **kw)


def same(a, b, atol=ATOL):
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=atol)


@pytest.mark.parametrize("params", PENALTIES, ids=["none", "l2", "l1"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_unit_weights_equal_no_weights(solver, params):
    X, y = data()
    same(
        fit(solver, params, X, y), fit(solver, params, X, y, sample_weight=np.ones(300))
    )


@pytest.mark.parametrize("params", PENALTIES, ids=["none", "l2", "l1"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_weight_two_equals_duplicated_row(solver, params):
    X, y = data()
    rng = np.random.default_rng(1)
    w = rng.integers(1, 3, size=300).astype(float)  # 1 or 2
    rep = np.repeat(np.arange(300), w.astype(int))
    same(
        fit(solver, params, X, y, sample_weight=w), fit(solver, params, X[rep], y[rep])
    )


@pytest.mark.parametrize("params", PENALTIES, ids=["none", "l2", "l1"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_weight_zero_equals_dropped_row(solver, params):
    X, y = data()
    keep = np.random.default_rng(2).random(300) < 0.7
    same(
        fit(solver, params, X, y, sample_weight=keep.astype(float)),
        fit(solver, params, X[keep], y[keep]),
    )


def test_integer_weights_equal_repetition_random():
    """Property over several random integer weight vectors (0..3)."""
    X, y = data(n=120)
    for seed in range(5):
        w = np.random.default_rng(seed).integers(0, 4, size=120)
        rep = np.repeat(np.arange(120), w)
        a = LogisticRegression(penalty="l2", alpha=0.02).fit(X, y, sample_weight=w)
        b = LogisticRegression(penalty="l2", alpha=0.02).fit(X[rep], y[rep])
        same(a, b)


@pytest.mark.parametrize("params", PENALTIES, ids=["none", "l2", "l1"])
def test_scaling_all_weights_changes_nothing_with_alpha(params):
    """alpha is on the mean-loss scale: Σs normalises the weights away."""
    X, y = data()
    w = np.random.default_rng(3).uniform(0.5, 2.0, 300)
    same(
        fit("newton", params, X, y, sample_weight=w),
        fit("newton", params, X, y, sample_weight=7.5 * w),
    )


def test_scaling_weights_with_C_scales_the_data_term():
    """With C (scikit-learn's convention) weights are frequencies: multiplying them
    by k is fitting with C·k."""
    X, y = data()
    a = LogisticRegression(penalty="l2", C=0.3).fit(
        X, y, sample_weight=np.full(300, 4.0)
    )
    b = LogisticRegression(penalty="l2", C=1.2).fit(X, y)
    same(a, b)


@pytest.mark.parametrize("params", PENALTIES, ids=["none", "l2", "l1"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_offset_is_a_column_with_coefficient_one(solver, params):
    """Offset c·x₀: the fit shifts w₀ by exactly -c and leaves the rest unchanged
    (unpenalised), or equals the fit of a model with x₀'s coefficient fixed."""
    X, y = data()
    if params:  # penalised: the fixed column must not be penalised, so use a new one
        o = np.random.default_rng(5).standard_normal(300)
        m = fit(solver, params, X, y, offset=o)
        # KKT of the smooth part at the fit, from an independent gradient
        z = X @ m.coef_.ravel() + m.intercept_[0] + o
        r = expit(z) - y
        assert abs(r.mean()) <= 1e-9
        ref = fit(solver, params, X, y)
        assert np.abs(m.coef_ - ref.coef_).max() > 1e-3  # the offset matters
        return
    c = 0.5
    m_off = fit(solver, params, X, y, offset=c * X[:, 0])
    m = fit(solver, params, X, y)
    np.testing.assert_allclose(m_off.coef_[0, 0], m.coef_[0, 0] - c, atol=ATOL)
    np.testing.assert_allclose(m_off.coef_[0, 1:], m.coef_[0, 1:], atol=ATOL)
    np.testing.assert_allclose(m_off.intercept_, m.intercept_, atol=ATOL)


def test_offset_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, y = data()
    o = np.random.default_rng(6).standard_normal(300) * 0.5
    m = LogisticRegression().fit(X, y, offset=o)
    res = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), offset=o).fit(
        tol=1e-12
    )
    np.testing.assert_allclose(
        np.r_[m.intercept_, m.coef_.ravel()], res.params, rtol=1e-6, atol=1e-8
    )


def test_weights_class_weights_and_offset_together():
    """All three at once = sample weights s·cw with the offset column fixed."""
    X, y = data()
    rng = np.random.default_rng(7)
    sw = rng.uniform(0.5, 2, 300)
    o = rng.standard_normal(300)
    cw = {0.0: 0.5, 1.0: 3.0}
    a = LogisticRegression(penalty="l2", alpha=0.01, class_weight=cw).fit(
        X, y, sample_weight=sw, offset=o
    )
    manual = sw * np.where(y == 1, 3.0, 0.5)
    b = LogisticRegression(penalty="l2", alpha=0.01).fit(
        X, y, sample_weight=manual, offset=o
    )
    same(a, b)


@pytest.mark.parametrize("with_weights", [False, True])
def test_balanced_class_weight_equals_manual(with_weights):
    X, y = data()
    y = np.where(np.arange(300) < 60, 1.0, y * (np.arange(300) % 5 == 0))  # imbalanced
    sw = np.random.default_rng(8).uniform(0.5, 2, 300) if with_weights else None
    a = LogisticRegression(penalty="l2", C=1.0, class_weight="balanced").fit(
        X, y, sample_weight=sw
    )
    s = np.ones(300) if sw is None else sw
    n, n1 = s.sum(), s[y == 1].sum()
    manual = s * np.where(y == 1, n / (2 * n1), n / (2 * (n - n1)))
    b = LogisticRegression(penalty="l2", C=1.0).fit(X, y, sample_weight=manual)
    same(a, b)


def test_duplicated_halved_columns_with_half_alpha():
    """[X, X]/2 with alpha/2 gives the same predictions (w' = [w, w])."""
    X, y = data()
    a = LogisticRegression(penalty="l2", alpha=0.02).fit(X, y)
    b = LogisticRegression(penalty="l2", alpha=0.01).fit(np.hstack([X, X]) / 2, y)
    np.testing.assert_allclose(
        a.decision_function(X), b.decision_function(np.hstack([X, X]) / 2), atol=1e-8
    )
    np.testing.assert_allclose(b.coef_[0, :4], b.coef_[0, 4:], atol=1e-8)


@pytest.mark.parametrize("solver", SOLVERS + ["gd"])
def test_feature_scaling_unpenalised(solver):
    """N09: scaling column j by c scales w_j by 1/c; predictions unchanged."""
    X, y = data()
    scale = np.array([1e-3, 1.0, 1e4, 10.0])
    a = LogisticRegression(solver=solver).fit(X, y)
    b = LogisticRegression(solver=solver).fit(X * scale, y)
    np.testing.assert_allclose(b.coef_ * scale, a.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(
        b.decision_function(X * scale), a.decision_function(X), atol=1e-7
    )


@pytest.mark.parametrize("params", PENALTIES, ids=["none", "l2", "l1"])
def test_row_permutation(params):
    X, y = data()
    perm = np.random.default_rng(9).permutation(300)
    same(
        fit("newton", params, X, y), fit("newton", params, X[perm], y[perm]), atol=1e-8
    )


def test_label_flip_negates_the_model():
    """A13: relabelling y → 1-y negates the decision function."""
    X, y = data()
    a = LogisticRegression(penalty="l2", alpha=0.01).fit(X, y)
    b = LogisticRegression(penalty="l2", alpha=0.01).fit(X, 1 - y)
    np.testing.assert_allclose(
        a.decision_function(X), -b.decision_function(X), atol=1e-8
    )
    c = LogisticRegression(penalty="l2", alpha=0.01).fit(
        X, np.where(y == 1, "yes", "no")
    )
    np.testing.assert_array_equal(c.classes_, ["no", "yes"])
    np.testing.assert_allclose(
        c.decision_function(X), a.decision_function(X), atol=1e-8
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_close_to_float64(solver):
    """N10: float32 X gives the float64 model within FP32 tolerance."""
    X, y = data(n=2000)
    a = LogisticRegression(solver=solver, penalty="l2", alpha=1e-3).fit(X, y)
    b = LogisticRegression(solver=solver, penalty="l2", alpha=1e-3).fit(
        X.astype(np.float32), y
    )
    assert b.tol_ == 1e-6
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-4, atol=1e-4)
    p32 = b.predict_proba(X.astype(np.float32))
    assert np.all(np.isfinite(p32))
    np.testing.assert_allclose(p32, a.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize("scale", [1e170, 1e200, 1e300])
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cg", "gd"])
def test_huge_uniform_weights_are_the_unweighted_fit(scale, solver):
    """Weights of 1e200 on every row are unit weights: the objective divides by
    Σs. The column statistics' correction squared a rounding error times Σs
    before dividing by Σs, which overflowed from about Σs = 1e160: lbfgs raised
    NumericalError, gd and newton-cg stopped at zero with overflow warnings and
    newton warned of precision. Reference: statsmodels' Logit without weights."""
    sm = pytest.importorskip("statsmodels.api")
    X, y = data(seed=5, n=200, p=3)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no convergence warning
        m = LogisticRegression(solver=solver).fit(
            X, y, sample_weight=np.full(len(y), scale)
        )
    np.testing.assert_allclose(m.intercept_[0], ref.params[0], atol=1e-7)
    np.testing.assert_allclose(m.coef_.ravel(), ref.params[1:], atol=1e-7)
