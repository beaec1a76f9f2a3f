"""After columns are left out as aliased, ``coef_`` is the reduced model's
estimate and ``objective_`` is the objective at the returned coefficients.

The rows: two columns near 176 and 173 and a third that is a combination of
them plus noise of 1.5e-5 of its spread, 145 000 spreads from 0, weighted,
36 rows. The rank rule leaves the third column out as aliased. L-BFGS's full
fit separated the rows through that noise (an objective of ~5e-11, huge
coefficients): the one-step estimate of the reduced model from there had
logits of ~1e4, where Newton's polish could take no step, and the fit returned
it (a log loss of 100-700) with ``converged_=True`` and the full fit's
objective. Newton, which stops short there, returned the reduced estimate
with the full fit's objective (1e-6-1e-5 below the one of its coefficients).
SGD beside two constant columns reported its own objective, ~5e-6 above
the one of the reduced estimate it returned.

Reference: statsmodels' ``GLM`` (binomial, ``freq_weights``) of the two kept
columns, whose maximum likelihood estimate the reduced model is; the
objective at the returned coefficients is the weighted mean log loss
computed here with numpy.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression


def _rows(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 36
    Z = rng.normal(size=(n, 2))
    comb = Z @ rng.normal(size=2)
    x3 = comb + 1.5e-5 * comb.std() * rng.normal(size=n)
    X = np.column_stack([Z[:, 0] + 176.0, Z[:, 1] + 173.5, x3 + 145441.0 * x3.std()])
    y = (rng.random(n) < 0.1).astype(float)
    y[0], y[1] = 1.0, 0.0
    s = rng.exponential(size=n)
    s[rng.random(n) < 0.3] = 0.0
    s[:2] = 1.0
    return X, y, s


def _mean_log_loss(X, y, s, coef, intercept):
    z = X @ np.ravel(coef) + intercept
    return float(np.sum(s * (np.logaddexp(0.0, z) - y * z)) / np.sum(s))


@pytest.mark.parametrize("seed", [7, 41])
@pytest.mark.parametrize("solver", ["lbfgs", "newton", "newton-cg"])
def test_reduced_fit_and_its_objective(seed, solver):
    sm = pytest.importorskip("statsmodels.api")
    X, y, s = _rows(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(solver=solver, max_iter=1000).fit(X, y, sample_weight=s)
        ref = sm.GLM(
            y, sm.add_constant(X[:, :2]), family=sm.families.Binomial(), freq_weights=s
        ).fit(tol=1e-12)
    coef = np.ravel(m.coef_)
    assert coef[2] == 0.0  # left out as aliased
    np.testing.assert_allclose(coef[:2], ref.params[1:], rtol=1e-5)
    np.testing.assert_allclose(m.intercept_[0], ref.params[0], rtol=1e-5)
    at_coef = _mean_log_loss(X, y, s, coef, m.intercept_[0])
    assert m.objective_ == pytest.approx(at_coef, rel=1e-9, abs=1e-12)
    # and it is the reduced model's maximum (statsmodels' log-likelihood)
    assert at_coef == pytest.approx(-ref.llf / s.sum(), rel=1e-8)


def test_stochastic_fit_beside_constant_columns():
    # two constant columns beside the intercept are aliased; SGD's averaged
    # iterate stops short of the optimum, so the reduced estimate from it lies
    # below the solver's objective (which the fit reported, ~5e-6 above the
    # objective at the returned coefficients)
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(0)
    n = 500
    X = rng.normal(size=(n, 6))
    X[:, 2], X[:, 4] = 1.7, -0.3
    y = (rng.random(n) < 0.5).astype(float)
    s = rng.exponential(size=n)
    offset = 0.3 * rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(solver="sgd", max_iter=1000, random_state=0).fit(
            X, y, sample_weight=s, offset=offset
        )
    kept = [0, 1, 3, 5]
    ref = sm.GLM(
        y,
        sm.add_constant(X[:, kept]),
        family=sm.families.Binomial(),
        freq_weights=s,
        offset=offset,
    ).fit(tol=1e-12)
    coef = np.ravel(m.coef_)
    assert coef[2] == 0.0 and coef[4] == 0.0
    z = X @ coef + m.intercept_[0] + offset
    at_coef = float(np.sum(s * (np.logaddexp(0.0, z) - y * z)) / np.sum(s))
    assert m.objective_ == pytest.approx(at_coef, rel=1e-9)
    assert at_coef == pytest.approx(-ref.llf / s.sum(), rel=1e-7)
    np.testing.assert_allclose(coef[kept], ref.params[1:], rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("order", ["C", "F"])
def test_float32_stochastic_fit_beside_constant_columns(order):
    # float32 data: the estimate moved the objective by ~5e-6, under float32's
    # resolution but far above the rounding of the two values' common sums.
    # Both constant columns are aliased in either memory order and at every
    # row-loop level: an F-ordered block (or the row loop off) takes its
    # Hessian from BLAS syrk, which summed float32 in float32 and left the
    # column of 1.7 in the fit (its pivot ~1e-7, the tolerance ~1e-12), after
    # which inference refused it as a constant column beside the intercept
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(0)
    n = 500
    X = rng.normal(size=(n, 6))
    X[:, 2], X[:, 4] = 1.7, -0.3
    y = (rng.random(n) < 0.5).astype(float)
    X32 = np.asarray(X, dtype=np.float32, order=order)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(solver="sgd", max_iter=1000, random_state=0).fit(X32, y)
    coef = np.ravel(m.coef_)
    assert coef[2] == 0.0 and coef[4] == 0.0
    # reference: statsmodels' maximum likelihood fit of the kept columns
    kept = [0, 1, 3, 5]
    X64 = X32.astype(np.float64)
    ref = sm.GLM(y, sm.add_constant(X64[:, kept]), family=sm.families.Binomial()).fit(
        tol=1e-12
    )
    # SGD's estimate, float32 coefficients: near the maximum, as in the
    # float64 test above
    np.testing.assert_allclose(coef[kept], ref.params[1:], rtol=1e-3, atol=1e-4)
    z = X64 @ coef.astype(np.float64) + m.intercept_[0]
    at_coef = float(np.mean(np.logaddexp(0.0, z) - y * z))
    assert at_coef == pytest.approx(-ref.llf / n, rel=1e-7)
    assert m.objective_ == pytest.approx(at_coef, rel=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SGD's inference is approximate (it says so)
        llf = m.inference().llf
    assert llf == pytest.approx(-n * at_coef, rel=1e-9)


def test_an_estimate_at_the_reduced_optimum_is_not_refitted(monkeypatch):
    # a near dependency (noise 1e-9 of the spread) lets the full fit go lower
    # than the reduced model; the estimate meets tol already, so no restart
    # from zero (it cost ~7 Newton iterations and returned the estimate)
    import logistic._fit_aliased as steps

    rng = np.random.default_rng(0)
    n, p = 4000, 5
    x = rng.normal(size=(n, p))
    X = np.column_stack([x, x[:, 0] + x[:, 1] + 1e-9 * rng.normal(size=n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-(x[:, :3] @ [0.5, -1, 0.2])))).astype(float)
    starts = []
    original = steps._reduced_newton

    def counted(objective, theta, aliased, tol):
        starts.append(np.array(theta))
        return original(objective, theta, aliased, tol)

    monkeypatch.setattr(steps, "_reduced_newton", counted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(solver="newton").fit(X, y)
    assert np.ravel(m.coef_)[-1] == 0.0
    assert len(starts) == 1  # the polish from the estimate only
    z = X @ np.ravel(m.coef_) + m.intercept_[0]
    at_coef = float(np.mean(np.logaddexp(0.0, z) - y * z))
    assert m.objective_ == pytest.approx(at_coef, rel=1e-12)
