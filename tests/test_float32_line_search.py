"""Float32 data: the line searches' precision regime starts at float32's rounding.

``X w`` runs in X's type, so an objective computed from float32 data is
resolved only to float32's epsilon although its sums are float64. Newton's
Armijo test compared such values as if they were float64-exact: near the
optimum the decrease of a full step (about 1e-10 on UCLA) is below that
rounding, the step was rejected and halved 50 times, and the fit stopped 5e-5
(relative) from the optimum with its gradient 4× above tol (UCLA with sample
weights and an offset, numpy kernels, on an AVX-512 host; the array-API
backends' different summation order happened to pass). Reference: the same
fit in float64 (converged to tol 1e-12).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, _kernels
from logistic._exceptions import ConvergenceWarning
from logistic._numerics import EPS, rounding_noise, value_eps
from logistic.solvers._linesearch import armijo_or_flat, negligible, unresolved
from test_cross_library import ucla


def test_value_eps_is_the_data_types():
    assert value_eps(np.float32) == np.finfo(np.float32).eps
    assert value_eps(np.float64) == EPS
    assert value_eps(np.int64) == EPS  # not a float: the float64 sums decide
    assert rounding_noise(0.5, value_eps(np.float32)) == pytest.approx(
        64 * np.finfo(np.float32).eps
    )


def test_float32_rounding_makes_a_tiny_change_unresolved():
    J0, J1 = 0.5708804817, 0.5708804837  # a rise of 2e-9: float32 rounding
    eps32 = value_eps(np.float32)
    assert not unresolved(J1, J0)  # float64 resolves it
    assert unresolved(J1, J0, eps32)
    # the precision regime hands the decision to the gradient
    assert not armijo_or_flat(J1, J0, 1.0, -1e-10, lambda: True)
    assert armijo_or_flat(J1, J0, 1.0, -1e-10, lambda: True, eps32)
    assert not armijo_or_flat(J1, J0, 1.0, -1e-10, lambda: False, eps32)
    assert negligible(1e-9, J0, eps32) and not negligible(1e-9, J0)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])
@pytest.mark.parametrize("solver", ["newton", "newton-cg"])
def test_float32_newton_reaches_tol_on_weighted_ucla(compiled, solver):
    X, y = ucla()
    rng = np.random.default_rng(7)
    n = X.shape[0]
    fit = {"sample_weight": rng.uniform(0.5, 2.0, n), "offset": rng.normal(0, 0.2, n)}
    ref = LogisticRegression(solver="newton", tol=1e-12).fit(X, y, **fit)
    old = _kernels.set_compiled(compiled)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            got = LogisticRegression(solver=solver).fit(X.astype(np.float32), y, **fit)
    finally:
        _kernels.set_compiled(old)
    assert got.converged_ and got.grad_max_norm_ <= got.tol_
    a = np.append(ref.coef_, ref.intercept_)
    b = np.append(got.coef_, got.intercept_)
    assert np.abs(b - a).max() <= 1e-5 * max(1.0, np.abs(a).max())


def test_float32_lbfgs_stops_scipy_at_float32_rounding(monkeypatch):
    """scipy's line search on float32 data compares values one float32 ulp
    apart near the optimum; the wrapper stops it after ``FLAT_EVALUATIONS``
    such values (float32's rounding, :attr:`Fit.value_eps`) and polishes by
    Newton-CG. Judged at float64's rounding instead, scipy ran its line
    searches out first: 39 passes against 22 for the same point (UCLA,
    weights and offset, tol 1e-6, from θ = 0: from the null model's
    intercept, the start of a fit with an offset, both take 13 and the
    rounding is never reached). Reference: statsmodels' binomial GLM with
    the same frequency weights and offset (float64, IRLS to 1e-12)."""
    sm = pytest.importorskip("statsmodels.api")
    from logistic import estimator
    from logistic.solvers import lbfgs

    monkeypatch.setattr(estimator, "intercept_start", lambda objective: 0.0)

    X, y = ucla()
    rng = np.random.default_rng(7)
    n = X.shape[0]
    fit = {"sample_weight": rng.uniform(0.5, 2.0, n), "offset": rng.normal(0, 0.2, n)}
    ref = sm.GLM(
        y,
        sm.add_constant(X, prepend=False),
        family=sm.families.Binomial(),
        freq_weights=fit["sample_weight"],
        offset=fit["offset"],
    ).fit(tol=1e-12)
    a = np.asarray(ref.params)  # coefficients, then the intercept

    def fit32():
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            return LogisticRegression(solver="lbfgs", tol=1e-6).fit(
                X.astype(np.float32), y, **fit
            )

    got = fit32()
    with monkeypatch.context() as m:  # the wrapper's comparisons at float64's rounding

        def float64_rounding(value, value0, eps=EPS):
            return unresolved(value, value0)

        m.setattr(lbfgs, "unresolved", float64_rounding)
        float64_rule = fit32()
    for model in (got, float64_rule):
        assert model.converged_ and model.grad_max_norm_ <= 1e-6
        b = np.append(model.coef_, model.intercept_)
        assert np.abs(b - a).max() <= 1e-5 * max(1.0, np.abs(a).max())
    assert got.n_passes_ < float64_rule.n_passes_
