"""Grouped Dask evaluations by direct calls to the workers, without tasks.

Convention (owned here): where the client surely reaches the workers
(:func:`logistic.backends._dask_fetch.direct_gather`) and every partition is
persisted on a known worker, an evaluation does not submit its group tasks.
It still asks the scheduler where the partitions are (the same request and
grouping rule, which also shows the scheduler alive), then calls, for each
group, the ``logistic_reduce_v1`` handler (:data:`HANDLER`) of the worker
holding it (installed once per cluster by the :class:`DirectReduce` worker
plugin) with the block function, the group's partitions and their keys. The
worker reads the partitions from its memory (or its spill directory), runs
:func:`logistic.backends._dask_tasks.partitions_reduce` on one of its
threads and answers with the packed sums: one round trip a group (a worker
thread's share of the partitions), no message through the scheduler,
nothing left in the workers' memory. A group task runs the same function on
the same partitions, so the sums are bitwise those of the task path.

A call is *declined* (the worker is not running, e.g. paused at its memory
limit; a partition is no longer in its memory; the function raised; the
connection failed, e.g. the worker died) and the evaluation then runs as
group tasks (:meth:`logistic.backends._dask_faults.ClusterRun.compute_groups`)
within what remains of its ``timeout``: their failure handling (a partition
named, lost partitions recomputed from their lineage, a task that kills its
worker) applies unchanged. A function that kills its worker therefore kills
one worker in its direct call before the tasks' ``allowed-failures`` + 1.
A declined evaluation does not stop the calls still running on other
workers (their answers are dropped; the tasks may queue behind them), as a
task already running is not stopped either. A call whose worker the
scheduler no longer lists (removed, e.g. past its time-to-live, but not
killed) is declined at the wait's next look at the cluster.
While the calls run, the wait is the tasks' wait: ``timeout`` names the
partitions of the unanswered calls, and a scheduler silent, or a cluster
without a running worker, for ``cluster_timeout`` raises as for tasks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import CancelledError
from functools import partial
from typing import Any

import numpy as np
from distributed.core import Status
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.protocol import pickle as dask_pickle
from distributed.protocol import to_serialize

from ._dask_locality import Group
from ._dask_tasks import partitions_reduce
from ._wake import Wake

__all__ = [
    "HANDLER",
    "DirectReduce",
    "compute_direct",
    "group_payload",
    "install",
    "realigned",
]

#: Version of the direct call (the payload's layout and the reply's): in the
#: handler's and the plugin's names, so that a cluster shared with another
#: release of this library holds both handlers instead of the first
#: installed, whose calls the other would decline every pass.
PROTOCOL = 1
#: The worker handler :class:`DirectReduce` installs.
HANDLER = f"logistic_reduce_v{PROTOCOL}"


class DirectReduce(WorkerPlugin):
    """Installs the :data:`HANDLER` handler on each worker (registered once
    per cluster by :func:`install`; workers that join later get it from the
    scheduler)."""

    name = f"logistic-direct-reduce-v{PROTOCOL}"
    idempotent = True

    def setup(self, worker: Any) -> None:
        worker.handlers[HANDLER] = _Handler(worker).logistic_reduce

    def teardown(self, worker: Any) -> None:
        worker.handlers.pop(HANDLER, None)


class _Handler:
    def __init__(self, worker: Any) -> None:
        self.worker = worker

    async def logistic_reduce(self, comm: Any, payload: bytes) -> dict[str, Any]:
        """``partitions_reduce(fn, indices, *meta, *pieces, first_blocks=...)``
        of the partitions whose keys ``payload`` names, on a worker thread
        (the event loop stays free for heartbeats and transfers); a piece
        stored unaligned is replaced by its aligned copy (:func:`realigned`)."""
        worker = self.worker
        if worker.status != Status.running:
            return {"status": "declined", "why": f"worker {worker.status.name}"}
        fn, indices, meta, keys, first_blocks = dask_pickle.loads(payload)
        flat = [k for ks in keys for k in ks]
        try:  # read on the loop, as the worker reads a task's inputs
            pieces = [None if k is None else worker.data[k] for k in flat]
        except KeyError as exc:
            return {"status": "declined", "why": f"not in memory: {exc}"}
        loop = asyncio.get_running_loop()
        call = partial(_reduce_aligned, fn, indices, meta, pieces, first_blocks)
        try:
            packed, copies = await loop.run_in_executor(
                worker.executors["default"], call
            )
        except Exception as exc:  # noqa: BLE001 - the tasks' rerun names it
            return {"status": "declined", "why": f"{type(exc).__name__}: {exc}"}
        _store_copies(worker.data, flat, pieces, copies)
        return {"status": "OK", "result": to_serialize(packed)}


def realigned(v: Any) -> np.ndarray | None:
    """An aligned copy of ``v`` when it is a numpy array whose data are not
    aligned for its dtype (else None).

    A persisted partition that reached its worker over the network (a
    loading task stolen by the other worker, a scan task run away from its
    data, a replica the cluster kept) is deserialized at any byte offset:
    :func:`logistic.backends._dask_tasks.as_numpy` then copies it, to keep
    the sums bitwise, on every pass (a dense1m partition: 40 MB and ~570
    page faults a pass, 32-276 ms against 2-3 ms for an aligned one). The
    copy is made once and stored in its place instead: the same values, so
    the same sums."""
    if isinstance(v, np.ndarray) and not v.flags.aligned:
        return np.array(v, order="K", copy=True)
    return None


def _reduce_aligned(
    fn: Any,
    indices: list[int],
    meta: Sequence[Any],
    pieces: list[Any],
    first_blocks: Sequence[int] | None,
) -> tuple[Any, dict[int, np.ndarray]]:
    """The packed sums of ``pieces`` (unaligned ones replaced by their
    :func:`realigned` copies) and those copies by position."""
    copies = {}
    for i, v in enumerate(pieces):
        c = realigned(v)
        if c is not None:
            copies[i] = c
    used = [copies.get(i, v) for i, v in enumerate(pieces)]
    return partitions_reduce(
        fn, indices, *meta, *used, first_blocks=first_blocks
    ), copies


def _store_copies(
    data: Any, keys: list[Any], pieces: list[Any], copies: dict[int, np.ndarray]
) -> None:
    """Stores each aligned copy under its key (on the event loop, where the
    worker writes its data), unless the key changed or left meanwhile."""
    for i, copy in copies.items():
        try:
            if data[keys[i]] is pieces[i]:
                data[keys[i]] = copy
        except KeyError:  # released meanwhile: nothing to replace
            continue


def install(client: Any, timeout: float | None) -> bool:
    """Register :class:`DirectReduce` on ``client``'s cluster; False when the
    scheduler or a worker refused it or did not answer within ``timeout``."""
    register = getattr(client, "_register_worker_plugin", None)
    if register is None:  # pragma: no cover - other distributed versions
        return False
    try:
        client.sync(
            register, DirectReduce(), DirectReduce.name, True, callback_timeout=timeout
        )
    except Exception:  # noqa: BLE001 - no direct calls then; tasks as before
        return False
    return True


class _Call:
    """One direct call, with the ``status`` a task's future would have
    (``pending``, ``finished``, ``error``), for the tasks' wait."""

    __slots__ = ("status", "value", "task", "worker_address", "loop")

    def __init__(self, worker_address: str, loop: Any) -> None:
        self.status = "pending"
        self.value: Any = None
        self.task: Any = None  # the loop keeps only a weak reference
        self.worker_address = worker_address  # read by the wait
        self.loop = loop

    def abandon(self) -> None:
        """Cancels the call (from any thread): declined by the wait."""
        if self.task is not None:
            self.loop.add_callback(self.task.cancel)


async def _call(client: Any, address: str, payload: bytes, out: _Call) -> None:
    try:
        reply = await getattr(client.rpc(address), HANDLER)(payload=payload)
    except Exception:  # noqa: BLE001 - declined: the tasks rerun the pass
        reply = None
    if out.status != "pending":  # declined by the wait meanwhile
        return
    if isinstance(reply, dict) and reply.get("status") == "OK":
        out.value, out.status = reply["result"], "finished"
    else:
        out.status = "error"


def compute_direct(
    run: Any,
    groups: Callable[[], Awaitable[list[Group] | None]],
    payload: Callable[[list[int]], bytes],
    label: str,
) -> tuple[list[list[int]], list[Any]] | None:
    """The groups' partitions and packed sums by direct calls (module
    docstring), or None when the evaluation should run as group tasks: no
    grouping, a partition without a known worker, or a declined call.

    ``run``: the evaluation's ``ClusterRun`` (its client, ``timeout``,
    ``cluster_timeout`` and wait); ``groups()``: awaited on the client's
    event loop; ``payload(indices)``: the pickled call for a group."""
    client = run.client
    if client.status != "running":
        return None
    wake = Wake()  # set from the event loop: no lock a Ctrl-C can hold

    async def on_loop() -> tuple[list[list[int]], list[_Call]] | None:
        planned = await groups()
        if planned is None or any(address is None for address, _ in planned):
            return None
        calls = []
        for address, idx in planned:
            call = _Call(str(address), client.loop)
            call.task = asyncio.ensure_future(
                _call(client, str(address), payload(idx), call)
            )
            call.task.add_done_callback(lambda _: wake.set())
            calls.append(call)
        return [idx for _, idx in planned], calls

    try:
        started = client.sync(on_loop, callback_timeout=run.cluster_timeout)
    except (CancelledError, OSError, TimeoutError):
        return None  # the tasks' path reports what became of the cluster
    if started is None:
        return None
    members, calls = started
    run.wait_calls(calls, label, members, wake, partial(decline_departed, calls))
    if any(c.status != "finished" for c in calls):
        return None
    return members, [c.value for c in calls]


def decline_departed(calls: list[_Call], info: dict[str, Any] | None) -> bool:
    """Declines (``error``) and cancels each pending call whose worker the
    scheduler no longer lists (``info``: its ``identity`` answer, None when
    it did not answer: nothing declined): a worker removed but not killed
    (no nanny) would keep its call open until the ``timeout``. Whether any
    was."""
    if info is None:
        return False
    workers = info.get("workers", {})
    gone = [
        c for c in calls if c.status == "pending" and c.worker_address not in workers
    ]
    for c in gone:
        c.status = "error"
        c.abandon()
    return bool(gone)


def group_payload(
    fn: Any,
    meta: Sequence[Any],
    futures: Sequence[Sequence[Any]],
    first_blocks: Sequence[int] | None,
    indices: list[int],
) -> bytes:
    """The pickled call of one group: ``fn``, the partitions ``indices``,
    ``meta`` (dtype, target, classes, chunk rows), the keys of their pieces
    (``futures[i]``: partition ``i``'s persisted pieces, None where absent)
    and every partition's first block index (or None)."""
    keys = [[None if f is None else f.key for f in futures[i]] for i in indices]
    return bytes(dask_pickle.dumps((fn, indices, tuple(meta), keys, first_blocks)))
