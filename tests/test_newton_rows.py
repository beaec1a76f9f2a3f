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
from logistic.solvers import newton as newton_mod
from logistic.solvers._newton_rows import (
    DECREMENT_PER_ERROR,
    FIRST_STEP_CONSTANT,
    MAX_MOMENT_ERROR,
    MIN_ROWS_PER_PARAM,
    HessianSample,
    effective_rows,
    loss_share,
    predicted_decrement,
    sampled,
    usable,
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
            m.setattr(newton_mod, "trial_rows", lambda *args: None)
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


def test_the_effective_rows_are_those_of_the_curvature_weights():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = (rng.random(400) < 0.3).astype(float)
    sw = rng.uniform(0.1, 3.0, size=400)
    objective = LogisticObjective.from_arrays(X, y, sw, l2=0.01)
    sample = HessianSample(objective, np.arange(0, 400, 4), 0.0)
    theta = 3.0 * rng.normal(size=6)
    z = np.hstack([X[::4], np.ones((100, 1))]) @ theta
    d = sw[::4] * np.exp(-np.logaddexp(0.0, z) - np.logaddexp(0.0, -z))
    assert sample.size_at(theta) == pytest.approx(d.sum() ** 2 / (d @ d), rel=1e-12)
    w = sw[::4]  # at θ = 0 every curvature weight is s/4
    assert sample.size_at(np.zeros(6)) == pytest.approx(w.sum() ** 2 / (w @ w))
    assert effective_rows(np.ones(7)) == pytest.approx(7.0)
    assert effective_rows(np.array([1.0, 0.0, 0.0, 0.0])) == pytest.approx(1.0)
    assert effective_rows(np.zeros(3)) == 0.0


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
    first = FIRST_STEP_CONSTANT * 0.73**2
    assert predicted_decrement(0.73, float("nan")) == pytest.approx(first)
    # a penalty's share of the curvature shrinks the first step's constant
    assert predicted_decrement(0.73, float("nan"), 0.5) == pytest.approx(first / 8)


def test_a_prediction_that_is_not_a_number_gets_no_estimate():
    """``min(1, nan)`` is 1: without its own test a NaN contraction would
    predict the largest decrement, the side that estimates more."""
    nan, inf = float("nan"), float("inf")
    assert predicted_decrement(nan, 0.73) == 0.0
    assert predicted_decrement(0.1, nan, nan) == 0.0  # the first step's, ρ nan
    assert predicted_decrement(inf, 0.5) == 0.0
    assert predicted_decrement(0.1, inf) == 0.0  # rate 0: no decrement left
    assert not sampled(11, 2_000.0, predicted_decrement(nan, 0.73))


def test_effective_rows_of_weights_not_finite_or_far_from_one():
    assert effective_rows(np.array([np.inf, 1.0])) == 0.0
    assert effective_rows(np.array([np.nan, 1.0, 1.0])) == 0.0
    assert effective_rows(np.array([])) == 0.0
    # squares that underflow or overflow float64: the count all the same
    assert effective_rows(np.array([1e-200, 1e-200, 0.0])) == pytest.approx(2.0)
    assert effective_rows(np.array([1e200, 1e200, 1e200])) == pytest.approx(3.0)


def test_rows_are_copied_only_for_a_step_that_may_get_an_estimate(monkeypatch):
    """:meth:`HessianSample.estimates` tests the prediction with all ``m``
    rows first (the effective rows never exceed them): a prediction below
    the bar of ``m`` rows neither copies the rows nor reads them."""
    X, y = _data()
    objective = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
    sample = HessianSample(objective, np.arange(0, 20_000, 10), 0.0)
    sizes: list[float] = []
    real = HessianSample.size_at

    def counting(self, theta):
        sizes.append(real(self, theta))
        return sizes[-1]

    monkeypatch.setattr(HessianSample, "size_at", counting)
    bar = DECREMENT_PER_ERROR * objective.n_params / 2_000
    assert not sample.estimates(np.zeros(11), 0.99 * bar)
    assert sizes == [] and sample._rows is None
    assert sample.estimates(np.zeros(11), 100 * bar)
    assert len(sizes) == 1 and sample._rows is not None


def test_the_loss_share_of_the_curvature():
    """``ρ = h / (h + λ)``, ``h`` the largest ``E[x²] / 4`` of a column."""
    X = np.column_stack([np.full(8, 2.0), np.tile([-1.0, 1.0], 4)])
    y = np.tile([0.0, 1.0], 4)
    assert loss_share(LogisticObjective.from_arrays(X, y, l2=1.0)) == 0.5
    assert loss_share(LogisticObjective.from_arrays(X, y, l2=0.0)) == 1.0


def test_estimates_only_far_from_the_optimum_from_a_faithful_sample():
    """ijcnn1's numbers (2 000 rows, 23 parameters, effective rows 1 824,
    1 367 and 1 030 at its first trial points): its decrements predicted at
    0.134, 0.0137 and 0.0129 are far; 0.0026 is not."""
    for size, predicted in [(1824, 0.134), (1367, 0.0137), (1030, 0.0129)]:
        assert sampled(23, size, predicted)
    assert not sampled(23, 1030, 0.0026)
    assert DECREMENT_PER_ERROR * 23 / 1030 > 0.0026
    # near separation the curvature rests on a few rows: too few effective
    assert not sampled(11, MIN_ROWS_PER_PARAM * 11 - 1, 1.0)
    assert usable(_sample(2000, 23, 0.07))
    assert not usable(_sample(2000, 23, 0.3))  # heavy tails
    assert not usable(_sample(MIN_ROWS_PER_PARAM * 23 - 1, 23, 0.0))  # few rows
    assert not usable(_sample(2000, 23, 0.0, l2=0.0))  # unpenalized


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


def _separable(seed: int):
    """Nearly separable tall data (the coefficients of :func:`_data` eight
    times larger): the curvature concentrates on a few rows as Newton nears
    the optimum."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(20_000, 10))
    w = 16.0 * rng.normal(size=10)
    y = (rng.random(20_000) < 1.0 / (1.0 + np.exp(-(X @ w - 1.0)))).astype(float)
    return X, y


@pytest.mark.parametrize(
    "data, alpha, tol, n_iter",
    [
        # n_iter: Newton's iterations with every Hessian exact (measured
        # with no estimate); the fit must take no more. An estimate used
        # too early on a strongly penalized, nearly quadratic objective
        # (alpha 1 and 0.3), or on too few effective rows near separation,
        # takes one iteration more in each of these cases
        (lambda: _data(0), 1.0, 1e-6, 2),
        (lambda: _data(0), 1.0, 1e-10, 3),
        (lambda: _data(2), 1.0, 1e-6, 2),
        (lambda: _data(0), 0.3, 1e-4, 2),
        (lambda: _separable(0), 1.0 / 20_000, 1e-4, 8),
        (lambda: _separable(2), 1.0 / 20_000, 1e-10, 10),
    ],
)
def test_as_many_iterations_as_exact_newton(data, alpha, tol, n_iter):
    X, y = data()
    model = LogisticRegression(penalty="l2", alpha=alpha, tol=tol, solver="newton")
    assert model.fit(X, y).n_iter_[0] == n_iter


def test_a_step_that_backtracks_ends_the_sampling(monkeypatch):
    """The second step's full step is refused (its trial reported as not
    accepted): it backtracks, and no later step reads an estimate."""
    X, y = _data()
    steps: list[float] = []
    at: list[int] = []
    refuse = [True]
    real_backtrack = newton_mod.backtrack
    real_hessian = HessianSample.hessian

    def refusing(trial, t0, *, max_backtracks):
        steps.append(t0)

        def refused_once(t):
            ok, out = trial(t)
            return (ok and not (refuse[0] and len(steps) == 2 and t == t0)), out

        return real_backtrack(refused_once, t0, max_backtracks=max_backtracks)

    def counting(self, theta):
        at.append(len(steps))
        return real_hessian(self, theta)

    monkeypatch.setattr(newton_mod, "backtrack", refusing)
    monkeypatch.setattr(HessianSample, "hessian", counting)
    model = LogisticRegression(penalty="l2", alpha=1.0 / X.shape[0], tol=1e-8)
    model.set_params(solver="newton").fit(X, y)
    assert model.history_[2]["step"] < 1.0
    assert 2 in at and max(at) == 2  # estimates up to the second step only
    refuse[0] = False
    at.clear()
    steps.clear()
    model.fit(X, y)  # no step refused: the third step estimates too
    assert 3 in at


def test_the_last_step_prediction_is_linear_after_an_estimate():
    """A state whose Hessian is an estimate converges linearly
    (``‖g⁺‖ ≈ (‖g‖/‖g⁻‖)·‖g‖``), an exact one quadratically
    (``‖g⁺‖ ≈ (‖g‖/‖g⁻‖²)·‖g‖²``)."""
    X, y = _data()
    objective = LogisticObjective.from_arrays(X[:2000], y[:2000], l2=1e-3)

    class _Fit:
        tol = 1e-7

    _Fit.objective = objective
    solver = newton_mod.Newton(tol=1e-7)
    state = newton_mod._NewtonState(
        np.zeros(11), 0.5, np.zeros(11), 1e-4, step=1.0, hessian=np.eye(11)
    )
    state.prev_grad_max_norm = 1e-2  # quadratic: 2e-8 < tol; linear: 2e-6
    assert solver._last_step_predicted(_Fit, state)
    state.hessian_estimated = True
    assert not solver._last_step_predicted(_Fit, state)
