"""Newton's subsample start on streamed data (``block_grid``: the row cache of
:class:`~logistic.backends.chunked.Chunked`, :class:`~logistic.backends.dask.Dask`):
the start's rows are every k-th block of the grid, gathered without a pass
(:mod:`logistic._block_sample`); the fit starts there (``subsample_used``) and
ends at the in-memory optimum, which scikit-learn's ``newton-cholesky`` at a
tight tolerance gives independently (L2 with C = 1, intercept not penalized:
``l2 = 1/n`` on the mean-loss scale). Data sorted by label still reach it.
A Dask grid of uneven partitions whose every k-th block falls short of the
Hessian's rows is found before the pass: no pass is run twice.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyarrow")

from conftest import write_parquet_parts  # noqa: E402
from logistic._block_sample import start_blocks  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic.backends import InMemory  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402
from logistic.solvers.newton import Newton  # noqa: E402

N, P, CHUNK, START = 60_000, 8, 1_000, 3_000


def _data(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P))
    z = X @ rng.standard_normal(P) * 0.7 - 0.3
    y = (rng.random(N) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def _sklearn_optimum(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    lm = pytest.importorskip("sklearn.linear_model")
    ref = lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    return np.r_[ref.coef_.ravel(), ref.intercept_]


def _solve(backend):
    objective = LogisticObjective(backend, l2=1.0 / N)
    solver = Newton(tol=1e-9, start_rows=START)
    return solver.solve(objective, np.zeros(P + 1))


def _cached(tmp_path, X, y, parts=3):
    root = tmp_path / "d"
    root.mkdir(parents=True)
    write_parquet_parts(root, X, y, parts)
    opts = dict(target="label", chunk_rows=CHUNK, cache_dir=tmp_path / "c")
    Chunked.from_parquet(root, **opts)  # the scan writes the row cache
    return Chunked.from_parquet(root, **opts)


def test_start_blocks_are_bounded_and_spread():
    sizes = [CHUNK] * 60  # N rows: k = 20, blocks 0, 20, 40
    picked, step = start_blocks(sizes, START)
    assert picked == [0, 20, 40] and step == 1
    # blocks larger than twice the start: every step-th row of each
    picked, step = start_blocks([50_000] * 4, 3_000)
    assert picked == [0] and step == 16  # 3 125 rows of 50 000
    # uneven blocks short of the start's rows: closer blocks until they hold them
    sizes = [100, 5_000, 100, 5_000] * 4
    picked, _ = start_blocks(sizes, 3_000)
    assert sum(sizes[i] for i in picked) >= 3_000


def test_row_cache_fit_starts_from_gathered_blocks(tmp_path):
    X, y = _data()
    backend = _cached(tmp_path, X, y)
    streamed = _solve(backend)
    memory = _solve(InMemory(X, y))
    start = streamed.history[0]
    assert start["subsample_used"] == 1 and memory.history[0]["subsample_used"] == 1
    # three blocks of CHUNK rows (0, 20, 40): bounded by the start, not the data
    assert start["subsample_rows"] == 3 * CHUNK
    assert backend.n_passes == streamed.n_passes + 1  # the scan; the gather is none
    want = _sklearn_optimum(X, y)
    np.testing.assert_allclose(streamed.coef, want, rtol=0, atol=1e-7)
    np.testing.assert_allclose(streamed.coef, memory.coef, rtol=0, atol=1e-7)
    # from zero the same fit takes more full passes
    zero = Newton(tol=1e-9, start_rows=0).solve(
        LogisticObjective(_cached(tmp_path / "z", X, y), l2=1.0 / N),
        np.zeros(P + 1),
    )
    assert streamed.n_passes < zero.n_passes


def test_weighted_row_cache_fit_starts_at_the_weighted_optimum(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    X, y = _data(9)
    s = np.random.default_rng(9).uniform(0.5, 2.0, N)
    cols = {f"x{j}": X[:, j] for j in range(P)}
    pq.write_table(pa.table({**cols, "label": y, "w": s}), tmp_path / "w.parquet")
    opts = dict(target="label", weight="w", chunk_rows=CHUNK, cache_dir=tmp_path / "c")
    Chunked.from_parquet(tmp_path / "w.parquet", **opts)  # writes the row cache
    objective = LogisticObjective(
        Chunked.from_parquet(tmp_path / "w.parquet", **opts), l2=1.0 / s.sum()
    )
    result = Newton(tol=1e-9, start_rows=START).solve(objective, np.zeros(P + 1))
    assert result.history[0]["subsample_used"] == 1
    lm = pytest.importorskip("sklearn.linear_model")
    ref = lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y, sample_weight=s)
    want = np.r_[ref.coef_.ravel(), ref.intercept_]
    np.testing.assert_allclose(result.coef, want, rtol=0, atol=1e-7)


def test_label_sorted_data_reach_the_same_optimum(tmp_path):
    X, y = _data(5)
    order = np.argsort(y, kind="stable")
    Xs, ys = X[order], y[order]
    result = _solve(_cached(tmp_path, Xs, ys))
    assert result.converged
    start = result.history[0]
    assert start["subsample_rows"] <= 2 * START + N // CHUNK
    np.testing.assert_allclose(result.coef, _sklearn_optimum(X, y), rtol=0, atol=1e-7)


def test_a_start_from_blocks_of_one_label_is_refused(tmp_path):
    # 31 % positives sorted last: blocks 0, 20 and 40 hold negatives only; the
    # subsample fit runs off towards a large negative intercept and the
    # acceptance test refuses it: the fit starts from zero, one pass later
    rng = np.random.default_rng(1)
    X = rng.standard_normal((N, P))
    z = X @ rng.standard_normal(P) * 0.7 - 1.2
    y = (rng.random(N) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    order = np.argsort(y, kind="stable")
    assert not y[order][: 41 * CHUNK].any()
    result = _solve(_cached(tmp_path, X[order], y[order]))
    assert result.history[0]["subsample_used"] == 0
    zero = Newton(tol=1e-9, start_rows=0).solve(
        LogisticObjective(_cached(tmp_path / "z", X[order], y[order]), l2=1.0 / N),
        np.zeros(P + 1),
    )
    assert result.n_passes == zero.n_passes + 1
    np.testing.assert_allclose(result.coef, _sklearn_optimum(X, y), rtol=0, atol=1e-7)


def test_without_the_row_cache_no_start_is_gathered(tmp_path):
    X, y = _data()
    root = tmp_path / "d"
    root.mkdir()
    write_parquet_parts(root, X, y, 2)
    backend = Chunked.from_parquet(root, target="label", chunk_rows=CHUNK, cache=False)
    result = _solve(backend)
    assert "subsample_used" not in result.history[0]  # not tried: a full read
    assert backend.n_passes == result.n_passes + 1


def _dask_backend(X, y, chunks, **opts):
    da = pytest.importorskip("dask.array")
    from logistic.backends.dask import Dask

    return Dask(
        da.from_array(X, chunks=(chunks, -1)),
        da.from_array(y, chunks=chunks),
        chunk_rows=CHUNK,
        **opts,
    )


def test_dask_fit_starts_from_gathered_blocks():
    X, y = _data()
    backend = _dask_backend(X, y, 6_000)
    result = _solve(backend)
    assert result.history[0]["subsample_used"] == 1
    assert result.history[0]["subsample_rows"] == 3 * CHUNK
    assert backend.n_passes == result.n_passes + 1  # the scan
    np.testing.assert_allclose(result.coef, _sklearn_optimum(X, y), rtol=0, atol=1e-7)


def test_dask_cluster_fit_starts_from_blocks_fetched_from_the_workers(dask_client):
    X, y = _data()
    backend = _dask_backend(X, y, 6_000, client=dask_client, persist=True)
    (block,) = backend.grid_blocks([59], 7)  # partition 9's last block
    np.testing.assert_array_equal(block.X, X[59_000:60_000:7])
    np.testing.assert_array_equal(block.y, y[59_000:60_000:7])
    result = _solve(backend)
    assert result.history[0]["subsample_used"] == 1
    assert result.history[0]["subsample_rows"] == 3 * CHUNK
    assert backend.n_passes == result.n_passes + 1  # the scan
    memory = _solve(InMemory(X, y))
    np.testing.assert_allclose(result.coef, memory.coef, rtol=0, atol=1e-7)
    np.testing.assert_allclose(result.coef, _sklearn_optimum(X, y), rtol=0, atol=1e-7)


def test_dask_uneven_partitions_sample_rows_without_a_rerun():
    # partitions of 100 and 9 900 rows: blocks of 100, 1 000 (9 of them) and
    # 900 rows, so every k-th block whole can fall short of n // k rows
    X, y = _data()
    chunks = (100, 9_900) * (N // 10_000)
    backend = _dask_backend(X, y, chunks)
    sizes = ([100] + [1_000] * 9 + [900]) * (N // 10_000)
    k = 11  # blocks 0, 11, 22, …: the 100-row blocks only
    assert sum(sizes[::k]) < N // k
    objective = LogisticObjective(backend, l2=1.0 / N)
    before = backend.n_passes
    value, grad, H = objective.value_gradient_hessian(np.zeros(P + 1), k)
    assert backend.n_passes == before + 1  # one pass, no rerun
    assert backend.grid_rows() == sizes
    memory = LogisticObjective(InMemory(X, y), l2=1.0 / N)
    want = memory.value_gradient_hessian(np.zeros(P + 1))
    assert value == pytest.approx(want[0], rel=1e-12)
    np.testing.assert_allclose(grad, want[1], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(H, want[2], rtol=0.2, atol=0.02)  # an estimate
