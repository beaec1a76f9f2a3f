"""Windows of row blocks over a pool's threads (``logistic.backends._windows``).

The reference for every sum is a plain left fold of the blocks' results in
block order (:func:`logistic.backends._reduce.tree_sum`); the windows'
lengths are read from a pool that records the runs it is given.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from logistic.backends import _windows, in_memory
from logistic.backends._reduce import tree_sum


class _RecordingPool:
    """Runs ``map`` in this thread and keeps the runs of each call."""

    def __init__(self) -> None:
        self.calls: list[list[range]] = []

    def map(self, fn: Any, args: list[Any]) -> list[Any]:
        self.calls.append(list(args))
        return [fn(a) for a in args]


def _parts(n_blocks: int, size: int, seed: int = 0) -> list[tuple[float, np.ndarray]]:
    """Block results whose float64 sum depends on the order of additions."""
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.integers(-8, 8, size=n_blocks)
    return [
        (float(rng.standard_normal() * s), rng.standard_normal(size) * s)
        for s in scale
    ]


@pytest.mark.parametrize(("n_blocks", "k"), [(1, 1), (2, 2), (3, 2), (96, 2), (97, 3)])
def test_sums_are_the_left_fold_in_block_order(n_blocks, k):
    parts = _parts(n_blocks, 100)
    pool = _RecordingPool()
    got = _windows.reduce_windows(pool, lambda _b, i: parts[i], [None] * n_blocks, k)
    want = tree_sum(parts)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])
    ran = [i for call in pool.calls for run in call for i in run]
    assert ran == list(range(n_blocks))  # every block once, in order
    for call in pool.calls:  # RUNS_PER_THREAD runs a thread, or one a block
        blocks = sum(len(run) for run in call)
        assert len(call) == min(blocks, _windows.RUNS_PER_THREAD * k)


def test_small_results_make_a_pass_two_windows():
    """p-vectors of p = 100 over dense1m's 96 blocks on 2 threads: one block
    a thread, then the other 94 in one window (eight runs of 11-12 blocks)."""
    parts = _parts(96, 100)
    pool = _RecordingPool()
    _windows.reduce_windows(pool, lambda _b, i: parts[i], [None] * 96, 2)
    lengths = [[len(r) for r in call] for call in pool.calls]
    assert lengths[0] == [1, 1]
    assert len(lengths) == 2 and len(lengths[1]) == 2 * _windows.RUNS_PER_THREAD
    assert sum(lengths[1]) == 94 and set(lengths[1]) <= {11, 12}


def test_a_stalled_worker_costs_one_run():
    """A worker that stops in its first run of the second window (a thread the
    scheduler does not run) leaves the window's other runs to the caller,
    which releases it at the last block: the worker ran at most that run,
    and the sums are the left fold (one run a thread: the worker's half of
    the window would wait for the release, then run on its own)."""
    parts = _parts(96, 10, seed=4)
    pool = in_memory._pool(2)
    release, started = threading.Event(), threading.Event()
    main = threading.get_ident()
    ran_by: dict[int, bool] = {}

    def fn(_block: Any, i: int) -> Any:
        ran_by[i] = threading.get_ident() == main
        if i == 2:  # the caller's first run waits until the worker has one
            started.wait(5)
        if 2 <= i < 84 and not ran_by[i] and not started.is_set():
            started.set()  # the worker's first block of the window: it stalls
            release.wait(5)  # until the last run's last block (84-95)
        if i == 95:
            release.set()
        return parts[i]

    got = _windows.reduce_windows(pool, fn, [None] * 96, 2)
    want = tree_sum(parts)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])
    by_worker = sorted(i for i in range(2, 96) if not ran_by[i])
    assert len(by_worker) <= 12  # at most one run of the eight


def test_large_results_keep_window_blocks_a_thread():
    """300 × 300 Hessian sums (720 KB a block): at most ``WINDOW_BLOCKS`` a
    thread alive at once, as many as before the windows adapted."""
    n_blocks, k = 40, 2
    H = np.ones((300, 300))
    pool = _RecordingPool()
    _windows.reduce_windows(pool, lambda _b, _i: (1.0, H), [None] * n_blocks, k)
    lengths = [sum(len(r) for r in call) for call in pool.calls]
    assert lengths[0] == k  # more blocks than one window: the size probe
    assert max(lengths[1:]) == k * _windows.WINDOW_BLOCKS
    assert sum(lengths) == n_blocks


@pytest.mark.parametrize(("n_blocks", "k"), [(10, 2), (16, 2), (3, 2), (24, 3)])
def test_blocks_of_one_window_are_one_window(n_blocks, k):
    """ijcnn1 on 2 CPUs (10 blocks): one hand-off to the workers a pass."""
    parts = _parts(n_blocks, 10)
    pool = _RecordingPool()
    _windows.reduce_windows(pool, lambda _b, i: parts[i], [None] * n_blocks, k)
    assert len(pool.calls) == 1


def test_results_of_unknown_size_get_window_blocks():
    assert _windows.result_bytes(object()) is None
    assert _windows.result_bytes((1.0, object())) is None
    assert _windows.window_blocks(None, 2) == _windows.WINDOW_BLOCKS


def test_result_bytes_and_window_length():
    assert _windows.result_bytes((1.0, np.zeros(100), 2.0, 3)) == 8 * 103
    assert _windows.result_bytes(np.zeros((3, 4))) == 96
    # the budget over k threads' results, never under WINDOW_BLOCKS a thread
    assert _windows.window_blocks(1024, 2) == _windows.PARTIAL_BYTES // 2048
    assert _windows.window_blocks(_windows.PARTIAL_BYTES, 2) == _windows.WINDOW_BLOCKS


def test_the_backends_threads_give_the_fold_of_one_thread():
    """The in-memory pool (two threads) over 96 blocks: the bits of the left
    fold, however the workers take the runs."""
    parts = _parts(96, 1000, seed=3)
    pool = in_memory._pool(2)
    for _ in range(5):
        got = _windows.reduce_windows(pool, lambda _b, i: parts[i], [None] * 96, 2)
        want = tree_sum(parts)
        assert got[0] == want[0]
        np.testing.assert_array_equal(got[1], want[1])


def test_hessian_sums_of_thousands_of_columns_hold_partial_max_bytes():
    """4 096 × 4 096 Hessian sums (128 MiB a block, a one-hot design of
    ~4 000 columns): one block a thread after the probe, where
    ``WINDOW_BLOCKS`` a thread held sixteen of them (2 GiB) at once."""
    part = 4096 * 4096 * 8
    assert _windows.window_blocks(part, 2) == 1
    assert _windows.window_blocks(part, 1) == 2
    assert _windows.window_blocks(2 * _windows.PARTIAL_MAX_BYTES, 2) == 1
    # small results keep their windows
    assert _windows.window_blocks(300 * 300 * 8, 2) == _windows.WINDOW_BLOCKS
    assert _windows.window_blocks(800, 2) == _windows.PARTIAL_BYTES // 1600


def test_large_results_alive_at_once_stay_within_the_cap(monkeypatch):
    """The cap lowered to three 300 × 300 sums: after the probe, windows of
    one block a thread on two threads; the sums stay the left fold."""
    H = 300 * 300 * 8
    monkeypatch.setattr(_windows, "PARTIAL_MAX_BYTES", 3 * H)
    rng = np.random.default_rng(3)
    parts = [(float(i), rng.standard_normal((300, 300))) for i in range(40)]
    pool = _RecordingPool()
    got = _windows.reduce_windows(pool, lambda _b, i: parts[i], [None] * 40, 2)
    lengths = [sum(len(r) for r in call) for call in pool.calls]
    assert lengths[0] == 2 and set(lengths[1:]) == {2}
    assert sum(lengths) == 40
    want = tree_sum(parts)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])


@pytest.mark.parametrize(("p", "probed"), [(100, False), (1000, False), (1500, True)])
def test_wide_blocks_of_one_window_probe_first(p, probed):
    """Sixteen blocks of a 4 000-column design on two threads: their p × p
    results (128 MiB each) would all be alive in one window, so the first
    window is one block a thread (at p = 1 500, 16 × 18 MB > 256 MiB);
    narrower blocks keep the one window."""
    from types import SimpleNamespace

    blocks = [SimpleNamespace(X=np.empty((1, p))) for _ in range(16)]
    parts = _parts(16, 10)
    pool = _RecordingPool()
    got = _windows.reduce_windows(pool, lambda _b, i: parts[i], blocks, 2)
    lengths = [sum(len(r) for r in call) for call in pool.calls]
    assert lengths[0] == (2 if probed else 16)
    want = tree_sum(parts)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])
