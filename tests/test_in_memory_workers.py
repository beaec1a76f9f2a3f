"""The in-memory backend's block grid on many CPUs and its block workers
interrupted while the caller waits (``logistic.backends.in_memory``).

No test here depends on timing: the machine's CPU count is the one the
backend reads (:func:`in_memory.machine_cpus`), replaced; the interrupt is
raised by the caller's wait itself, once a worker is known to be busy.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from logistic import _thread_budget
from logistic.backends import _workers, in_memory

sp = pytest.importorskip("scipy.sparse")


def _csr(n: int, p: int, k: int, seed: int = 4):
    """An n × p CSR matrix of ones, k stored values a row (k distinct
    columns from a drawn start: the backend would sum duplicates)."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, p, size=(n, 1))
    indices = np.sort((start + np.arange(k) * (p // k)) % p, axis=1).ravel()
    indptr = np.arange(0, n * k + 1, k)
    return sp.csr_matrix((np.ones(n * k), indices, indptr), shape=(n, p))


@pytest.mark.parametrize(("cpus", "blocks"), [(1, 3), (2, 3), (16, 16), (64, 19)])
def test_csr_blocks_of_small_p_leave_no_cpu_idle(monkeypatch, cpus, blocks):
    """200 000 rows × p = 200, 8 values a row (19 MB stored): 16·p² values a
    block would be 80 000 rows, 3 blocks, whatever the CPUs. On 16 CPUs a
    block holds at most n / 16 rows (16 blocks, one for each CPU); on 64 CPUs
    the 1 MiB blocks (10 922 rows: 19 blocks) are the limit; on 1-2 CPUs the
    grid is the 3 blocks of 16·p²."""
    monkeypatch.setattr(in_memory, "machine_cpus", lambda: cpus)
    monkeypatch.setattr(_thread_budget, "available_cpus", lambda: cpus)  # threads
    monkeypatch.setattr(_thread_budget, "ENV_CAP", None)
    n = 200_000
    X = _csr(n, 200, 8)
    data = in_memory.InMemory(X, np.zeros(n))
    assert data.n_threads == cpus
    sizes = [b.X.shape[0] for b in data.blocks()]
    assert len(sizes) == blocks and sum(sizes) == n
    assert min(data.n_threads, len(sizes)) == min(cpus, blocks)
    # the same grid whatever n_threads says and whatever CPUs this process
    # may use: only the machine's CPUs count
    one = in_memory.InMemory(X, np.zeros(n), n_threads=1)
    assert one.block_rows == data.block_rows
    monkeypatch.setattr(_thread_budget, "available_cpus", lambda: 1)  # taskset
    pinned = in_memory.InMemory(X, np.zeros(n))
    assert pinned.n_threads == 1 and pinned.block_rows == data.block_rows


def test_w8a_shaped_csr_keeps_two_blocks_on_two_cpus(monkeypatch):
    """w8a's shape (49 749 × 300, 12 values a row): 2 blocks on a 2-CPU
    machine (as before the cap), 7 of 1 MiB on 16 CPUs."""
    X = _csr(49_749, 300, 12)
    counts = []
    for cpus in (2, 16):
        monkeypatch.setattr(in_memory, "machine_cpus", lambda c=cpus: c)
        counts.append(len(list(in_memory.InMemory(X, np.zeros(49_749)).blocks())))
    assert counts == [2, 7]


def test_an_interrupted_map_leaves_no_run_queued(monkeypatch):
    """Runs 1-3 are queued for the one worker; it starts run 1 and is held
    there. The caller, done with run 0 (which waits for that), runs 2 and 3
    itself (no worker took them), then its wait for run 1 is interrupted. Nothing stays queued: a
    later map's runs come back with no other run in between."""
    started, hold, finished = threading.Event(), threading.Event(), threading.Event()
    ran: list[int] = []

    def run(i: int) -> int:
        if i == 0:  # the caller's run ends once the worker holds run 1
            assert started.wait(60)
        if i == 1:
            started.set()
            assert hold.wait(60)
        ran.append(i)
        if i == 1:
            finished.set()
        return i

    caller = threading.get_ident()

    class Done(_workers.SimpleQueue):
        """A map's queue of calls done whose wait, in the thread that called
        ``map``, raises KeyboardInterrupt (as Ctrl-C does there) once the
        worker has started run 1."""

        def get(self, *args, **kwargs):
            if threading.get_ident() == caller:
                assert started.wait(60), "the worker never started run 1"
                raise KeyboardInterrupt
            return super().get(*args, **kwargs)

    workers = in_memory._Workers(1)
    monkeypatch.setattr(_workers, "SimpleQueue", Done)
    with pytest.raises(KeyboardInterrupt):
        workers.map(run, [0, 1, 2, 3])
    monkeypatch.undo()
    assert sorted(ran) == [0, 2, 3]  # run 1 still held in the worker
    hold.set()
    assert finished.wait(60)
    assert workers.map(run, [10, 11]) == [10, 11]
    assert sorted(ran) == [0, 1, 2, 3, 10, 11]
    assert ran.index(1) < ran.index(10)


def _held_workers() -> tuple[in_memory._Workers, threading.Event, threading.Thread]:
    """One worker, held (with the caller of another map) until the returned
    event is set; the thread running that other map."""
    started, hold = threading.Event(), threading.Event()
    workers = in_memory._Workers(1)

    def block(i: int) -> int:
        started.set()
        assert hold.wait(60)
        return i

    other = threading.Thread(target=workers.map, args=(block, [0, 1]))
    other.start()
    assert started.wait(60)  # the one worker, or that map's caller, is held
    return workers, hold, other


def test_runs_no_worker_took_are_run_by_the_caller():
    """A worker held in a run leaves the map's other queued runs to the
    caller: the map returns without waiting for the worker to take them."""
    workers, hold, other = _held_workers()
    try:
        assert workers.map(lambda i: i * i, [1, 2, 3]) == [1, 4, 9]
    finally:
        hold.set()
        other.join(60)


def test_an_error_in_the_callers_run_skips_the_runs_no_worker_took():
    """The one worker is held by another map; the caller's own run raises
    (an error, or Ctrl-C): the map raises at once, without running the
    queued runs one after another first (they are thrown away)."""
    workers, hold, other = _held_workers()
    ran: list[int] = []

    def run(i: int) -> int:
        if i == 0:
            raise KeyboardInterrupt
        ran.append(i)
        return i

    try:
        with pytest.raises(KeyboardInterrupt):
            workers.map(run, [0, 1, 2, 3])
        assert ran == []
    finally:
        hold.set()
        other.join(60)
    assert workers.map(run, [4, 5]) == [4, 5]


def test_sparse_column_statistics_set_no_blas_limit(monkeypatch):
    """The column statistics of CSR blocks sum stored values without BLAS:
    a threaded statistics pass over them sets no BLAS thread limit (nor
    searches for the setters), nor does a value/gradient pass by the
    compiled CSR kernels (:func:`logistic._kernels.blas_free`), while a
    Hessian-vector product over the same blocks still does; both give the
    single-thread results bit for bit."""
    import contextlib

    from logistic._compiled import compiled_kernel
    from logistic._objective import LogisticObjective
    from logistic.backends.in_memory import InMemory

    made: list[int] = []

    def counting() -> contextlib.nullcontext[None]:
        made.append(1)
        return contextlib.nullcontext()

    monkeypatch.setattr(in_memory, "one_blas_thread", counting)
    monkeypatch.setattr(in_memory, "SPARSE_THREAD_MIN_BYTES", 0)
    rng = np.random.default_rng(5)
    X = sp.random(4000, 40, density=0.1, format="csr", random_state=rng)
    y = (rng.random(4000) < 0.4).astype(float)
    one = LogisticObjective(InMemory(X, y, n_threads=1, block_bytes=2**13))
    two = LogisticObjective(InMemory(X, y, n_threads=2, block_bytes=2**13))
    assert len(two.data._block_list()) > 2
    expected = one.column_moments()
    got = two.column_moments()
    assert made == []
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_array_equal(a, b)
    theta = np.full(41, 0.01)
    a = one.value_and_gradient(theta)
    b = two.value_and_gradient(theta)
    assert bool(made) is (compiled_kernel() is None)  # numpy's: BLAS ddot
    made.clear()
    two.hessian_vector(theta, np.ones(41))
    assert made  # BLAS limited for the product
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
