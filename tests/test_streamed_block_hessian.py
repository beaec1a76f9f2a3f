"""Newton's Hessian estimate from every k-th block whole over streamed blocks
(``block_grid``: the out-of-core backend, read through its row cache): equal
to the Hessian written out with numpy over exactly the sampled blocks' rows,
one read of the data with at most ``n_threads + 1`` blocks alive, a Newton fit
at the in-memory optimum; an uneven grid whose sampled blocks hold too few
rows falls back to every k-th row."""

from __future__ import annotations

import threading
import weakref

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import weighted_parquet  # noqa: E402
from logistic import LogisticRegression  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic._typing import BackendCapabilities, Block  # noqa: E402
from logistic.backends._reduce import tree_sum  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402

CHUNK = 170


@pytest.fixture()
def cached(tmp_path):
    path, X, y, w = weighted_parquet(tmp_path, 11)
    opts = dict(target="label", weight="w", chunk_rows=CHUNK, cache_dir=tmp_path / "c")
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    return path, opts, X, y.astype(float), w


def _numpy_vgh(X, y, s, theta, l2, rows):
    """Value, gradient (all rows) and Hessian (``rows`` only, scaled by
    n / len(rows)) of the weighted mean logistic loss, written out with numpy."""
    Xt = np.hstack([X, np.ones((X.shape[0], 1))])
    z = Xt @ theta
    mu = 1.0 / (1.0 + np.exp(-z))
    S = s.sum()
    value = np.sum(s * (np.logaddexp(0.0, z) - y * z)) / S
    value += 0.5 * l2 * theta[:-1] @ theta[:-1]
    grad = Xt.T @ (s * (mu - y)) / S
    grad[:-1] += l2 * theta[:-1]
    d = (s * mu * (1.0 - mu))[rows] * (X.shape[0] / len(rows))
    H = (Xt[rows] * d[:, None]).T @ Xt[rows] / S
    H[np.arange(X.shape[1]), np.arange(X.shape[1])] += l2
    return value, grad, H


@pytest.mark.parametrize("k", [3, 7, 40])
def test_sampled_hessian_is_the_numpy_hessian_of_every_kth_block(cached, k):
    path, opts, X, y, s = cached
    backend = Chunked.from_parquet(path, **opts)
    assert backend.cache_path is not None
    assert backend.capabilities.block_grid and not backend.capabilities.block_index
    theta = np.linspace(-0.4, 0.5, X.shape[1] + 1)
    objective = LogisticObjective(backend, l2=0.01)
    passes = backend.n_passes
    value, grad, H = objective.value_gradient_hessian(theta, hessian_stride=k)
    assert backend.n_passes == passes + 1  # rows counted inside the pass
    n_blocks = -(-X.shape[0] // CHUNK)
    rows = np.concatenate(
        [
            np.arange(i * CHUNK, min((i + 1) * CHUNK, X.shape[0]))
            for i in range(0, n_blocks, k)
        ]
    )
    assert len(rows) >= X.shape[0] // k  # k = 40 > 15 blocks: block 0 alone
    want = _numpy_vgh(X, y, s, theta, 0.01, rows)
    np.testing.assert_allclose(value, want[0], rtol=1e-12)
    np.testing.assert_allclose(grad, want[1], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(H, want[2], rtol=1e-10, atol=1e-14)
    # not every k-th row: that estimate differs
    strided = _numpy_vgh(X, y, s, theta, 0.01, np.arange(0, X.shape[0], k))[2]
    assert not np.allclose(H, strided, rtol=1e-6)


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_the_sampled_pass_keeps_at_most_n_threads_plus_one_blocks_alive(
    cached, n_threads
):
    path, opts, X, _y, _s = cached
    backend = Chunked.from_parquet(path, **opts, n_threads=n_threads)
    seen: list[weakref.ref[np.ndarray]] = []
    most: list[int] = []
    lock = threading.Lock()
    indexed = backend.map_reduce_indexed

    def watched(fn):
        def g(block, i):
            with lock:
                seen.append(weakref.ref(block.X))
                most.append(sum(r() is not None for r in seen))
            return fn(block, i)

        return indexed(g)

    def no_other_pass(fn):
        raise AssertionError("the block-sampled Hessian made a second pass")

    backend.map_reduce_indexed = watched
    backend.map_reduce = no_other_pass
    objective = LogisticObjective(backend)
    objective.value_gradient_hessian(np.full(X.shape[1] + 1, 0.1), hessian_stride=4)
    assert len(most) == -(-X.shape[0] // CHUNK)
    assert max(most) <= n_threads + 1


def test_newton_over_the_cache_reaches_the_in_memory_optimum(tmp_path):
    # n · (p + 1) ≥ 1e6: Newton estimates its Hessian from 1/3 of the rows
    rng = np.random.default_rng(3)
    n, p = 120_000, 8
    X = rng.standard_normal((n, p))
    y = (X @ rng.standard_normal(p) + 0.3 + rng.logistic(size=n) > 0).astype(np.int64)
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({**{f"x{j}": X[:, j] for j in range(p)}, "label": y}), path)
    opts = dict(target="label", chunk_rows=5000, cache_dir=tmp_path / "c")
    Chunked.from_parquet(path, **opts)
    backend = Chunked.from_parquet(path, **opts)
    assert backend.cache_path is not None
    calls = []
    indexed = backend.map_reduce_indexed
    backend.map_reduce_indexed = lambda fn: calls.append(1) or indexed(fn)
    streamed = LogisticRegression(penalty="l2", C=1.0, solver="newton", tol=1e-10)
    streamed.fit(backend, None)
    memory = LogisticRegression(penalty="l2", C=1.0, solver="newton", tol=1e-10)
    memory.fit(X, y)
    assert calls  # the block-sampled path ran
    np.testing.assert_allclose(streamed.coef_, memory.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(streamed.intercept_, memory.intercept_, rtol=1e-7)


class _Uneven:
    """A backend whose block grid has blocks of uneven sizes (the Protocol)."""

    nnz = None
    feature_names = None
    fingerprint = "uneven"
    classes_ = np.array([0, 1])

    def __init__(self, blocks, capabilities):
        self._blocks = blocks
        self.capabilities = capabilities
        self.n_samples = sum(b.n_rows for b in blocks)
        self.n_features = blocks[0].X.shape[1]
        self.dtype = np.dtype(float)

    def map_reduce(self, fn):
        return tree_sum(fn(b) for b in self._blocks)

    def map_reduce_indexed(self, fn):
        return tree_sum(fn(b, i) for i, b in enumerate(self._blocks))


def test_an_uneven_grid_short_of_rows_falls_back_to_every_kth_row():
    rng = np.random.default_rng(2)
    sizes = [10, 500, 100]  # k = 2: blocks 0 and 2 hold 110 < 610 // 2 rows
    blocks = []
    for m in sizes:
        X = rng.standard_normal((m, 3))
        blocks.append(Block(X, (rng.random(m) < 0.4).astype(float)))
    grid = _Uneven(blocks, BackendCapabilities(block_grid=True))
    plain = _Uneven(blocks, BackendCapabilities())
    theta = np.array([0.2, -0.1, 0.3, 0.05])
    objective = LogisticObjective(grid)
    got = objective.value_gradient_hessian(theta, hessian_stride=2)
    want = LogisticObjective(plain).value_gradient_hessian(theta, hessian_stride=2)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
    assert objective.n_evaluations == 2  # the block pass, then the row pass
    objective.value_gradient_hessian(theta + 0.1, hessian_stride=2)
    assert objective.n_evaluations == 3  # straight to rows from then on
    # an even grid is block-sampled: blocks 0 and 2 whole
    X = np.vstack([b.X for b in blocks])
    y = np.concatenate([b.y for b in blocks])
    even = [Block(X[i : i + 200], y[i : i + 200]) for i in range(0, 610, 200)]
    objective = LogisticObjective(_Uneven(even, BackendCapabilities(block_grid=True)))
    H = objective.value_gradient_hessian(theta, hessian_stride=2)[2]
    rows = np.r_[0:200, 400:600]
    want_H = _numpy_vgh(X, y, np.ones(610), theta, 0.0, rows)[2]
    np.testing.assert_allclose(H, want_H, rtol=1e-10)
    assert objective.n_evaluations == 1
