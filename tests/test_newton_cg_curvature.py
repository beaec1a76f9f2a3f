"""Truncated Newton's conjugate gradients: the curvature test along each
direction, and no Hessian-vector product spent on anything but the solve.

References: ``numpy.linalg.solve`` for the linear systems, and statsmodels'
``Logit`` on the same rows with the exact copy left out and the timestamp
written relative to 1.7e9 (what a user would have to do by hand).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, datasets
from logistic._objective import LogisticObjective
from logistic.solvers._conjugate_gradients import CURVATURE_FLOOR, conjugate_gradients


def _timestamps_with_millisecond_copy(seed: int, n: int = 20_000):
    """Epoch seconds within one hour (a mean ~1.6e6 times the spread), the
    same instants in milliseconds (an exact dependency), and a normal column."""
    rng = np.random.default_rng(seed)
    s = 1.7e9 + rng.integers(0, 3600, n).astype(float)
    x = rng.normal(size=n)
    eta = 0.5 * x + (s - s.mean()) / s.std() * 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    return np.column_stack([x, s, s * 1000.0]), y, x, s


@pytest.mark.parametrize("seed", [2, 4])
def test_exact_copy_of_a_far_from_centred_column_converges(seed):
    # Without the curvature test CG stepped along the copy's null direction
    # (curvature ~1e-20 of the diagonal's): 27 and 100 iterations, not
    # converged, coefficients 16.7 and 309 931 for x1.
    X, y, x, s = _timestamps_with_millisecond_copy(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the copy is reported as aliased
        m = LogisticRegression(solver="newton-cg", max_iter=100).fit(X, y)
    assert m.converged_
    # 7 iterations with the compiled row loop's sums (AVX2, AVX-512), 32 with
    # BLAS gemv's (LOGISTIC_ROW_LOOP=0, CPUs without AVX2): past iteration 4
    # the gradient (~3e-10) is at its evaluation noise on these logits
    # (intercept -4.7e5 cancelling s·w), and steps within that noise pass
    # the line search until it falls below tol; the regression this guards
    # against did not converge (100 iterations) or converged elsewhere
    assert m.n_iter_[0] <= 40
    sm = pytest.importorskip("statsmodels.api")
    ref = sm.Logit(y, sm.add_constant(np.column_stack([x, s - 1.7e9]))).fit(
        disp=0, method="newton", tol=1e-12
    )
    np.testing.assert_allclose(m.coef_.ravel()[:2], ref.params[1:], rtol=1e-4)
    assert m.coef_.ravel()[2] == 0.0


def test_solves_a_positive_definite_system():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 20))
    H = A.T @ A / 30 + 0.1 * np.eye(20)
    g = rng.standard_normal(20)
    d, count = conjugate_gradients(lambda v: H @ v, g, rtol=1e-12, maxiter=200)
    np.testing.assert_allclose(d, np.linalg.solve(H, -g), rtol=1e-9, atol=1e-12)
    assert count <= 40
    # preconditioned by the diagonal: the same solution
    d, _ = conjugate_gradients(
        lambda v: H @ v, g, rtol=1e-12, maxiter=200, diagonal=np.diag(H).copy()
    )
    np.testing.assert_allclose(d, np.linalg.solve(H, -g), rtol=1e-9, atol=1e-12)


def test_stops_where_the_curvature_vanishes():
    # H is singular along u = (1, -1, 0)/√2 (its entries exact, so is the
    # product: curvature 0, where data give rounding's ~1e-20)
    u = np.array([1.0, -1.0, 0.0]) / np.sqrt(2.0)
    H = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    # a gradient along u (rounding's size): the direction -g itself, not a
    # step of 1e20 times it
    g_u = 1e-10 * u
    d, count = conjugate_gradients(
        lambda v: H @ v, g_u, rtol=1e-14, maxiter=10, diagonal=np.ones(3)
    )
    np.testing.assert_allclose(d, -g_u)
    assert count == 1
    g = np.array([1.0, 1.0, 0.5])
    # without a diagonal nothing says what is small: only a curvature that is
    # not positive stops it (here the first direction, the gradient's)
    d, count = conjugate_gradients(lambda v: -v, g, rtol=1e-14, maxiter=10)
    np.testing.assert_allclose(d, -g)
    assert count == 1
    d, _ = conjugate_gradients(lambda v: 1e-20 * v, g, rtol=1e-8, maxiter=10)
    np.testing.assert_allclose(d, -g / 1e-20, rtol=1e-12)
    # zero or negative curvature at the first direction: that direction
    for c in (0.0, -1.0):
        d, count = conjugate_gradients(
            lambda v, c=c: c * v, g, rtol=1e-8, maxiter=10, diagonal=np.full(3, 2.0)
        )
        np.testing.assert_allclose(d, -g / 2.0)
        assert count == 1
    # a curvature just above the floor is used
    d, _ = conjugate_gradients(
        lambda v: 10 * CURVATURE_FLOOR * v, g, rtol=1e-8, maxiter=10,
        diagonal=np.ones(3),
    )  # fmt: skip
    np.testing.assert_allclose(d, -g / (10 * CURVATURE_FLOOR), rtol=1e-12)


def test_no_hessian_vector_product_outside_the_solve(monkeypatch):
    # A scipy LinearOperator without a dtype multiplies a zero vector once to
    # find one: a whole pass over the data per Newton iteration.
    X, y, _ = datasets.load_ucla_admissions()
    products: list[np.ndarray] = []
    original = LogisticObjective.hessian_vector

    def counted(self, theta, v):
        products.append(np.array(v))
        return original(self, theta, v)

    monkeypatch.setattr(LogisticObjective, "hessian_vector", counted)
    m = LogisticRegression(solver="newton-cg").fit(X, y)
    assert m.converged_ and products
    assert not any(np.all(v == 0) for v in products)


def test_a_near_dependency_the_rows_resolve_is_solved_for():
    # Columns equal to within 3e-7 give curvatures ~1e-13 of the diagonal's,
    # accurate to ~1e-9: a floor at the rank rule's 1e-12 stopped CG there
    # (300 iterations, not converged, log loss 0.6002); scipy's cg, without a
    # floor, converged in 11. Reference: statsmodels' Logit (Newton, its own
    # linear algebra) on the same rows.
    rng = np.random.default_rng(1)
    n, eps = 4000, 3e-7
    X = rng.normal(size=(n, 1)) + eps * rng.normal(size=(n, 5))
    eta = X[:, 0] + 0.3 * (X[:, 1] - X[:, 2]) / eps
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(solver="newton-cg", max_iter=300).fit(X, y)
    assert m.converged_ and m.n_iter_[0] <= 20
    sm = pytest.importorskip("statsmodels.api")
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="bfgs", maxiter=5000, gtol=1e-10)
    assert m.objective_ <= -ref.llf / n + 1e-7


def test_columns_equal_to_within_3e_8_converge_as_without_a_floor():
    # a floor at 4ε stopped 18 of these 20 fits at 1 000 iterations (numerical
    # fuzz of this change); scipy's cg, without one, failed 5 (median 6)
    failed, iterations = 0, []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x1 = rng.normal(size=200)
        X = np.column_stack([x1, x1 + 3e-8 * rng.normal(size=200)])
        y = (rng.random(200) < 0.5).astype(int)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = LogisticRegression(solver="newton-cg").fit(X, y)
        failed += not m.converged_
        iterations.append(int(m.n_iter_[0]))
    assert failed <= 7
    assert np.median(iterations) <= 20
