"""Truncated Newton's Jacobi preconditioner, the Hessian diagonal it reads, the
transposed CSR view of the Hessian-vector products, and L-BFGS's default memory.

References: the Hessian written out with numpy (``Xᵀ diag(d) X / n + λ``, ``d =
σ(z)σ(-z)``; ``Tᵀ H T`` of the standardization map formed as a matrix),
scipy's own ``X.T @ r`` and scikit-learn's ``lbfgs`` / ``newton-cg`` fitted to
a tight tolerance (the same objective: L2 with C = 1, intercept not penalized).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._block_sums import _xt_dot
from logistic._objective import LogisticObjective
from logistic._scaling import ScaledObjective
from logistic._typing import Block
from logistic.backends import InMemory
from logistic.solvers import solve
from logistic.solvers.lbfgs import default_memory


def _text_like(n: int, p: int, seed: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """Wide sparse data with column frequencies spanning two decades (as in text)."""
    rng = np.random.default_rng(seed)
    freq = np.geomspace(0.3, 0.003, p)
    X = sp.csr_matrix((rng.random((n, p)) < freq) * rng.random((n, p)) * 3.0)
    w = rng.standard_normal(p) * (rng.random(p) < 0.2)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w) + 1.0))).astype(float)
    return X, y


def _dense_hessian(
    X: np.ndarray, y: np.ndarray, theta: np.ndarray, l2: float
) -> np.ndarray:
    A = np.c_[X, np.ones(len(y))]
    z = A @ theta
    d = np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))) ** 2
    H = A.T @ (A * d[:, None]) / len(y)
    H[np.arange(X.shape[1]), np.arange(X.shape[1])] += l2
    return H


@pytest.mark.parametrize("kind", ["csr", "dense"])
def test_hessian_diagonal_matches_the_written_out_hessian(kind):
    Xs, y = _text_like(500, 30, 0)
    X = Xs if kind == "csr" else Xs.toarray()
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(31) * 0.3
    obj = LogisticObjective(InMemory(X, y), l2=0.01)
    H = _dense_hessian(Xs.toarray(), y, theta, 0.01)
    diag, hwb, hbb = obj.hessian_diagonal(theta)
    np.testing.assert_allclose(diag, np.diag(H)[:30], rtol=1e-12)
    np.testing.assert_allclose(hwb, H[:30, 30], rtol=1e-12)
    assert hbb == pytest.approx(H[30, 30], rel=1e-12)
    # standardized coordinates: the diagonal of Tᵀ H T, T formed column by column
    view = ScaledObjective(obj)
    T = np.column_stack([view.to_original(e) for e in np.eye(31)])
    theta_s = view.from_original(theta)
    np.testing.assert_allclose(
        view.hessian_diagonal(theta_s), np.diag(T.T @ H @ T), rtol=1e-10
    )


def test_transposed_view_product_equals_scipys():
    X, _ = _text_like(300, 40, 2)
    rows = X[100:250]  # a row slice, as the in-memory backend's blocks are
    r = np.random.default_rng(3).standard_normal(150)
    np.testing.assert_array_equal(_xt_dot(Block(rows, np.zeros(150)), r), rows.T @ r)


def test_preconditioned_newton_cg_matches_sklearn_in_fewer_passes():
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, y = _text_like(3000, 400, 4)
    l2 = 1.0 / X.shape[0]
    ref = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cg", tol=1e-12, max_iter=1000
    ).fit(X, y)
    passes = {}
    for precondition in (True, False):
        obj = LogisticObjective(InMemory(X, y), l2=l2)
        res = solve(
            "newton-cg",
            obj,
            np.zeros(401),
            tol=1e-9,
            max_iter=200,
            options={"precondition": precondition},
        )
        assert res.converged
        np.testing.assert_allclose(res.coef[:400], ref.coef_.ravel(), atol=1e-6)
        assert res.coef[400] == pytest.approx(ref.intercept_[0], abs=1e-6)
        passes[precondition] = res.n_passes
    assert passes[True] < passes[False]


def test_lbfgs_keeps_fewer_pairs_on_wide_data():
    assert default_memory(2048) == 20 and default_memory(2049) == 10
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, y = _text_like(1500, 2100, 5)
    ours = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-9).fit(X, y)
    ref = sklearn_lm.LogisticRegression(C=1.0, tol=1e-12, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)


def test_hessian_diagonal_of_streamed_blocks_keeps_no_block_alive(monkeypatch):
    # a store of the curvature is for stable in-memory blocks only: over
    # streamed blocks it would hold every block of the pass (the whole data
    # of an out-of-core fit) until the pass ends
    import gc
    import weakref

    from logistic import _block_sums
    from logistic.backends.chunked import Chunked

    rng = np.random.default_rng(5)
    X = rng.standard_normal((4000, 6))
    y = (rng.random(4000) < 0.4).astype(float)
    backend = Chunked.from_blocks([(X, y)], chunk_rows=200, prefetch=False)
    seen: list[weakref.ref] = []
    most_alive = [0]
    real = _block_sums._curvature

    def alive():
        return sum(r() is not None for r in seen)

    def tracking(block, w, b, unit):
        # a full collection (a second or more in a large test process) only
        # when reference counts leave more than two alive: the same verdict
        if alive() > 2:
            gc.collect()
        most_alive[0] = max(most_alive[0], alive())
        seen.append(weakref.ref(block.X))
        return real(block, w, b, unit)

    monkeypatch.setattr(_block_sums, "_curvature", tracking)
    obj = LogisticObjective(backend, l2=0.1)
    theta = np.full(7, 0.05)
    diag, _, hbb = obj.hessian_diagonal(theta)
    assert len(seen) == 20
    assert most_alive[0] <= 2  # the block in hand and at most the one before
    ref = np.diag(LogisticObjective(InMemory(X, y), l2=0.1).hessian(theta))
    np.testing.assert_allclose(np.append(diag, hbb), ref, rtol=1e-12)


def test_hessian_diagonal_without_intercept_is_that_of_the_scaled_hessian():
    # no intercept: T is diagonal (1/σ_j), so the diagonal of Tᵀ H T is
    # H_jj / σ_j²; the written-out Hessian without its intercept row/column
    Xs, y = _text_like(400, 20, 6)
    theta = np.random.default_rng(7).standard_normal(20) * 0.3
    obj = LogisticObjective(InMemory(Xs, y), l2=0.01, fit_intercept=False)
    theta_b0 = np.r_[theta, 0.0]  # the helper's intercept column, at 0
    H = _dense_hessian(Xs.toarray(), y, theta_b0, 0.01)[:20, :20]
    view = ScaledObjective(obj)
    T = np.column_stack([view.to_original(e) for e in np.eye(20)])
    np.testing.assert_allclose(
        view.hessian_diagonal(view.from_original(theta)),
        np.diag(T.T @ H @ T),
        rtol=1e-10,
    )
