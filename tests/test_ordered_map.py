"""``backends._prefetch.ordered_map`` and the threaded passes over the row cache.

Reduced blocks must come back in block order (sums then stay bitwise those of
a sequential pass), at most ``window`` calls may be in flight (memory bound of
an out-of-core pass), an error is raised at its turn, and a consumer that stops
early leaves no call running or queued.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from logistic._objective import LogisticObjective
from logistic.backends import _prefetch
from logistic.backends._prefetch import ordered_map
from logistic.backends.chunked import Chunked


def _slow_square(delays):
    def fn(i):
        time.sleep(delays[i])
        return i * i, threading.get_ident()

    return fn


def test_results_come_back_in_item_order_whatever_finishes_first():
    # later items finish first: a result out of order would show
    delays = [0.02 * (7 - i) for i in range(8)]
    got = list(ordered_map(_slow_square(delays), range(8), n_threads=3, window=6))
    assert [v for v, _ in got] == [i * i for i in range(8)]
    assert len({t for _, t in got}) > 1  # it did run on several threads


def test_no_more_than_window_calls_are_in_flight():
    live, most = [0], [0]
    lock = threading.Lock()

    def fn(i):
        with lock:
            live[0] += 1
            most[0] = max(most[0], live[0])
        time.sleep(0.005)
        with lock:
            live[0] -= 1
        return i

    consumed = []
    for value in ordered_map(fn, range(40), n_threads=4, window=3):
        time.sleep(0.002)  # a slow consumer must not let calls pile up
        consumed.append(value)
    assert consumed == list(range(40))
    assert 1 <= most[0] <= 3


def test_an_error_is_raised_at_its_turn_after_the_results_before_it():
    def fn(i):
        if i == 5:
            raise OSError("block 5 unreadable")
        return i

    seen = []
    with pytest.raises(OSError, match="block 5 unreadable"):
        for value in ordered_map(fn, range(10), n_threads=2, window=4):
            seen.append(value)
    assert seen == [0, 1, 2, 3, 4]


def test_stopping_early_cancels_queued_calls_and_waits_for_running_ones():
    started, finished = [], []

    def fn(i):
        started.append(i)
        time.sleep(0.01)
        finished.append(i)
        return i

    gen = ordered_map(fn, range(100), n_threads=2, window=4)
    assert next(gen) == 0
    gen.close()
    # nothing still runs after close, and the queued calls never started
    assert sorted(started) == sorted(finished)
    assert len(started) <= 5


def test_one_thread_runs_inline():
    caller = threading.get_ident()
    got = list(ordered_map(lambda i: threading.get_ident(), range(3), 1, 2))
    assert got == [caller] * 3


# -- the row cache's threaded pass ------------------------------------------------
@pytest.fixture()
def cached_parquet(tmp_path):
    rng = np.random.default_rng(11)
    n, p = 3000, 6
    X = rng.standard_normal((n, p))
    y = (X @ rng.standard_normal(p) + rng.logistic(size=n) > 0).astype(np.int64)
    cols = {f"x{j}": X[:, j] for j in range(p)}
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({**cols, "label": y}), path)
    return path, tmp_path / "cache"


def test_threaded_cached_pass_equals_the_sequential_and_uncached_sums(
    cached_parquet, monkeypatch
):
    path, cache = cached_parquet
    opts = dict(target="label", chunk_rows=211)
    plain = Chunked.from_parquet(path, cache=False, prefetch=False, **opts)
    Chunked.from_parquet(path, cache_dir=cache, **opts)  # writes the cache
    threaded = Chunked.from_parquet(path, cache_dir=cache, **opts)
    sequential = Chunked.from_parquet(path, cache_dir=cache, prefetch=False, **opts)
    assert threaded.cache_path is not None
    calls = []
    real = _prefetch.ordered_map

    def spy(fn, items, n_threads, window, *stop):
        calls.append((n_threads, window))
        return real(fn, items, max(2, n_threads), window, *stop)

    monkeypatch.setattr("logistic.backends.chunked.ordered_map", spy)
    theta = np.linspace(-0.4, 0.4, 7)
    results = []
    for backend in (threaded, sequential, plain):
        obj = LogisticObjective(backend, l2=0.01)
        f, g = obj.value_and_gradient(theta)
        results.append((f, g, obj.hessian(theta)))
    assert len(calls) == 2  # the threaded backend's two passes, nobody else's
    for got in results[1:]:
        for a, b in zip(results[0], got, strict=True):
            np.testing.assert_array_equal(a, b)  # bitwise: same blocks, same order
    assert threaded.n_passes == 2 and threaded.rows_read == 6000


def test_an_error_in_a_cached_block_reaches_the_caller(cached_parquet):
    path, cache = cached_parquet
    Chunked.from_parquet(path, target="label", chunk_rows=100, cache_dir=cache)
    backend = Chunked.from_parquet(
        path, target="label", chunk_rows=100, cache_dir=cache
    )
    assert backend.cache_path is not None
    seventh = [block.X[0, 0] for block in backend.blocks()][7]

    def fn(block):
        if block.X[0, 0] == seventh:
            raise FloatingPointError("bad block")
        return block.n_rows

    with pytest.raises(FloatingPointError, match="bad block"):
        backend.map_reduce(fn)
    assert backend.map_reduce(lambda block: block.n_rows) == 3000  # usable after


def test_an_interrupt_while_waiting_still_waits_for_the_running_call():
    # Ctrl-C (a signal to the main thread) while the consumer waits for call
    # 0, running on a worker: the clean-up waits for call 0 (it reads the
    # caller's data) and cancels the calls no thread took
    import signal

    running, release = threading.Event(), threading.Event()
    done = []

    def fn(i):
        if i == 0:
            running.set()
            release.wait(5)
        done.append(i)
        return i

    def items():
        yield 0
        running.wait(5)  # call 0 is on a worker before the consumer goes on
        yield from range(1, 6)

    class Interrupted(BaseException):
        pass

    def handler(signum, frame):
        raise Interrupted

    def interrupt():
        running.wait(5)
        time.sleep(0.05)  # the consumer waits for call 0 by now
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        time.sleep(0.3)
        release.set()  # call 0 ends 0.3 s after the interrupt

    list(ordered_map(abs, range(4), n_threads=2, window=3))  # workers started
    previous = signal.signal(signal.SIGINT, handler)
    try:
        helper = threading.Thread(target=interrupt)
        helper.start()
        gen = ordered_map(fn, items(), n_threads=2, window=3)
        with pytest.raises(Interrupted):
            next(gen)  # the generator's clean-up runs as the interrupt leaves it
        assert 0 in done  # it waited for call 0, which was running
        helper.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert set(done) <= {0, 1, 2}  # calls 3-5 were never submitted


def test_a_forked_child_gets_fresh_pools():
    import os
    import sys

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    code = (
        "import os, signal\n"
        "from logistic.backends._prefetch import ordered_map\n"
        "assert list(ordered_map(abs, range(-4, 0), 2, 3)) == [4, 3, 2, 1]\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    signal.alarm(20)\n"
        "    ok = list(ordered_map(abs, range(-4, 0), 2, 3)) == [4, 3, 2, 1]\n"
        "    os._exit(0 if ok else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "raise SystemExit(os.waitstatus_to_exitcode(status))\n"
    )
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_n_threads_must_be_positive(cached_parquet):
    path, cache = cached_parquet
    with pytest.raises(ValueError, match="n_threads must be an integer >= 1"):
        Chunked.from_parquet(path, target="label", cache_dir=cache, n_threads=0)
    one = Chunked.from_parquet(path, target="label", cache_dir=cache, n_threads=1)
    assert one.map_reduce(lambda block: block.n_rows) == 3000
