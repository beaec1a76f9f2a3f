"""L-BFGS's sampled subspace steps (`solvers/_subspace.py`, `solvers/lbfgs.py`):
the same optimum as scikit-learn, fewer passes than L-BFGS-B alone, and
data that do not qualify are left to L-BFGS-B.

Reference for every fitted optimum: scikit-learn's
``LogisticRegression(solver="newton-cholesky")`` at ``tol=1e-12`` on the same
data, weights and penalty (C = 1, L2 on the mean loss ``1/(C·Σs)``).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic._objective import LogisticObjective
from logistic.solvers import _subspace
from logistic.solvers.lbfgs import LBFGS

N_ROWS, N_FEATURES = 70_000, 12


def _data(seed: int, n: int = N_ROWS, p: int = N_FEATURES):
    """Correlated, unscaled columns (so standardization matters) and labels
    drawn from a logistic model."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ (np.eye(p) + 0.3) * rng.uniform(0.5, 4, p)
    X += rng.uniform(-2, 2, p)
    beta = rng.standard_normal(p) / np.abs(X).mean(axis=0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.5)))).astype(np.float64)
    return X, y


def _reference(X, y, sample_weight=None, fit_intercept=True):
    total = float(np.sum(sample_weight)) if sample_weight is not None else len(y)
    sk = SkLogisticRegression(
        C=1.0,
        solver="newton-cholesky",
        tol=1e-12,
        max_iter=200,
        fit_intercept=fit_intercept,
    )
    # scikit-learn's C multiplies the summed loss: C = 1 on Σs·(mean loss)
    # is our λ = 1/Σs
    sk.fit(X, y, sample_weight=sample_weight)
    coef = sk.coef_.ravel()
    return np.r_[coef, sk.intercept_] if fit_intercept else coef, 1.0 / total


def _solve(X, y, l2, sample_weight=None, fit_intercept=True, **options):
    obj = LogisticObjective.from_arrays(
        X, y, sample_weight, l2=l2, fit_intercept=fit_intercept
    )
    res = LBFGS(tol=1e-9, max_iter=500, **options).solve(obj, np.zeros(obj.n_params))
    return res, obj


@pytest.mark.parametrize(
    "weighted, fit_intercept", [(False, True), (True, True), (False, False)]
)
def test_subspace_steps_reach_scikit_learns_optimum(weighted, fit_intercept):
    X, y = _data(0)
    w = np.random.default_rng(1).uniform(0.2, 3.0, len(y)) if weighted else None
    ref, l2 = _reference(X, y, w, fit_intercept)
    res, _ = _solve(X, y, l2, w, fit_intercept)
    steps = [h for h in res.history if h.get("subspace")]
    assert len(steps) >= 2  # the data qualify: the fit ran subspace steps
    assert res.converged
    np.testing.assert_allclose(res.coef, ref, rtol=1e-6, atol=1e-7)


def test_fewer_passes_than_lbfgs_b_alone():
    X, y = _data(2)
    ref, l2 = _reference(X, y)
    with_steps, obj = _solve(X, y, l2)
    passes_with = obj.n_evaluations
    without, obj0 = _solve(X, y, l2, subspace_steps=0)
    assert not any(h.get("subspace") for h in without.history)
    assert passes_with < obj0.n_evaluations
    np.testing.assert_allclose(without.coef, ref, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(with_steps.coef, ref, rtol=1e-6, atol=1e-7)


def test_lbfgs_b_continues_after_the_last_subspace_step():
    X, y = _data(3)
    ref, l2 = _reference(X, y)
    res, _ = _solve(X, y, l2, subspace_steps=1)
    marks = [bool(h.get("subspace")) for h in res.history[1:]]
    assert marks[0] and not any(marks[1:]) and len(marks) > 1
    assert res.converged
    np.testing.assert_allclose(res.coef, ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("steps", [1, 50])
def test_no_point_is_evaluated_twice(monkeypatch, steps):
    # scipy's first call repeats the point the subspace steps ended at, where
    # the evaluations already are: it is answered without a pass, so the value
    # and gradient passes equal the distinct points evaluated. The polish's
    # Hessian-vector passes are left out of the count: whether it runs (scipy
    # stalled at the objective's rounding with the gradient just above tol,
    # 1.1e-9 against 1e-9 with AVX2 kernels) depends on the gradient's last
    # bits, which the CPU's summation order decides
    from logistic.solvers import lbfgs

    points = []
    real_call = lbfgs._Evaluations.__call__
    products = []
    real_product = LogisticObjective.hessian_vector

    def spy(self, x):
        points.append(np.array(x))
        return real_call(self, x)

    def product_spy(self, theta, v):
        products.append(1)
        return real_product(self, theta, v)

    monkeypatch.setattr(lbfgs._Evaluations, "__call__", spy)
    monkeypatch.setattr(LogisticObjective, "hessian_vector", product_spy)
    X, y = _data(3)
    _, l2 = _reference(X, y)
    res, obj = _solve(X, y, l2, subspace_steps=steps)
    assert any(h.get("subspace") for h in res.history)
    distinct = [
        x
        for i, x in enumerate(points)
        if not any(np.array_equal(x, q) for q in points[:i])
    ]
    assert obj.n_evaluations - len(products) == len(distinct)


def test_a_sample_that_misses_the_curvature_hands_over_to_lbfgs_b():
    # labels separated by x0 + x1 > 2 but for 30 flipped rows, which the
    # 4 000-row sample mostly misses: the model's predicted decrease overstates
    # the full objective's, so the phase ends and L-BFGS-B finishes, in no more
    # iterations than L-BFGS-B alone (38 subspace steps against its 27 when
    # the phase ran to the end)
    rng = np.random.default_rng(1)
    n, p = 70_000, 6
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + 1
    y = (X[:, 0] + X[:, 1] > 2).astype(np.float64)
    flip = rng.choice(n, 30, replace=False)
    y[flip] = 1 - y[flip]
    ref, l2 = _reference(X, y)
    res, _ = _solve(X, y, l2)
    plain, _ = _solve(X, y, l2, subspace_steps=0)
    steps = sum(bool(h.get("subspace")) for h in res.history)
    assert 1 <= steps < res.n_iter  # the phase ran, then handed over
    assert res.n_iter <= plain.n_iter
    assert res.converged
    np.testing.assert_allclose(res.coef, ref, rtol=1e-5, atol=1e-6)


def test_a_step_that_does_not_decrease_hands_over_to_lbfgs_b(monkeypatch):
    """A subspace step uphill is dropped: L-BFGS-B starts where it was."""
    X, y = _data(4)
    ref, l2 = _reference(X, y)
    step = _subspace.SubspaceModel.step

    def uphill(self, x, g):
        s = step(self, x, g)
        return s if len(self.steps) < 2 else -10 * s

    monkeypatch.setattr(_subspace.SubspaceModel, "step", uphill)
    res, _ = _solve(X, y, l2)
    marks = [bool(h.get("subspace")) for h in res.history[1:]]
    assert marks[:2] == [True, False] and not any(marks[2:])
    values = [h["objective"] for h in res.history]
    assert all(b <= a for a, b in zip(values, values[1:], strict=False))
    assert res.converged
    np.testing.assert_allclose(res.coef, ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", ["few rows", "sparse", "offset"])
def test_data_that_do_not_qualify_run_lbfgs_b_only(case):
    X, y = _data(5, n=20_000 if case == "few rows" else N_ROWS)
    offset = None
    if case == "sparse":
        X = sp.csr_matrix(X)
    if case == "offset":
        offset = np.full(len(y), 0.1)
    obj = LogisticObjective.from_arrays(X, y, l2=1.0 / len(y), offset=offset)
    assert _subspace.sample_for_subspace(obj) is None
    res = LBFGS(tol=1e-6).solve(obj, np.zeros(obj.n_params))
    assert res.converged and not any(h.get("subspace") for h in res.history)


def test_max_iter_counts_the_subspace_steps():
    X, y = _data(6)
    obj = LogisticObjective.from_arrays(X, y, l2=1.0 / len(y))
    with pytest.warns(Warning, match="did not converge"):
        res = LBFGS(tol=1e-12, max_iter=2).solve(obj, np.zeros(obj.n_params))
    assert res.n_iter == 2 and not res.converged
    assert all(h.get("subspace") for h in res.history[1:])
    assert "max_iter=2" in res.status


def test_float32_rows_reach_the_float64_optimum():
    X, y = _data(7)
    ref, l2 = _reference(X, y)
    res, _ = _solve(X.astype(np.float32), y, l2)
    assert any(h.get("subspace") for h in res.history)
    # float32 rows are a different problem: agreement to float32 resolution
    np.testing.assert_allclose(res.coef, ref, rtol=2e-4, atol=1e-5)
