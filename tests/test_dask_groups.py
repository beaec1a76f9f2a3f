"""Persisted Dask partitions reduced one task per worker (``_dask_locality``).

Grouping changes which task computes a partition's sum, never how: fits and
reductions equal the one-task-per-partition ones bitwise, a worker killed
during a grouped pass ends in the fault-free sums, and a failure inside a
grouped task still names its partition and file. One module-scoped cluster
(2 worker processes, 1 thread each).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import types
from functools import partial

import numpy as np
import pytest

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import (  # noqa: E402
    local_dask_client,
    logistic_problem,
    write_parquet_parts,
)
from logistic import LogisticRegression  # noqa: E402
from logistic.backends._dask_locality import worker_groups  # noqa: E402
from logistic.backends.dask import (  # noqa: E402
    Dask,
    EvaluationTimeoutError,
    PartitionError,
)

N, P, PARTS = 4000, 5, 8


@pytest.fixture(scope="module")
def client():
    with local_dask_client() as c:
        yield c


@pytest.fixture(scope="module")
def data():
    return logistic_problem(13, N)


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, data):
    X, y = data
    return write_parquet_parts(tmp_path_factory.mktemp("groups-pq"), X, y, PARTS)


def _persisted(parquet_dir, client, **opts):
    return Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True, **opts
    )


def _sums(block):
    """Column sums, label sum and rows of a block (the test's reduction)."""
    return block.X.sum(axis=0), float(block.y.sum()), float(block.X.shape[0])


def _sums_or_die(block, flag):
    """:func:`_sums`, but the first call that finds ``flag`` (renamed
    atomically, so exactly one) kills its worker process."""
    try:
        os.rename(flag, flag + ".taken")
    except FileNotFoundError:
        return _sums(block)
    os._exit(1)


def _sums_or_raise(block, marker):
    """:func:`_sums`, but the block whose first value is ``marker`` raises."""
    if block.X.shape[0] and block.X[0, 0] == marker:
        raise OSError("unreadable block")
    return _sums(block)


def _sums_slowly(block, marker, release):
    """:func:`_sums`, after waiting (at most 30 s) for ``release`` on the block
    whose first value is ``marker``."""
    deadline = time.monotonic() + 30
    while block.X[0, 0] == marker and not os.path.exists(release):
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return _sums(block)


def _assert_bitwise(a, b):
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)


def test_groups_cover_every_partition_once_in_index_order(client, parquet_dir):
    backend = _persisted(parquet_dir, client)
    groups = worker_groups(client, backend._futures, timeout=10)
    assert groups is not None
    workers = set(client.scheduler_info()["workers"])
    # one group per worker thread holding data (1 thread each here)
    assert 1 <= len(groups) <= len(workers)
    assert sorted(i for _, idx in groups for i in idx) == list(range(PARTS))
    for address, idx in groups:
        assert address in workers
        assert idx == sorted(idx)
        holders = client.who_has([backend._futures[i][0] for i in idx])
        assert all(address in w for w in holders.values())


class _StubScheduler:
    """Answers the scheduler's two placement requests with fixed facts."""

    def __init__(self, who, nthreads):
        self.who, self.nthreads = who, nthreads

    async def who_has(self, keys):
        return {k: self.who[k] for k in keys if k in self.who}

    async def ncores_running(self):
        return self.nthreads


class _StubClient:
    """A running client whose ``sync`` runs the coroutine function on an
    event loop of its own, against :class:`_StubScheduler`."""

    status = "running"

    def __init__(self, who, nthreads):
        self.scheduler = _StubScheduler(who, nthreads)

    def sync(self, fn, *args):
        import asyncio

        return asyncio.run(fn(*args))


class _Key:
    def __init__(self, key):
        self.key = key


def test_grouping_rule_threads_replicas_and_unplaced_partitions():
    """Worker A (2 threads) holds 0, 1, 3, 4; B (1 thread) holds 2 and a
    replica of 5, which A holds too; nobody holds 6 (being recomputed); the
    holder of 7 is not running (absent from ncores_running)."""
    who = {0: ["A"], 1: ["A"], 2: ["B"], 3: ["A"], 4: ["A"], 5: ["A", "B"], 7: ["C"]}
    futures = [[_Key(i), _Key(("y", i))] for i in range(8)]
    client = _StubClient(who, {"A": 2, "B": 1})
    rows = [100] * 8
    groups = worker_groups(client, futures, timeout=1.0, rows=rows)
    # A: 400 rows on 2 threads (200 a thread), B: 100 on 1, so 5 goes to B;
    # A's four partitions split in two contiguous runs; 6 and 7 go unplaced
    assert groups == [
        ("A", [0, 1]),
        ("B", [2, 5]),
        ("A", [3, 4]),
        (None, [6]),
        (None, [7]),
    ]


class _SilentScheduler(_StubScheduler):
    async def who_has(self, keys):
        import asyncio

        await asyncio.sleep(60)


class _DisconnectedScheduler(_StubScheduler):
    async def ncores_running(self):
        raise OSError("connection to the scheduler closed")


@pytest.mark.parametrize("scheduler", [_SilentScheduler, _DisconnectedScheduler])
def test_no_groups_when_the_scheduler_does_not_answer(scheduler):
    """A scheduler that says nothing within the timeout, or whose connection
    fails, gives no groups (the caller then runs a task a partition)."""
    import time

    client = _StubClient({0: ["A"]}, {"A": 1})
    client.scheduler = scheduler({0: ["A"]}, {"A": 1})
    t0 = time.monotonic()
    assert worker_groups(client, [[_Key(0)]], timeout=0.2) is None
    assert time.monotonic() - t0 < 10


def test_task_per_worker_equals_task_per_partition_bitwise(client, parquet_dir, data):
    X, y = data
    grouped = _persisted(parquet_dir, client)
    single = _persisted(parquet_dir, client)
    single.group_by_worker = False
    fits = []
    for backend in (grouped, single):
        fits.append(LogisticRegression(solver="newton").fit(backend, None))
    assert grouped.tasks_per_pass <= 2 < PARTS == single.tasks_per_pass
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    assert fits[0].objective_ == fits[1].objective_
    # and the same optimum as the fit of the arrays in memory
    ref = LogisticRegression(solver="newton").fit(X, y)
    np.testing.assert_allclose(fits[0].coef_, ref.coef_, rtol=0, atol=1e-8)
    # not persisted: one task per partition, the same sums bitwise
    lazy = Dask.from_parquet(parquet_dir, target="label", client=client)
    _assert_bitwise(grouped.map_reduce(_sums), lazy.map_reduce(_sums))
    assert lazy.tasks_per_pass == PARTS


def _rows_at_index(block, index, n_blocks):
    """A vector with the block's rows at its global index."""
    out = np.zeros(n_blocks)
    out[index] += block.X.shape[0]
    return out


def test_map_reduce_indexed_numbers_blocks_across_partitions(client, parquet_dir):
    """8 files of 500 rows in blocks of 128 rows: 4 blocks a partition
    (128, 128, 128, 116), numbered 0..31 in partition order, each seen once,
    grouped by worker or one task per partition alike."""
    expected = np.tile([128.0, 128.0, 128.0, 116.0], PARTS)
    fn = partial(_rows_at_index, n_blocks=4 * PARTS)
    grouped = _persisted(parquet_dir, client, chunk_rows=128)
    lazy = Dask.from_parquet(parquet_dir, target="label", client=client, chunk_rows=128)
    assert grouped.first_blocks() == list(range(0, 4 * PARTS, 4))
    np.testing.assert_array_equal(grouped.map_reduce_indexed(fn), expected)
    assert grouped.tasks_per_pass <= 2
    np.testing.assert_array_equal(lazy.map_reduce_indexed(fn), expected)
    assert lazy.tasks_per_pass == PARTS


@pytest.mark.parametrize("k", [3, 5])
def test_newton_hessian_estimate_takes_every_kth_block_of_the_grid(
    client, parquet_dir, data, k
):
    """``block_grid``: the objective's Hessian estimate over a persisted Dask
    backend (8 partitions of 500 rows, blocks of 128) is numpy's Hessian over
    exactly the rows of global blocks 0, k, 2k, ... (block g is block g % 4 of
    partition g // 4), in one grouped pass."""
    from logistic._objective import LogisticObjective
    from test_streamed_block_hessian import _numpy_vgh

    X, y = data
    backend = _persisted(parquet_dir, client, chunk_rows=128)
    assert backend.capabilities.block_grid and not backend.capabilities.block_index
    theta = np.linspace(-0.4, 0.5, P + 1)
    passes = backend.n_passes
    value, grad, H = LogisticObjective(backend, l2=0.01).value_gradient_hessian(
        theta, hessian_stride=k
    )
    assert backend.n_passes == passes + 1 and backend.tasks_per_pass <= 2
    size = N // PARTS
    rows = np.concatenate(
        [
            np.arange(
                g // 4 * size + g % 4 * 128,
                g // 4 * size + min(size, g % 4 * 128 + 128),
            )
            for g in range(0, 4 * PARTS, k)
        ]
    )
    want = _numpy_vgh(X, y.astype(float), np.ones(N), theta, 0.01, rows)
    np.testing.assert_allclose(value, want[0], rtol=1e-12)
    np.testing.assert_allclose(grad, want[1], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(H, want[2], rtol=1e-10, atol=1e-14)
    # not every k-th row: that estimate differs
    strided = _numpy_vgh(X, y, np.ones(N), theta, 0.01, np.arange(0, N, k))[2]
    assert not np.allclose(H, strided, rtol=1e-6)


def test_worker_killed_during_a_grouped_pass_gives_the_same_sums(
    client, parquet_dir, data, tmp_path
):
    """A task reducing one worker's partitions kills that worker: the task is
    rescheduled, the lost persisted partitions are recomputed from their
    lineage, and the sums are bitwise those of a pass without the fault."""
    X, y = data
    backend = _persisted(parquet_dir, client, timeout=120)
    clean = backend.map_reduce(_sums)
    np.testing.assert_allclose(clean[0], X.sum(axis=0), rtol=1e-12)
    assert clean[1:] == (float(y.sum()), float(N))
    pids = set(client.run(os.getpid).values())
    flag = tmp_path / "kill"
    flag.touch()
    again = backend.map_reduce(partial(_sums_or_die, flag=str(flag)))
    assert (tmp_path / "kill.taken").exists() and not flag.exists()
    _assert_bitwise(again, clean)
    assert backend.tasks_per_pass < PARTS  # the grouped pass completed
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(os.getpid).values()) != pids  # one worker restarted


def test_failure_inside_a_grouped_task_names_the_partition(client, parquet_dir, data):
    X, _ = data
    backend = _persisted(parquet_dir, client)
    first_of_5 = X[5 * N // PARTS, 0]
    with pytest.raises(PartitionError, match=r"partition 5 \(.*part-5\.parquet\)"):
        backend.map_reduce(partial(_sums_or_raise, marker=first_of_5))
    assert backend.map_reduce(_sums)[2] == N  # the backend still works


def test_grouped_pass_past_its_timeout_names_the_partitions(
    client, parquet_dir, data, tmp_path
):
    X, _ = data
    backend = _persisted(parquet_dir, client)
    backend.timeout = 0.5  # for the pass only (a loaded machine's scan is slower)
    release = tmp_path / "release"
    fn = partial(_sums_slowly, marker=X[3 * N // PARTS, 0], release=str(release))
    t0 = time.monotonic()
    try:
        with pytest.raises(EvaluationTimeoutError, match=r"part-3\.parquet"):
            backend.map_reduce(fn)
        assert time.monotonic() - t0 < 10
    finally:
        release.touch()


@pytest.mark.parametrize(("spent", "error"), [(0.5, PartitionError), (1.0, None)])
def test_rerun_after_a_failed_grouped_pass_gets_what_remains_of_the_timeout(
    client, parquet_dir, data, monkeypatch, spent, error
):
    """A grouped task raises, so the evaluation reruns one task per partition
    to name the partition. The rerun is the same evaluation: when the grouped
    attempt has used up its ``timeout`` (the faults module's clock moved on by
    ``spent`` · timeout once that attempt returns) the rerun fails with
    EvaluationTimeoutError at once; with half of it left, the rerun names the
    partition as before."""
    from logistic.backends import _dask_faults

    X, _ = data
    backend = _persisted(parquet_dir, client)
    backend.timeout = 600.0
    shift = [0.0]
    clock = types.SimpleNamespace(
        time=time.time, monotonic=lambda: time.monotonic() + shift[0]
    )
    monkeypatch.setattr(_dask_faults, "time", clock)
    grouped = _dask_faults.ClusterRun.compute_groups
    attempts = []

    def compute_groups(run, *args, **kwargs):
        out = grouped(run, *args, **kwargs)
        attempts.append(out)
        shift[0] += spent * backend.timeout
        return out

    monkeypatch.setattr(_dask_faults.ClusterRun, "compute_groups", compute_groups)
    fn = partial(_sums_or_raise, marker=X[5 * N // PARTS, 0])
    expected = EvaluationTimeoutError if error is None else error
    with pytest.raises(expected) as info:
        backend.map_reduce(fn)
    assert attempts == [None]  # the grouped attempt failed and was rerun
    if error is None:
        assert "timeout=600 s" in str(info.value)
    else:
        assert info.value.partition == 5


def _scheduler_keys(dask_scheduler):
    return set(dask_scheduler.tasks)


def test_group_tasks_are_submitted_together_on_the_client_loop(
    client, parquet_dir, monkeypatch
):
    """Every group task of a pass is submitted from the client's event loop
    (their messages leave in one batch, not one task 10 ms after the other)."""
    backend = _persisted(parquet_dir, client)
    backend.direct_calls = False  # the tasks' path (a direct pass submits none)
    threads = []
    submit = client.submit

    def recording_submit(*args, **kwargs):
        threads.append(threading.get_ident())
        return submit(*args, **kwargs)

    monkeypatch.setattr(client, "submit", recording_submit)

    async def loop_thread():
        return threading.get_ident()

    on_loop = client.sync(loop_thread)
    backend.map_reduce(_sums)
    assert backend.tasks_per_pass == 2
    assert threads == [on_loop, on_loop]


def test_a_pass_releases_the_previous_pass_results_after_submitting(
    client, parquet_dir
):
    """The workers keep a grouped pass's partial sums until the next pass is
    submitted, then release them; above ``hold_bytes`` they are released as
    soon as they are gathered. The sums are the same either way."""
    backend = _persisted(parquet_dir, client)
    backend.direct_calls = False  # the tasks' path (a direct pass holds nothing)
    first = backend.map_reduce(_sums)
    held = [f.key for f in backend._held]
    assert len(held) == backend.tasks_per_pass == 2
    assert set(held) <= client.run_on_scheduler(_scheduler_keys)
    _assert_bitwise(backend.map_reduce(_sums), first)
    assert not {f.key for f in backend._held} & set(held)
    deadline = time.monotonic() + 30
    while set(held) & client.run_on_scheduler(_scheduler_keys):
        assert time.monotonic() < deadline, "the first pass's results stay held"
        time.sleep(0.05)
    backend.hold_bytes = 0
    _assert_bitwise(backend.map_reduce(_sums), first)
    assert backend._held == []


@pytest.mark.parametrize(
    ("direct", "address", "cluster", "expected"),
    [
        (None, "tcp://127.0.0.1:8786", "local", True),
        (None, "inproc://10.0.0.5/123/1", None, True),
        # a loopback address without a LocalCluster: maybe an SSH tunnel to a
        # remote scheduler, whose workers the client cannot reach
        (None, "tcp://127.0.0.1:8786", None, False),
        (None, "tcp://localhost:8786", None, False),
        (None, "tcp://[::1]:8786", None, False),
        (None, "tcp://10.0.0.5:8786", None, False),
        (None, "tls://scheduler.example:8786", "other", False),
        (False, "tcp://127.0.0.1:8786", "local", False),
        (True, "tcp://10.0.0.5:8786", None, True),
    ],
)
def test_results_come_from_the_workers_directly_only_when_reachable(
    direct, address, cluster, expected
):
    """Direct fetching follows the client's ``direct_to_workers``; unset, only
    an in-process scheduler or the client's own LocalCluster (whose workers
    the client reaches) uses it."""
    from distributed import LocalCluster
    from distributed.deploy import SpecCluster

    from logistic.backends._dask_fetch import direct_gather

    owned = {
        "local": object.__new__(LocalCluster),  # isinstance only: never started
        "other": object.__new__(SpecCluster),  # e.g. an SSH or cloud cluster
        None: None,
    }[cluster]
    fake = types.SimpleNamespace(
        direct_to_workers=direct,
        scheduler=types.SimpleNamespace(address=address),
        cluster=owned,
    )
    assert direct_gather(fake) is expected


def test_packed_group_results_give_back_each_partition_sum_bitwise():
    """A group task's sums travel as one float64 array: unpacked, every
    partition's sum has the same structure, types and bits (signed zero,
    NaN, a Fortran-ordered matrix, a 0-d array), ints, float32 arrays and
    numpy scalars kept as they were."""
    from logistic.backends._dask_tasks import pack_sums, unpack_sums

    rng = np.random.default_rng(5)
    hessian = np.asfortranarray(rng.normal(size=(3, 3)))
    sums = [
        (0, 7, (1.5, rng.normal(size=4), -0.0, 7, hessian, (np.nan, np.float64(2.0)))),
        (3, 0, (0.0, np.zeros(4), 0.0, 0, np.zeros((3, 3)), (0.25, np.float64(0)))),
        (5, 2, (np.array(3.0), rng.normal(size=2).astype(np.float32), 1e-300)),
    ]
    sums_packed = pack_sums(sums)
    values = sums_packed.values
    assert values.dtype == np.float64 and values.ndim == 1
    assert values.size == 2 * (1 + 4 + 1 + 9 + 1) + 1 + 1
    values.flags.writeable = False  # as a buffer off the network may be
    back = unpack_sums(sums_packed)

    def same(a, b):
        assert type(a) is type(b)
        if isinstance(a, tuple):
            assert len(a) == len(b)
            for u, v in zip(a, b, strict=True):
                same(u, v)
        elif isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert a.tobytes(order="C") == b.tobytes(order="C")
            assert b.flags.writeable
        else:
            assert np.array(a).tobytes() == np.array(b).tobytes()

    same(tuple(sums), tuple(back))


def test_persisted_partitions_are_spread_evenly_in_contiguous_runs(client, parquet_dir):
    """8 partitions persisted on 2 single-threaded workers: 4 each, 0-3 on
    one and 4-7 on the other (left to Dask, the first free worker loads
    more), so each grouped pass gives both workers the same rows."""
    backend = _persisted(parquet_dir, client)
    futures = [f[0] for f in backend._futures]
    who = client.who_has(futures)
    holders = [tuple(who[str(f.key)]) for f in futures]
    assert all(len(h) == 1 for h in holders)
    assert holders[:4] == [holders[0]] * 4
    assert holders[4:] == [holders[4]] * 4
    assert holders[0] != holders[4]
    groups = worker_groups(client, backend._futures, timeout=10)
    assert sorted(idx for _, idx in groups) == [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.mark.parametrize("reachable", [True, False])
def test_start_gather_fetches_directly_only_when_the_workers_are_reachable(
    monkeypatch, reachable
):
    """The subsample start's gather follows the same rule as the passes
    (``direct_gather``): a client behind a tunnel fetches through the
    scheduler, where a direct fetch would retry without end."""
    import distributed

    from logistic.backends import _dask_gather

    asked = []

    class Client:
        def compute(self, tasks):
            return [types.SimpleNamespace(status="finished", value=t) for t in tasks]

        def gather(self, futures, direct):
            asked.append(direct)
            return [f.value for f in futures]

        def cancel(self, futures):
            raise AssertionError("nothing failed")

        def as_current(self):  # the wait runs with the backend's client
            return contextlib.nullcontext()

    monkeypatch.setattr(distributed, "wait", lambda futures, timeout=None: None)
    monkeypatch.setattr(_dask_gather, "direct_gather", lambda client: reachable)
    backend = types.SimpleNamespace(_client=Client, timeout=None, cluster_timeout=5.0)
    assert _dask_gather._compute(backend, ["a", "b"]) == ["a", "b"]
    assert asked == [reachable]


def test_results_above_hold_bytes_are_released_even_on_the_first_pass(
    client, parquet_dir
):
    """Whether a pass's partial sums stay on the workers is decided from that
    pass's own size: with ``hold_bytes = 0`` not even the first pass's stay."""
    backend = _persisted(parquet_dir, client)
    backend.hold_bytes = 0
    first = backend.map_reduce(_sums)
    assert backend.last_bytes_to_client > 0
    assert backend._held == []
    _assert_bitwise(backend.map_reduce(_sums), first)
    assert backend._held == []


def test_persist_spread_asks_the_scheduler_within_the_timeout():
    """A scheduler that stops answering while partitions are persisted: the
    question of its workers' threads gives up after ``cluster_timeout`` and
    one plain persist follows (the scan then reports the lost scheduler)."""
    import asyncio

    from logistic.backends._dask_locality import persist_spread

    class Silent:
        async def ncores_running(self):
            await asyncio.sleep(3600)

    class FakeClient:
        scheduler = Silent()
        timeouts: list[float | None] = []
        persisted: list[list[str]] = []

        def sync(self, fn, callback_timeout=None):
            self.timeouts.append(callback_timeout)

            async def bounded():
                return await asyncio.wait_for(fn(), callback_timeout)

            return asyncio.run(bounded())

        def persist(self, items, **kwargs):
            self.persisted.append(list(items))
            return list(items)

    fake = FakeClient()
    t0 = time.monotonic()
    out = persist_spread(fake, [("x0", "y0"), ("x1", None)], 0.2)
    assert time.monotonic() - t0 < 10
    assert fake.timeouts == [0.2]
    assert out == ["x0", "y0", "x1"] and fake.persisted == [["x0", "y0", "x1"]]


def test_no_start_gather_from_parquet_files_that_are_not_persisted(parquet_dir):
    """Without persisted partitions a gather task would decode its whole
    Parquet file: the streamed start is not offered (as without the row cache)."""
    backend = Dask.from_parquet(parquet_dir, target="label", persist=False)
    assert backend.grid_rows() is not None
    assert backend.grid_blocks([0], 2) is None
