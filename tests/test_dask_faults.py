"""Dask faults on real clusters of worker processes: RELIABILITY D02, D04, D05, D09.

Every fault ends in the fault-free coefficients or in a named ``logistic``
error within a bounded time; none hangs. One module-scoped ``LocalCluster``
(2 worker processes of 1 thread, ``memory_limit`` 400 MiB, ``allowed_failures``
1, nannies that never give up restarting a worker) serves the churn, poison-partition and memory tests, each of which leaves it
with two running workers; the scheduler-loss tests start their own clusters.
Graphs of a few tasks a worker thread are not held back at the scheduler, so a
worker's death counts against every task it held, a cheap one waiting behind
the culprit too: the errors name every partition given up on as a suspect.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import re
import signal
import tempfile
import threading
import time
import types

import numpy as np
import pytest

pytestmark = [pytest.mark.dask, pytest.mark.slow]

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import (  # noqa: E402
    NANNIES_KEEP_RESTARTING,
    local_dask_client,
    logistic_problem,
    write_parquet_parts,
)
from logistic import LogisticRegression  # noqa: E402
from logistic.backends._dask_connect import local_cluster  # noqa: E402
from logistic.backends.dask import (  # noqa: E402
    Dask,
    DaskClusterError,
    EvaluationTimeoutError,
    PartitionError,
    SchedulerLostError,
    WorkerMemoryError,
)

N, P, PARTS = 4000, 5, 4
CLUSTER = {
    "threads_per_worker": 1,
    "processes": True,
    "dashboard_address": None,
    "silence_logs": 50,
}


def _local_cluster(n_workers: int = 2, **kwargs):
    # the scheduler's HTTP routes on a free port (not 8787, maybe taken)
    scheduler = {"dashboard": False, "dashboard_address": ":0"}
    scheduler.update(kwargs.pop("scheduler_kwargs", {}))
    return local_cluster(
        n_workers=n_workers, scheduler_kwargs=scheduler, **CLUSTER, **kwargs
    )


def _close_orphaned(cluster) -> None:
    """Close a cluster whose scheduler is gone (its workers stop retrying soon)."""
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        cluster.close()


@pytest.fixture(scope="module")
def cluster():
    # the nannies restart every worker the tests kill, however long a restart
    # takes and however soon the same worker is killed again
    with dask.config.set(NANNIES_KEEP_RESTARTING):
        cluster = _local_cluster(
            memory_limit="400MiB", scheduler_kwargs={"allowed_failures": 1}
        )
        yield cluster
        cluster.close()


@pytest.fixture
def client(cluster):
    """The module cluster's client, back to two running workers after each test."""
    with distributed.Client(cluster) as c:
        c.wait_for_workers(2, timeout=60)
        yield c
        cluster.scale(2)
        c.wait_for_workers(2, timeout=60)


@pytest.fixture(scope="module")
def data():
    return logistic_problem(11, N)


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, data):
    X, y = data
    return write_parquet_parts(tmp_path_factory.mktemp("faults-pq"), X, y, PARTS)


@pytest.fixture(scope="module")
def clean_fits(cluster, parquet_dir):
    """Fault-free Newton and L-BFGS fits of the Parquet data."""
    with distributed.Client(cluster) as c:
        return {
            s: LogisticRegression(solver=s).fit(
                Dask.from_parquet(parquet_dir, target="label", client=c), None
            )
            for s in ("newton", "lbfgs")
        }


def _workers(client) -> set[str]:
    return set(client.scheduler_info()["workers"])


def _poisoned_block(X: np.ndarray, flag: str) -> np.ndarray:
    """The rows, or the death of the worker process once ``flag`` exists."""
    if os.path.exists(flag):
        os._exit(1)
    return X


def _hungry_block(X: np.ndarray, mib: int) -> np.ndarray:
    """The rows, after holding ``mib`` MiB of touched memory for a second."""
    hog = np.ones(mib * 2**17)
    time.sleep(1.0)
    return X + 0.0 * hog[0]


def _dask_with_block(data, k, fn, *args, **opts):
    """A ``Dask`` backend of 4 partitions whose partition ``k`` is ``fn(rows, *args)``."""
    X, y = data
    size = N // PARTS
    blocks = [da.from_array(X[i * size : (i + 1) * size]) for i in range(PARTS)]
    blocks[k] = da.from_delayed(
        dask.delayed(fn, pure=False)(X[k * size : (k + 1) * size], *args),
        shape=(size, P),
        dtype=X.dtype,
    )
    names = [f"part-{i}.bin" for i in range(PARTS)]
    yd = da.from_array(y, chunks=size)
    return Dask(da.concatenate(blocks), yd, part_names=names, **opts)


def _set_worker_memory_limit(client, fraction: float | None) -> None:
    """Set each worker's memory limit so that its resident memory is ``fraction``
    of it (None: back to the limit the worker started with)."""

    def set_limit(dask_worker, fraction=fraction):
        import psutil

        mm = dask_worker.memory_manager
        if not hasattr(dask_worker, "_original_limit"):
            dask_worker._original_limit = mm.memory_limit
        rss = psutil.Process().memory_info().rss
        mm.memory_limit = (
            dask_worker._original_limit if fraction is None else int(rss / fraction)
        )

    client.run(set_limit)


def _wait_for_status(client, status: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.scheduler_info()["workers"].values()
        if info and all(w["status"] == status for w in info):
            return
        time.sleep(0.05)
    raise AssertionError(f"workers did not become {status}")


# -- D04: worker churn -------------------------------------------------------------
def test_worker_churn_during_a_fit_gives_the_same_coefficients(
    client, cluster, parquet_dir, clean_fits
):
    """During an L-BFGS fit on persisted data a third worker joins, an original
    worker leaves (its persisted partitions move or are recomputed) and another
    restarts under a new address. The fit ends with the fault-free coefficients,
    bitwise, and every pass counted each partition once."""
    before = _workers(client)
    events: list[str] = []
    leaving: list[threading.Thread] = []

    def churn(info):
        if info["pass"] == 2:
            cluster.scale(3)
            client.wait_for_workers(3, timeout=60)
            events.append("joined")
        elif info["pass"] == 3:
            victim = sorted(before)[0]
            t = threading.Thread(target=client.retire_workers, args=([victim],))
            t.start()
            leaving.append(t)
            events.append("leaving")
        elif info["pass"] == 5:
            leaving[0].join(60)
            cluster.scale(2)
            survivor = sorted(_workers(client) & before)
            restart = threading.Thread(target=client.restart_workers, args=(survivor,))
            restart.start()
            leaving.append(restart)
            events.append("restarting")

    backend = Dask.from_parquet(
        parquet_dir,
        target="label",
        client=client,
        persist=True,
        progress=churn,
        timeout=60,
    )
    model = LogisticRegression(solver="lbfgs").fit(backend, None)
    assert events == ["joined", "leaving", "restarting"]
    # a restart on a machine running other suites beside this one has taken
    # over a minute: the waits below bound a hang, not the expected time
    leaving[1].join(180)
    np.testing.assert_array_equal(model.coef_, clean_fits["lbfgs"].coef_)
    assert model.objective_ == clean_fits["lbfgs"].objective_
    client.wait_for_workers(2, timeout=120)
    deadline = time.monotonic() + 120
    while _workers(client) & before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _workers(client) & before  # every original worker was replaced


# -- D02: a poison partition -------------------------------------------------------
def test_poison_partition_is_named_and_the_checkpoint_survives(client, data, tmp_path):
    """Partition 2 starts killing its worker (``os._exit``) at the fourth pass of
    a Newton fit with a checkpoint. After ``allowed_failures`` + 1 deaths the fit
    fails with a PartitionError naming partition 2 and its file; the last
    checkpoint is intact and resumes, once the partition is repaired, to the
    coefficients of a fit that never failed."""
    flag = str(tmp_path / "poison")
    clean = LogisticRegression(solver="newton").fit(
        _dask_with_block(data, 2, _poisoned_block, flag, client=client), None
    )

    def poison(info):
        if info["pass"] == 4:
            open(flag, "w").close()

    backend = _dask_with_block(
        data, 2, _poisoned_block, flag, client=client, progress=poison, timeout=60
    )
    ckpt = tmp_path / "fit.ckpt"
    t0 = time.monotonic()
    with pytest.raises(PartitionError) as info:
        LogisticRegression(solver="newton").fit(backend, None, checkpoint=ckpt)
    assert time.monotonic() - t0 < 45
    message = str(info.value)
    assert "partition 2 (part-2.bin)" in message
    assert "killed the worker running it 2 times" in message
    assert "checkpoint" in message
    # a partition whose task waited behind partition 2's on both dying
    # workers is a suspect too (module docstring)
    assert 2 in info.value.partitions
    if info.value.partitions == (2,):
        assert info.value.partition == 2 and info.value.path == "part-2.bin"
    else:
        assert info.value.partition == -1 and info.value.path is None
        assert ". The scheduler gave up on the task of each: a dying worker's" in (
            message
        )
    json.loads(ckpt.read_text())  # intact
    os.remove(flag)
    resumed = LogisticRegression(solver="newton").fit(
        _dask_with_block(data, 2, _poisoned_block, flag, client=client),
        None,
        checkpoint=ckpt,
    )
    np.testing.assert_array_equal(resumed.coef_, clean.coef_)
    assert resumed.n_iter_[0] == clean.n_iter_[0]


def _sums_or_kill(block, marker: float, deaths: str):
    """Column sums and rows of a block; the block whose first value is
    ``marker`` kills its worker process each time, leaving a file in ``deaths``."""
    if block.X.shape[0] and block.X[0, 0] == marker:
        fd, _ = tempfile.mkstemp(dir=deaths)
        os.close(fd)
        os._exit(1)
    return block.X.sum(axis=0), float(block.X.shape[0])


@pytest.mark.parametrize("direct", [False, True])
def test_group_task_that_kills_its_worker_fails_at_once_naming_its_files(
    client, parquet_dir, data, tmp_path, direct
):
    """A persisted backend reduces its partitions one task per worker; the
    block of partition 2 kills its worker. The scheduler gives up on that
    group's task after ``allowed_failures`` + 1 = 2 deaths and the evaluation
    raises a PartitionError naming the group's partitions and files at once:
    no per-partition rerun, which would kill two more workers. With direct
    calls to the workers, the direct call kills one worker first, then the
    group tasks at most two (the scheduler blames every task running on a
    dying worker: a task reloading a partition the first death lost may be
    the one that reaches ``allowed_failures`` first)."""
    X, _ = data
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True, timeout=120
    )
    backend.direct_calls = direct
    deaths = tmp_path / "deaths"
    deaths.mkdir()
    marker = X[2 * N // PARTS, 0]
    fn = functools.partial(_sums_or_kill, marker=marker, deaths=str(deaths))
    with pytest.raises(PartitionError) as info:
        backend.map_reduce(fn)
    # with direct calls, the handler was installed: the call ran before the tasks
    assert backend._direct_ready or not direct
    assert len(os.listdir(deaths)) in ((3, 2) if direct else (2,))
    error = info.value
    assert 2 in error.partitions and set(error.partitions) <= set(range(PARTS))
    for i, path in zip(error.partitions, error.paths, strict=True):
        assert path.endswith(f"part-{i}.parquet") and path in str(error)
        assert re.search(rf"partitions? \[?[0-9, ]*\b{i}\b", str(error))
    assert "killed the worker running it 2 times" in str(error)
    assert "checkpoint" in str(error)


def _column_sums(block):
    return block.X.sum(axis=0), float(block.X.shape[0])


def test_partitions_lost_with_every_worker_are_reloaded_on_new_ones(parquet_dir):
    """Both workers restart at once (new addresses): the persisted partitions
    are reloaded on the new workers and the pass gives the same sums. The
    loading tasks' placement on the first workers was cleared once they
    were loaded; kept, the reloads would wait for workers that are gone.
    A cluster of its own: the module's has lost workers to the tests that
    kill them, and may still be bringing one back."""
    with local_dask_client() as client:
        client.wait_for_workers(2, timeout=60)
        backend = Dask.from_parquet(
            parquet_dir, target="label", client=client, persist=True, timeout=60
        )
        before = backend.map_reduce(_column_sums)
        old = set(client.scheduler_info()["workers"])
        client.restart_workers(sorted(old), timeout=120)
        client.wait_for_workers(2, timeout=60)
        assert not set(client.scheduler_info()["workers"]) & old
        again = backend.map_reduce(_column_sums)
    for u, v in zip(again, before, strict=True):
        np.testing.assert_array_equal(u, v)


# -- D09: memory pressure -----------------------------------------------------------
def test_partition_beyond_the_memory_limit_is_a_named_memory_error(client, data):
    """Partition 1 needs more memory than the workers' 400 MiB limit: the nanny
    restarts each worker that runs it; the fit fails with a WorkerMemoryError
    (a MemoryError) naming the partition, not with a bare KilledWorker (nor
    naming only a partition whose task waited behind it on the dying workers)."""
    # the nanny's restarts take seconds each on a loaded machine: the timeout only
    # has to outlast them (the named error, not a timeout, is what is checked)
    t0 = time.monotonic()
    with pytest.raises(
        WorkerMemoryError, match=r"partition 1 \(part-1\.bin\).*memory"
    ) as info:
        _dask_with_block(data, 1, _hungry_block, 500, client=client, timeout=180)
    assert time.monotonic() - t0 < 170
    assert 1 in info.value.partitions


def test_paused_workers_fail_the_fit_with_a_memory_error(client, data):
    """Every worker paused at its memory limit: no task can run; the scan fails
    after ``cluster_timeout`` with a WorkerMemoryError naming the workers, and
    the cluster works again once memory is available."""
    X, y = data
    Xd, yd = da.from_array(X, chunks=(1000, P)), da.from_array(y, chunks=1000)
    _set_worker_memory_limit(client, 0.87)  # above pause (80 %), below terminate
    try:
        _wait_for_status(client, "paused")
        t0 = time.monotonic()
        with pytest.raises(WorkerMemoryError, match="paused at its memory limit"):
            Dask(Xd, yd, client=client, cluster_timeout=2)
        assert time.monotonic() - t0 < 15
    finally:
        _set_worker_memory_limit(client, None)
    _wait_for_status(client, "running")
    assert Dask(Xd, yd, client=client).n_samples == N


def test_spilling_workers_complete_with_the_same_coefficients(
    client, parquet_dir, clean_fits
):
    """Workers above their spill threshold move the persisted partitions to disk
    and read them back each pass: the fit completes with the fault-free result."""
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True, timeout=60
    )
    try:
        # The limit follows the workers' resident memory, which moves (garbage
        # collection, a loaded machine): it is set again each second until every
        # persisted partition is on disk.
        deadline = time.monotonic() + 40
        while sum(client.run(_spilled).values()) < PARTS:
            assert time.monotonic() < deadline, "the workers did not spill"
            _set_worker_memory_limit(client, 0.74)  # above spill (70 %), below pause
            time.sleep(1.0)
        reads = sum(client.run(_disk_reads).values())
        model = LogisticRegression(solver="newton").fit(backend, None)
        assert sum(client.run(_disk_reads).values()) > reads
    finally:
        _set_worker_memory_limit(client, None)
    np.testing.assert_array_equal(model.coef_, clean_fits["newton"].coef_)


def _spilled(dask_worker) -> int:
    """Keys a worker holds on disk."""
    return len(dask_worker.data.slow)


def _disk_reads(dask_worker) -> float:
    return dask_worker.data.cumulative_metrics["disk-read", "count"]


# -- D04 / D05: deadlines -------------------------------------------------------------
def _slow_block(X: np.ndarray, release: str) -> np.ndarray:
    """The rows, once the file ``release`` exists (at most 30 s)."""
    deadline = time.monotonic() + 30
    while not os.path.exists(release) and time.monotonic() < deadline:
        time.sleep(0.02)
    return X


def test_evaluation_past_its_timeout_names_the_partitions(client, data, tmp_path):
    release = tmp_path / "release"
    t0 = time.monotonic()
    try:
        with pytest.raises(EvaluationTimeoutError, match=r"timeout=0.5 s.*part-3\.bin"):
            _dask_with_block(
                data, 3, _slow_block, str(release), client=client, timeout=0.5
            )
        assert time.monotonic() - t0 < 10
    finally:
        release.touch()  # frees the worker still running the task
    assert issubclass(EvaluationTimeoutError, TimeoutError)


def test_cluster_without_workers_fails_after_cluster_timeout(data):
    X, y = data
    with _local_cluster(n_workers=0) as empty, distributed.Client(empty) as c:
        t0 = time.monotonic()
        with pytest.raises(DaskClusterError, match="no workers for 1 s"):
            Dask(da.from_array(X), da.from_array(y), client=c, cluster_timeout=1)
        assert time.monotonic() - t0 < 10


# -- D05: scheduler loss ----------------------------------------------------------------
def test_scheduler_loss_fails_fast_and_the_fit_resumes_elsewhere(
    cluster, parquet_dir, clean_fits, tmp_path
):
    """The scheduler of a 2-worker LocalCluster closes during a Newton fit with
    a checkpoint: the fit fails at once with a SchedulerLostError naming the
    scheduler and the remedy; resuming on another cluster from the checkpoint
    gives the uninterrupted result, bitwise."""
    ckpt = tmp_path / "fit.ckpt"
    doomed = _local_cluster()
    address = doomed.scheduler_address
    closed: list[float] = []

    def close_scheduler(info):
        if info["pass"] == 4 and not closed:
            closed.append(time.monotonic())
            threading.Timer(0.02, doomed.sync, (doomed.scheduler.close,)).start()

    try:
        with distributed.Client(doomed) as c:
            backend = Dask.from_parquet(
                parquet_dir, target="label", client=c, progress=close_scheduler
            )
            with pytest.raises(SchedulerLostError) as info:
                LogisticRegression(solver="newton").fit(backend, None, checkpoint=ckpt)
            assert time.monotonic() - closed[0] < 10
    finally:
        _close_orphaned(doomed)
    message = str(info.value)
    assert address in message and "checkpoint" in message
    assert isinstance(info.value, ConnectionError)
    with distributed.Client(cluster) as other:
        resumed = LogisticRegression(solver="newton").fit(
            Dask.from_parquet(parquet_dir, target="label", client=other),
            None,
            checkpoint=ckpt,
        )
    np.testing.assert_array_equal(resumed.coef_, clean_fits["newton"].coef_)


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")
def test_silent_scheduler_fails_after_cluster_timeout(data):
    """A scheduler process that stops answering (SIGSTOP: the connection stays
    open, nothing comes back) fails the evaluation after ``cluster_timeout``,
    where ``distributed`` alone would wait forever."""
    from distributed.deploy.subprocess import SubprocessCluster

    X, y = data
    Xd, yd = da.from_array(X, chunks=(1000, P)), da.from_array(y, chunks=1000)
    with (
        SubprocessCluster(
            n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=50
        ) as sub,
        distributed.Client(sub) as c,
    ):
        c.wait_for_workers(1, timeout=60)
        backend = Dask(Xd, yd, client=c, cluster_timeout=2)
        pid = sub.scheduler.process.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            t0 = time.monotonic()
            with pytest.raises(SchedulerLostError, match="has not answered for 2 s"):
                LogisticRegression(solver="newton").fit(backend, None)
            assert time.monotonic() - t0 < 15
        finally:
            os.kill(pid, signal.SIGCONT)


def test_memory_error_of_a_group_task_names_every_partition(monkeypatch):
    """A task that reduced several partitions and ran its workers out of
    memory raises a WorkerMemoryError whose ``partitions`` are the group's,
    as a PartitionError's are (``partition`` is None: no single culprit)."""
    from logistic.backends._dask_faults import ClusterRun

    run = ClusterRun(
        types.SimpleNamespace(scheduler=types.SimpleNamespace(address="inproc://x")),
        part_names=[f"part-{i}.bin" for i in range(4)],
    )
    monkeypatch.setattr(run, "_memory_restarts", lambda: ["worker w1: 2 GiB"])
    killed = types.SimpleNamespace(allowed_failures=1)
    err = run.killed_error([[1, 3]], killed)
    assert isinstance(err, WorkerMemoryError)
    assert err.partition is None and err.partitions == (1, 3)
    assert err.paths == ("part-1.bin", "part-3.bin")
    assert str(err).startswith(
        "the task reducing partitions [1, 3] (part-1.bin, part-3.bin) ran Dask "
        "workers out of memory: 1 worker(s) were restarted"
    )
    one = run.killed_error([[2]], killed)
    assert one.partition == 2 and one.partitions == (2,)
    assert one.paths == ("part-2.bin",)
    # the attributes survive pickling (a Dask error may cross processes)
    for error in (err, one, run.killed_error([[1, 3]], killed)):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert (back.partition, back.partitions, back.paths) == (
            error.partition,
            error.partitions,
            error.paths,
        )


class KilledWorker(Exception):
    """Stands in for ``distributed.scheduler.KilledWorker`` (known by its name)."""

    allowed_failures = 1


def test_every_partition_given_up_on_is_a_suspect(monkeypatch):
    """The scheduler gave up on the tasks of partitions 0 and 2 (a worker's
    death counts against every task it held, one waiting behind the culprit
    too) and partition 3's raised: the error names 0 and 2, not the first
    alone, which may be innocent; a single one is named alone."""
    from logistic.backends._dask_faults import ClusterRun
    from logistic.backends._dask_scan import raise_first_problem

    names = [f"part-{i}.bin" for i in range(4)]
    run = ClusterRun(
        types.SimpleNamespace(scheduler=types.SimpleNamespace(address="inproc://x")),
        part_names=names,
    )
    monkeypatch.setattr(run, "_memory_restarts", lambda: [])
    err = run.partition_error({2: KilledWorker(), 0: KilledWorker(), 3: OSError()})
    assert type(err) is PartitionError
    assert err.partitions == (0, 2) and err.partition == -1 and err.path is None
    assert err.paths == ("part-0.bin", "part-2.bin")
    assert str(err).startswith(
        "partition 0 (part-0.bin) or partition 2 (part-2.bin) killed the worker "
        "running it 2 times (allowed-failures=1; KilledWorker; partitions [3] "
        "failed too). The scheduler gave up on the task of each: a dying worker's "
        "death counts against every task it held, so one of them is the cause. "
        "The worker process died"
    )
    one = run.partition_error({2: KilledWorker(), 3: OSError()})
    assert one.partition == 2 and one.partitions == (2,) and one.path == "part-2.bin"
    assert one.paths == ("part-2.bin",)
    assert str(one).startswith("partition 2 (part-2.bin): its task killed")
    raised = run.partition_error({1: OSError("unreadable"), 2: KilledWorker()})
    assert raised.partition == 1 and "partitions [2] failed too" in str(raised)
    # the scan's outcomes: the same suspects, partitions 1 and 3
    monkeypatch.setattr(run, "_memory_restarts", lambda: ["w1: 500 MiB resident"])
    ok = {"problem": None, "n": 10}
    outcomes = [ok, KilledWorker(), ok, KilledWorker()]
    with pytest.raises(WorkerMemoryError) as info:
        raise_first_problem(outcomes, run, names, None)
    assert info.value.partitions == (1, 3) and info.value.partition is None
    assert str(info.value).startswith(
        "partition 1 (part-1.bin) or partition 3 (part-3.bin) ran Dask workers out "
        "of memory: 1 worker(s) were restarted"
    )
    assert info.value.paths == ("part-1.bin", "part-3.bin")
    assert "(allowed-failures=1). The scheduler gave up on the task of each" in (
        str(info.value)
    )


def test_group_tasks_given_up_on_are_all_suspects(monkeypatch):
    """Of three group tasks (partitions 0-1, 2-3, 4-5) the scheduler gave up
    on the first and the third: a PartitionError naming all four of their
    partitions, why several, and no per-partition rerun (None)."""
    from logistic.backends._dask_faults import ClusterRun

    class Done:
        def __init__(self, exc=None):
            self.status = "error" if exc else "finished"
            self._exc = exc

        def exception(self):
            return self._exc

    client = types.SimpleNamespace(
        status="running",
        scheduler=types.SimpleNamespace(address="inproc://x"),
        sync=lambda *args, **kwargs: None,  # the round trip (ClusterRun._failures)
    )
    run = ClusterRun(client, part_names=[f"part-{i}.bin" for i in range(6)])
    futures = [Done(KilledWorker()), Done(), Done(KilledWorker())]
    members = [[0, 1], [2, 3], [4, 5]]
    monkeypatch.setattr(
        run, "_submit_calls", lambda plan, held: (members, futures, None)
    )
    monkeypatch.setattr(run, "_wait", lambda *args, **kwargs: None)
    monkeypatch.setattr(run, "_cancel", lambda futures: None)
    monkeypatch.setattr(run, "_memory_restarts", lambda: [])
    with pytest.raises(PartitionError) as info:
        run.compute_groups(lambda: None, "Dask evaluation 1")
    assert info.value.partitions == (0, 1, 4, 5)
    assert info.value.partition == -1 and info.value.path is None
    assert info.value.paths == ("part-0.bin", "part-1.bin", "part-4.bin", "part-5.bin")
    assert str(info.value).startswith(
        "one of the tasks reducing partitions [0, 1] (part-0.bin, part-1.bin) "
        "and [4, 5] (part-4.bin, part-5.bin) killed the worker running it 2 times "
        "(allowed-failures=1; KilledWorker). The scheduler gave up on each of "
        "those 2 tasks: a dying worker's death counts against every task it held, "
        "so one of them is the cause. The worker"
    )


def test_failures_are_read_again_after_a_round_trip_on_the_client_loop():
    """The scheduler reports a death's tasks in one batch, handled on the
    client's event loop: the wait may see the first error before the second
    lands. Seeing a KilledWorker, ``_failures`` makes one round trip on that
    loop (here: the second error lands during it) and reads them again."""
    from logistic.backends._dask_faults import ClusterRun

    class Task:
        def __init__(self, exc=None):
            self.status = "error" if exc else "pending"
            self._exc = exc

        def exception(self):
            return self._exc

    first, second = Task(KilledWorker()), Task()

    def round_trip(*args, **kwargs):
        second.status, second._exc = "error", KilledWorker()

    client = types.SimpleNamespace(
        scheduler=types.SimpleNamespace(address="inproc://x"), sync=round_trip
    )
    failed = ClusterRun(client)._failures([first, Task(), second])
    assert sorted(failed) == [0, 2]
    # without a KilledWorker: read once, no round trip
    calls = []
    client.sync = lambda *args, **kwargs: calls.append(args)
    assert ClusterRun(client)._failures([Task(), Task(OSError())]).keys() == {1}
    assert calls == []
