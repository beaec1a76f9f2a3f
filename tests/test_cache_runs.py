"""Runs of blocks a threaded pass over the row cache hands to its threads
(logistic.backends._cache_pass): they cover the grid in order, one call a
run; their lengths follow the guided rule and the results' budget; the sums
are bitwise those of a pass that reduces one block after another."""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import weighted_parquet  # noqa: E402
from logistic.backends import _cache, chunked  # noqa: E402
from logistic.backends._cache_pass import RUN_BLOCKS, CachedRuns  # noqa: E402
from logistic.backends._windows import PARTIAL_BYTES  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402


def _plan(n_blocks: int, n_threads: int) -> CachedRuns[Any]:
    rows = SimpleNamespace(n_samples=n_blocks * 10, folder=None)
    return CachedRuns(rows, np.array([0.0, 1.0]), 10, lambda b, i: 0.0, n_threads)  # type: ignore[arg-type]


@pytest.mark.parametrize("n_blocks, k", [(96, 2), (96, 4), (5, 2), (1, 3), (400, 2)])
def test_runs_cover_the_grid_in_order_single_blocks_first(n_blocks, k):
    plan = _plan(n_blocks, k)
    runs = list(plan.runs())
    assert [i for r in runs for i in r] == list(range(n_blocks))
    first = min(k, n_blocks) + 1
    assert all(len(r) == 1 for r in runs[:first])
    lengths = [len(r) for r in runs[first:]]
    assert all(1 <= n <= RUN_BLOCKS for n in lengths)
    assert lengths == sorted(lengths, reverse=True)  # long runs first
    if n_blocks == 96 and k == 2:  # guided: 1/(2k) of the blocks left
        assert lengths[:4] == [24, 18, 13, 10]
        assert len(runs) < n_blocks // 4


def test_later_runs_keep_the_results_in_flight_within_the_budget():
    k = 2
    plan = _plan(200, k)
    runs = plan.runs()
    big = np.zeros(PARTIAL_BYTES // (8 * 4 * (k + 1)))  # 4 a run fit the budget
    got = list(plan.results(iter([[(10, (1.0, big))]])))  # as a result comes back
    assert got[0][1] is big and plan.rows == 10
    lengths = [len(next(runs)) for _ in range(k + 3)]
    assert lengths[: k + 1] == [1] * (k + 1)
    assert lengths[k + 1 :] == [3, 3]  # the tuple's float tips it below 4
    list(plan.results(iter([[(10, object())]])))
    assert len(next(runs)) == 1  # a result of unknown size: a block a call


@pytest.fixture()
def cached(tmp_path, monkeypatch):
    monkeypatch.setattr(_cache, "MAP_MIN_BYTES", 0)  # map even tiny blocks
    path, X, y, w = weighted_parquet(tmp_path, 7, n=5000)
    opts = dict(target="label", weight="w", chunk_rows=100, cache_dir=tmp_path / "c")
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    return path, opts, X, y, w


@pytest.mark.parametrize("n_threads", [2, 3])
@pytest.mark.parametrize("positive", [None, 0])
def test_a_threaded_pass_hands_over_runs_and_sums_like_one_thread(
    cached, monkeypatch, n_threads, positive
):
    path, opts, X, y, w = cached
    threaded = Chunked.from_parquet(
        path, **opts, n_threads=n_threads, positive=positive
    )
    serial = Chunked.from_parquet(path, **opts, prefetch=False, positive=positive)
    assert threaded.cache_path is not None
    calls = []
    real = chunked.ordered_map

    def counting(fn, items, *args):
        def counted():
            for item in items:
                calls.append(item)
                yield item

        return real(fn, counted(), *args)

    monkeypatch.setattr(chunked, "ordered_map", counting)
    lock, seen = threading.Lock(), []
    label = y if positive is None else 1 - y  # positive=0: the labels flipped

    def fn(block, i):
        with lock:
            seen.append(i)
        rows = slice(100 * i, 100 * (i + 1))
        np.testing.assert_array_equal(block.X, X[rows])
        np.testing.assert_array_equal(block.y, label[rows])
        assert block.y.dtype == np.float64
        g = block.X.T @ (block.sample_weight * (block.y - 0.3))
        return float(block.sample_weight @ block.y), g, np.outer(g, g)

    got = threaded.map_reduce_indexed(fn)
    assert sorted(seen) == list(range(50))
    assert [i for r in calls for i in r] == list(range(50))
    assert len(calls) < 50  # runs of blocks, not a hand-off a block
    monkeypatch.setattr(chunked, "ordered_map", real)
    want = serial.map_reduce_indexed(fn)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)  # bitwise: folded in block order
    assert threaded.n_passes == 1 and threaded.rows_read == X.shape[0]


def test_results_of_dataclasses_count_their_fields():
    @dataclasses.dataclass
    class Stats:
        weight: float
        mean: np.ndarray
        extra: np.ndarray | None

    k = 2
    plan = _plan(200, k)
    runs = plan.runs()
    big = np.zeros(PARTIAL_BYTES // (8 * 4 * (k + 1)))
    list(plan.results(iter([[(10, (Stats(1.0, big, None), 2.0))]])))
    lengths = [len(next(runs)) for _ in range(k + 2)]
    assert lengths == [1] * (k + 1) + [3]  # sized like the tuple of arrays


def _flip_code(backend: Chunked, row: int, code: int) -> None:
    """Write ``code`` as row ``row``'s label code in the backend's cache."""
    with open(backend.cache_path / "codes.bin", "r+b") as f:  # type: ignore[operator]
        f.seek(row)
        f.write(bytes([code]))


@pytest.mark.parametrize("positive", [None, 0])  # codes cast / taken
@pytest.mark.parametrize("reader", ["threads", "one thread", "grid"])
def test_a_label_code_outside_the_labels_raises_naming_the_file_and_row(
    cached, positive, reader
):
    path, opts, _X, _y, _w = cached
    threads = {"n_threads": 2} if reader == "threads" else {"prefetch": False}
    backend = Chunked.from_parquet(path, **opts, positive=positive, **threads)
    _flip_code(backend, 1234, 7)  # a damaged byte: 2 labels, code 7
    with pytest.raises(chunked.IntegrityError) as err:
        if reader == "grid":
            list(backend.grid_blocks([12], step=2))  # rows 1200, 1202, ...
        else:
            backend.map_reduce(lambda block: float(block.y.sum()))
    assert "codes.bin: label code 7 at row 1234" in str(err.value)


def test_a_pass_that_fails_stops_its_running_runs_at_their_next_block(cached):
    # 100 blocks on 2 threads: runs of 1, 1, 1, 25, 18, 14, ... blocks; block 4
    # fails while the runs after it are under way: they stop at their next
    # block, not at their end (18 + 14 more blocks)
    path, opts, _X, _y, _w = cached
    backend = Chunked.from_parquet(path, **{**opts, "chunk_rows": 50}, n_threads=2)
    lock, seen = threading.Lock(), []

    def fn(block, i):
        with lock:
            seen.append(i)
        time.sleep(0.005)
        if i == 4:
            raise ValueError("block 4")
        return float(block.y.sum())

    with pytest.raises(ValueError, match="block 4"):
        backend.map_reduce_indexed(fn)
    time.sleep(0.3)  # anything still running would go on reducing meanwhile
    assert len(seen) < 5 + 16, sorted(seen)  # all 32 before; ~9 on an idle machine


def test_a_pass_holds_the_results_of_at_most_k_plus_1_runs(cached):
    # results of PARTIAL_BYTES / 24 bytes: runs of 8 blocks after the first
    # k + 1 = 3; at most 3 runs' results alive (the one being folded, and the
    # fold's first two, beside them), never those of a 4th run
    path, opts, _X, _y, _w = cached
    backend = Chunked.from_parquet(path, **{**opts, "chunk_rows": 50}, n_threads=2)
    size = PARTIAL_BYTES // 24 // 8
    lock, alive, peak = threading.Lock(), [0], [0]

    def gone():
        with lock:
            alive[0] -= 1

    def fn(block, i):
        a = np.zeros(size)
        with lock:
            alive[0] += 1
            peak[0] = max(peak[0], alive[0])
        weakref.finalize(a, gone)
        time.sleep(0.0005 if i % 7 else 0.003)
        return (a,)

    backend.map_reduce_indexed(fn)
    assert peak[0] <= 3 * 8 + 3


def test_a_runs_results_leave_its_list_as_they_are_yielded():
    # the list is the one ordered_map holds while it submits the next call:
    # emptied, it keeps no result of a run already folded
    plan = _plan(10, 2)
    run = [(10, np.full(3, float(i))) for i in range(4)]
    results = plan.results(iter([run]))
    first = next(results)
    assert first[0] == 0.0 and len(run) == 3
    assert [r[0] for r in results] == [1.0, 2.0, 3.0]
    assert run == [] and plan.rows == 40
