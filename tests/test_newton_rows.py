"""Newton's Hessian estimated from the zero start's rows far from the optimum
(:mod:`logistic.solvers._newton_rows`): when it applies, that the estimate is
the sampled rows' own Hessian, and that a fit reaches the optimum the exact
Hessians reach, in as many iterations.

References come from outside the code under test: the Hessian from its
formula in numpy, the optimum from the gradient written in numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.solvers import _newton_rows as rows_mod
from logistic.solvers import newton as newton_mod
from logistic.solvers._newton_rows import (
    DECREMENT_PER_ERROR,
    MAX_MOMENT_ERROR,
    HessianSample,
    predicted_decrement,
    sampled,
)
from logistic.solvers._zero_start import zero_start


def _data(seed: int = 0, n: int = 20_000, p: int = 10, scale: float = 2.0):
    """Tall Gaussian data with a strong signal: Newton takes 8 steps from 0
    at tol 1e-8, the first ones far from the optimum."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    w = scale * rng.normal(size=p)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w - 1.0)))).astype(float)
    return X, y


def _numpy_gradient(X, y, coef, intercept, alpha, sw=None):
    """The gradient of ``(1/Σs) Σ s ℓ + alpha/2 ‖w‖²`` written in numpy."""
    sw = np.ones(X.shape[0]) if sw is None else sw
    z = X @ coef + intercept
    r = sw * (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / sw.sum()
    return np.append(X.T @ r + alpha * coef, r.sum())


def _fit(X, y, alpha, monkeypatch, *, estimate: bool, sw=None):
    """A Newton fit at tol 1e-8 and the number of Hessian estimates it made."""
    calls = []
    real = HessianSample.hessian

    def counting(self, theta):
        calls.append(1)
        return real(self, theta)

    with monkeypatch.context() as m:
        m.setattr(HessianSample, "hessian", counting)
        if not estimate:
            m.setattr(newton_mod, "sample_for", lambda *args: None)
        penalty = {"penalty": "l2", "alpha": alpha} if alpha > 0 else {"penalty": None}
        model = LogisticRegression(**penalty, tol=1e-8, solver="newton").fit(
            X, y, sample_weight=sw
        )
    return model, len(calls)


@pytest.mark.parametrize("weighted", [False, True])
def test_far_steps_estimate_the_hessian_and_reach_the_exact_optimum(
    monkeypatch, weighted
):
    X, y = _data()
    alpha = 1.0 / X.shape[0]
    sw = None
    if weighted:
        sw = np.random.default_rng(1).uniform(0.5, 2.0, size=X.shape[0])
    est, n_estimates = _fit(X, y, alpha, monkeypatch, estimate=True, sw=sw)
    exact, n_none = _fit(X, y, alpha, monkeypatch, estimate=False, sw=sw)
    assert n_none == 0
    assert 2 <= n_estimates < est.n_iter_[0]  # the far steps only
    assert est.n_iter_[0] == exact.n_iter_[0]
    assert est.n_passes_ == exact.n_passes_
    for model in (est, exact):
        g = _numpy_gradient(X, y, model.coef_[0], model.intercept_[0], alpha, sw)
        assert np.max(np.abs(g)) < 1e-7
    np.testing.assert_allclose(est.coef_, exact.coef_, rtol=1e-6, atol=1e-8)


def test_the_estimate_is_the_sampled_rows_hessian():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = (rng.random(400) < 0.3).astype(float)
    sw = rng.uniform(0.1, 3.0, size=400)
    l2 = 0.01
    objective = LogisticObjective.from_arrays(X, y, sw, l2=l2)
    sample = HessianSample(objective, np.arange(0, 400, 4), 0.0)
    theta = rng.normal(size=6)
    Xt = np.hstack([X[::4], np.ones((100, 1))])
    z = Xt @ theta
    d = sw[::4] * np.exp(-np.logaddexp(0.0, z) - np.logaddexp(0.0, -z))
    ref = (Xt.T * d) @ Xt / sw[::4].sum()
    ref[:5, :5] += l2 * np.eye(5)  # no penalty on the intercept
    np.testing.assert_allclose(sample.hessian(theta), ref, rtol=1e-12, atol=1e-15)


def _sample(
    m: int, n_params: int, moment_error: float, l2: float = 1.0
) -> HessianSample:
    objective = LogisticObjective.from_arrays(
        np.zeros((4, n_params - 1)), np.array([0.0, 1.0, 0.0, 1.0]), l2=l2
    )
    return HessianSample(objective, np.arange(m), moment_error)


def test_predicted_decrement_repeats_the_last_contraction():
    assert predicted_decrement(0.1, 0.73) == pytest.approx(0.1 * 0.1 / 0.73)
    assert predicted_decrement(0.5, 0.25) == 0.5  # never a growth
    assert predicted_decrement(0.73, float("nan")) == pytest.approx(0.73**2)


def test_estimates_only_far_from_the_optimum_from_a_faithful_sample():
    """ijcnn1's numbers (2 000 rows, 23 parameters): its decrements 0.73, 0.1,
    0.035 are far, 0.0095 after 0.035 is not."""
    sample = _sample(2000, 23, 0.07)
    bar = DECREMENT_PER_ERROR * 23 / 2000
    assert 0.0095 * 0.0095 / 0.035 < bar < 0.035 * 0.035 / 0.1
    assert sampled(sample, 0.73, float("nan"))
    assert sampled(sample, 0.1, 0.73)
    assert sampled(sample, 0.035, 0.1)
    assert not sampled(sample, 0.0095, 0.035)
    assert not sampled(_sample(2000, 23, 0.3), 0.73, float("nan"))  # heavy tails
    assert not sampled(_sample(1000, 23, 0.0), 0.73, float("nan"))  # few rows
    assert not sampled(_sample(2000, 23, 0.0, l2=0.0), 0.73, float("nan"))
    assert rows_mod.sample_for(sample, object(), 0.73, float("nan")) is None


def test_an_unpenalized_fit_keeps_the_exact_hessians(monkeypatch):
    """Without a penalty the fit reads exact Hessians throughout (near
    separation its linear phase would pay for the estimate's error)."""
    X, y = _data()
    _, n_estimates = _fit(X, y, 0.0, monkeypatch, estimate=True)
    assert n_estimates == 0


def test_a_heavy_tailed_column_keeps_the_exact_hessians(monkeypatch):
    X, y = _data(seed=4)
    X[:, 0] = np.random.default_rng(5).standard_t(3, size=X.shape[0])
    objective = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
    objective.column_moments()  # the statistics pass every fit makes first
    start = zero_start(objective, np.zeros(objective.n_params))
    assert start is not None  # the zero start takes these rows ...
    assert start.sample.moment_error > MAX_MOMENT_ERROR  # ... Newton does not
    _, n_estimates = _fit(X, y, 1.0 / X.shape[0], monkeypatch, estimate=True)
    assert n_estimates == 0
