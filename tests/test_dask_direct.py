"""Grouped Dask passes by direct calls to the workers (``_dask_direct``).

A direct pass submits no task and gives the sums of the group tasks bitwise;
the workers' handler declines (and the pass runs as tasks) when the worker
is not running, a partition is not in its memory or the function raised;
a worker that joins later gets the handler too. One module-scoped cluster
(2 worker processes, 1 thread each) for the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import time
import types
from functools import partial

import numpy as np
import pytest

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from distributed.core import Status  # noqa: E402
from distributed.protocol import pickle as dask_pickle  # noqa: E402

from conftest import (  # noqa: E402
    local_dask_client,
    logistic_problem,
    write_parquet_parts,
)
from logistic.backends import _dask_direct  # noqa: E402
from logistic.backends._dask_tasks import (  # noqa: E402
    partitions_reduce,
    unpack_sums,
)
from logistic.backends.dask import Dask  # noqa: E402

N, P, PARTS = 3000, 4, 6


@pytest.fixture(scope="module")
def client():
    with local_dask_client() as c:
        yield c


@pytest.fixture(scope="module")
def data():
    return logistic_problem(17, N)


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, data):
    X, y = data
    return write_parquet_parts(tmp_path_factory.mktemp("direct-pq"), X, y, PARTS)


def _sums(block):
    return block.X.sum(axis=0), float(block.y.sum()), float(block.X.shape[0])


def _indexed(block, i):
    return block.X.sum(axis=0) * (i + 1), float(block.X.shape[0])


def _assert_bitwise(a, b):
    for u, v in zip(a, b, strict=True):
        assert np.asarray(u).tobytes() == np.asarray(v).tobytes()


def test_direct_pass_submits_no_task_and_equals_the_task_pass_bitwise(
    client, parquet_dir, data, monkeypatch
):
    X, y = data
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    backend.direct_calls = False
    tasks = backend.map_reduce(_sums), backend.map_reduce_indexed(_indexed)
    backend.direct_calls = True
    submitted = []
    submit = client.submit
    monkeypatch.setattr(
        client, "submit", lambda *a, **k: submitted.append(a) or submit(*a, **k)
    )
    direct = backend.map_reduce(_sums), backend.map_reduce_indexed(_indexed)
    assert backend._direct_ready is True and submitted == []
    assert backend.tasks_per_pass == 2 and backend._held == []
    for a, b in zip(tasks, direct, strict=True):
        _assert_bitwise(a, b)
    np.testing.assert_allclose(direct[0][0], X.sum(axis=0), rtol=1e-12)
    assert direct[0][1:] == (float(y.sum()), float(N))


def test_a_worker_that_joins_later_has_the_handler(client, parquet_dir):
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    backend.map_reduce(_sums)  # installs the handler
    client.cluster.scale(3)
    client.wait_for_workers(3, timeout=60)
    try:
        has = client.run(
            lambda dask_worker: _dask_direct.HANDLER in dask_worker.handlers
        )
        assert len(has) == 3 and all(has.values())
    finally:
        client.cluster.scale(2)
        client.wait_for_workers(2, timeout=60)


class _FakeWorker:
    """What the handler reads of a worker: status, data, handlers, executors."""

    def __init__(self, data, status=Status.running):
        from concurrent.futures import ThreadPoolExecutor

        self.status = status
        self.data = data
        self.handlers = {}
        self.executors = {"default": ThreadPoolExecutor(1)}


def _handler_reply(worker, fn, keys):
    _dask_direct.DirectReduce().setup(worker)
    meta = (np.float64, None, np.array([0.0, 1.0]), 100)
    payload = dask_pickle.dumps((fn, [0], meta, keys, None))
    handler = worker.handlers[_dask_direct.HANDLER]
    return asyncio.run(handler(None, payload=payload))


def _raising(block):
    raise OSError("unreadable block")


def test_the_worker_handler_reduces_or_declines():
    X, y = logistic_problem(3, 250)
    keys = [["x", "y", None, None]]
    worker = _FakeWorker({"x": X, "y": y})
    reply = _handler_reply(worker, _sums, keys)
    assert reply["status"] == "OK"
    classes = [0.0, 1.0]
    expected = partitions_reduce(
        _sums, [0], np.float64, None, classes, 100, X, y, None, None
    )
    got = unpack_sums(reply["result"].data)[0]
    _assert_bitwise(got[2], unpack_sums(expected)[0][2])

    missing = _handler_reply(_FakeWorker({"x": X}), _sums, keys)
    assert missing["status"] == "declined" and "not in memory" in missing["why"]
    paused = _handler_reply(_FakeWorker({"x": X, "y": y}, Status.paused), _sums, keys)
    assert paused == {"status": "declined", "why": "worker paused"}
    raised = _handler_reply(_FakeWorker({"x": X, "y": y}), _raising, keys)
    assert raised == {"status": "declined", "why": "OSError: unreadable block"}


def _unaligned_copy(a):
    """``a``'s values in an array that starts one byte past an aligned
    address (as an array deserialized from the network may)."""
    buf = np.empty(a.nbytes + 16, dtype=np.uint8)
    out = buf[1 : 1 + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    assert not out.flags.aligned
    return out


def test_an_unaligned_partition_is_stored_aligned_after_one_call():
    """A partition that reached its worker unaligned (e.g. moved by a stolen
    loading task) is copied once, by the first call, and stored aligned in
    its place: later calls read it without a copy, and every call gives the
    sums of the aligned partition bitwise."""
    X, y = logistic_problem(5, 300)
    keys = [["x", "y", None, None]]
    stored = _unaligned_copy(X)
    worker = _FakeWorker({"x": stored, "y": y})
    expected = _handler_reply(_FakeWorker({"x": X, "y": y}), _sums, keys)
    first = _handler_reply(worker, _sums, keys)
    kept = worker.data["x"]
    assert kept is not stored and kept.flags.aligned
    assert kept.tobytes() == X.tobytes() and worker.data["y"] is y
    second = _handler_reply(worker, _sums, keys)
    assert worker.data["x"] is kept  # no second copy
    for reply in (first, second):
        got = unpack_sums(reply["result"].data)[0][2]
        _assert_bitwise(got, unpack_sums(expected["result"].data)[0][2])
    assert _dask_direct.realigned(X) is None


def test_a_declined_call_runs_the_pass_as_tasks(client, parquet_dir, monkeypatch):
    """Every direct call declined (here: the handler answers so): the pass
    runs as group tasks and gives the same sums."""
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    direct = backend.map_reduce(_sums)
    calls = []

    async def declining(client, address, payload, out):
        calls.append(address)
        out.status = "error"

    monkeypatch.setattr(_dask_direct, "_call", declining)
    _assert_bitwise(backend.map_reduce(_sums), direct)
    assert len(calls) == 2 and len(backend._held) == 2  # group tasks ran


def test_a_call_whose_worker_left_the_cluster_is_declined(
    client, parquet_dir, monkeypatch
):
    """A call to a worker the scheduler no longer lists (removed but not
    killed, so its connection stays open) would wait until the timeout; the
    wait's look at the cluster declines it, cancels it, and the pass runs as
    tasks with the same sums."""
    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True, timeout=120
    )
    direct = backend.map_reduce(_sums)
    real_call = _dask_direct._call
    hung = []

    async def one_worker_gone(client, address, payload, out):
        if hung:
            return await real_call(client, address, payload, out)
        out.worker_address = "tcp://127.0.0.1:1"  # not a worker of the cluster
        hung.append("started")
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            hung.append("cancelled")
            raise

    monkeypatch.setattr(_dask_direct, "_call", one_worker_gone)
    _assert_bitwise(backend.map_reduce(_sums), direct)
    assert len(backend._held) == 2  # group tasks ran
    for _ in range(100):  # the cancel runs on the client's loop
        if "cancelled" in hung:
            break
        time.sleep(0.02)
    assert hung == ["started", "cancelled"]


def test_no_direct_calls_where_the_workers_are_not_reachable(
    client, parquet_dir, monkeypatch
):
    from logistic.backends import dask as dask_backend

    backend = Dask.from_parquet(
        parquet_dir, target="label", client=client, persist=True
    )
    monkeypatch.setattr(dask_backend, "direct_gather", lambda client: False)
    backend.map_reduce(_sums)
    assert len(backend._held) == backend.tasks_per_pass == 2  # group tasks ran


def test_group_payload_names_the_group_keys():
    keys = [["a0", "b0"], ["a1", "b1"], ["a2", "b2"]]
    futures = [[types.SimpleNamespace(key=k) for k in row] for row in keys]
    fn = partial(_sums)
    call = dask_pickle.loads(
        _dask_direct.group_payload(fn, (1, 2), futures, None, [0, 2])
    )
    assert call[1:] == ([0, 2], (1, 2), [["a0", "b0"], ["a2", "b2"]], None)
    assert types.FunctionType is type(call[0].func)
