"""Which persisted partitions a Dask evaluation reduces together, in one task.

Convention (owned here): partitions persisted on a distributed cluster are
loaded in contiguous runs, one run per worker in proportion to its threads
(:func:`persist_spread`), so that every worker holds its share of partitions;
once loaded, that placement is cleared (:func:`release_placement`), so a
partition lost with its worker reloads on any running one. An evaluation
then asks the scheduler once where each partition's X is held
(``who_has``) and how many threads each running worker has
(``ncores_running``), and groups the partitions by worker: one task per
worker thread, each reducing a contiguous run (in partition index order) of
that worker's partitions. The task is placed on that worker
(``workers=[address]``, ``allow_other_workers=True``: if the worker is gone it
runs elsewhere and the scheduler recomputes lost inputs from their lineage).
A partition whose data no worker holds at that moment (being recomputed) gets
a task of its own with no placement. The per-pass scheduling cost then grows
with the number of worker threads, not with the number of partitions (20
partitions on 2 workers: 2 tasks instead of 20).

Grouping changes which task computes a partition's sum, never how: every
partition's sum is still computed alone and returned alone, and the client
folds them in partition index order, so the result is bitwise that of one
task per partition.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import CancelledError
from typing import Any

__all__ = [
    "Group",
    "persist_spread",
    "persisted_futures",
    "release_placement",
    "worker_groups",
    "worker_groups_on_loop",
]

#: ``(worker address or None, partition indices)``: one task's partitions.
Group = tuple[str | None, list[int]]


def persist_spread(
    client: Any, parts: Sequence[tuple[Any, ...]], timeout: float | None = None
) -> list[Any]:
    """``client.persist`` of every piece of ``parts`` (None skipped), flat in
    partition order, each worker loading a contiguous run of partitions in
    proportion to its threads (``workers=[address]``,
    ``allow_other_workers=True``: a worker lost later only means its
    partitions are recomputed elsewhere from their lineage), as many at a
    time as it has threads (:func:`_persist_in_turn`).

    Left to Dask, the loading tasks land where a worker is free first: 20
    dense1m partitions on 2 workers came out 11 and 9, and a grouped pass
    then waits for the worker with 10 % more rows. With fewer than two
    workers running (or none answering within ``timeout`` seconds: the
    backend's ``cluster_timeout``), one plain ``persist``, which returns at
    once (the scan that follows then reports a lost scheduler).
    """
    todo = [[v for v in t if v is not None] for t in parts]
    try:
        running = client.sync(client.scheduler.ncores_running, callback_timeout=timeout)
        nthreads = {w: max(1, int(n)) for w, n in running.items()}
    except (TimeoutError, OSError, CancelledError):
        nthreads = {}
    if len(nthreads) < 2 or len(parts) < 2:
        return list(client.persist([v for t in todo for v in t]))
    runs: dict[str, list[int]] = {}
    total = sum(nthreads.values())
    start, threads = 0, 0
    for address in sorted(nthreads):
        threads += nthreads[address]
        stop = round(threads * len(parts) / total)
        runs[address] = list(range(start, stop))
        start = stop
    held = _persist_in_turn(client, todo, runs, nthreads, timeout)
    return [v for t in held for v in t]


def _persist_in_turn(
    client: Any,
    todo: list[list[Any]],
    runs: dict[str, list[int]],
    nthreads: dict[str, int],
    timeout: float | None,
) -> list[list[Any]]:
    """Each partition ``todo[i]`` persisted on the worker whose run holds
    ``i``, each worker given ``nthreads`` partitions at a time and the next
    once one of them is in its memory; the persisted pieces by partition.

    Why: a loading task (no inputs) queued behind others on its worker is
    stolen by a worker that is idle first (``allow_other_workers`` lets it;
    seen in 3 of 4 dense1m setups on 2 local workers). The thief then holds
    the file's decoded pieces while the pieces' own tasks, placed on the
    first worker, fetch them over the network: the partition ends up 11/9,
    or twice, and unaligned (copied on every pass by the reducing task). A
    task already running is never stolen, so no worker is given one more
    than it can run. Where waiting fails (no answer within ``timeout``: a
    slow or lost cluster, which the scan then reports), the partitions not
    yet given are persisted at once (left as they are by a closed client,
    whose scan then reports the lost scheduler)."""
    from distributed import futures_of, wait

    held: list[list[Any]] = [[] for _ in todo]
    queues = {address: list(idx) for address, idx in runs.items()}
    loading: list[tuple[str, list[Any]]] = []

    def give(address: str) -> None:
        i = queues[address].pop(0)
        held[i] = list(
            client.persist(todo[i], workers=[address], allow_other_workers=True)
        )
        loading.append((address, [f for v in held[i] for f in futures_of(v)]))

    for address, queue in queues.items():
        for _ in range(min(nthreads[address], len(queue))):
            give(address)
    while loading and any(queues.values()) and client.status == "running":
        try:
            futures = [f for _, fs in loading for f in fs]
            with client.as_current():  # wait() asks for the default client
                wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except (TimeoutError, OSError, CancelledError):
            break
        done = [(a, fs) for a, fs in loading if all(f.done() for f in fs)]
        loading = [(a, fs) for a, fs in loading if not all(f.done() for f in fs)]
        for address, _ in done:
            if queues[address]:
                give(address)
    for address, queue in queues.items():  # the rest at once
        while queue:
            if client.status == "closed":  # not persisted: the scan names it
                i = queue.pop(0)
                held[i] = list(todo[i])
                continue
            give(address)
    return held


def release_placement(
    client: Any, parts: Sequence[tuple[Any, ...]], timeout: float | None = None
) -> None:
    """Clear the worker restrictions :func:`persist_spread` gave the tasks
    loading ``parts`` (the collections as they were before ``persist``),
    once they are in memory: a partition lost with its worker is then
    recomputed on any running worker. Loose restrictions naming only
    departed workers would leave the tasks waiting for them (``distributed``
    2026.8 does not hand such ``no-worker`` tasks to a worker that joins
    later): with every worker restarted at once, the evaluation would wait
    until its ``timeout``. Keys the scheduler no longer knows are skipped
    (asked first: one request for the keys' states, one that clears the
    known keys; asked again once where a key was forgotten between the two);
    a scheduler that does not answer within ``timeout`` seconds leaves them
    as they are."""
    graphs = {id(g): g for t in parts for v in t if v is not None for g in [v.dask]}
    keys = list({k for g in graphs.values() for k in g})  # one graph often serves all
    if not keys:
        return

    async def clear() -> None:
        for attempt in range(2):
            states = await client.scheduler.get_task_status(keys=keys)
            known = [k for k in keys if states.get(k) is not None]
            if not known:
                return
            try:
                await client.scheduler.set_restrictions(worker=dict.fromkeys(known))
                return
            except KeyError:  # forgotten since: the scheduler stopped at that key
                if attempt:
                    raise

    try:
        client.sync(clear, callback_timeout=timeout)
    except (TimeoutError, OSError, CancelledError, KeyError):
        pass


def persisted_futures(parts: Sequence[tuple[Any, ...]]) -> list[list[Any]] | None:
    """The futures behind persisted partitions (None where a piece is absent),
    or None when a piece is not exactly one future (not persisted, or not on
    a distributed cluster)."""
    try:
        from distributed import futures_of
    except ImportError:  # pragma: no cover - persist needs a scheduler anyway
        return None
    out = []
    for t in parts:
        row: list[Any] = []
        for v in t:
            if v is None:
                row.append(None)
                continue
            futures = futures_of(v)
            if len(futures) != 1:
                return None
            row.append(futures[0])
        out.append(row)
    return out


def worker_groups(
    client: Any,
    futures: Sequence[Sequence[Any]],
    timeout: float,
    rows: Sequence[int] | None = None,
) -> list[Group] | None:
    """The partitions grouped by the worker holding their X (module docstring),
    or None when the scheduler does not answer within ``timeout`` seconds (the
    caller then submits one task per partition, whose wait watches the
    cluster's health).

    A partition held by several workers (a replica, e.g. while Dask moves
    data) goes to the holder with the fewest ``rows`` per thread assigned so
    far (partitions with one holder are assigned first). From a thread other
    than the client's event loop: :func:`worker_groups_on_loop` run there."""
    if client.status != "running":
        return None
    try:
        groups: list[Group] | None = client.sync(
            worker_groups_on_loop, client, futures, timeout, rows
        )
    except (TimeoutError, OSError, CancelledError):
        return None
    return groups


async def worker_groups_on_loop(
    client: Any,
    futures: Sequence[Sequence[Any]],
    timeout: float,
    rows: Sequence[int] | None = None,
) -> list[Group] | None:
    """:func:`worker_groups` awaited on the client's event loop (the same
    request and rule), so that an evaluation asks and submits in one visit
    to the loop."""
    import asyncio

    keys = [f[0].key for f in futures]
    if client.status != "running":
        return None
    try:
        who, nthreads = await asyncio.wait_for(_placement(client, keys), timeout)
    except (TimeoutError, asyncio.TimeoutError, OSError, CancelledError):
        return None
    return _grouped(keys, who, nthreads, rows)


async def _placement(client: Any, keys: list[Any]) -> tuple[Any, Any]:
    """The scheduler's ``who_has`` of ``keys`` and its running workers'
    threads, both requests sent at once (one round trip, not two)."""
    import asyncio

    who, nthreads = await asyncio.gather(
        client.scheduler.who_has(keys=keys), client.scheduler.ncores_running()
    )
    return who, nthreads


def _grouped(
    keys: list[Any],
    who: dict[Any, list[str]],
    nthreads: dict[str, int],
    rows: Sequence[int] | None,
) -> list[Group]:
    """The grouping rule of :func:`worker_groups` on the scheduler's answer."""
    size_of = (lambda i: 1) if rows is None else (lambda i: max(1, rows[i]))
    holders = [sorted(w for w in who.get(key, ()) if w in nthreads) for key in keys]
    load = {w: 0.0 for w in nthreads}
    by_worker: dict[str, list[int]] = {}
    groups: list[Group] = []
    for i in sorted(range(len(keys)), key=lambda i: len(holders[i]) != 1):
        if not holders[i]:
            groups.append((None, [i]))
            continue
        w = min(holders[i], key=lambda w: (load[w] / max(1, nthreads[w]), w))
        load[w] += size_of(i)
        by_worker.setdefault(w, []).append(i)
    for address, indices in by_worker.items():
        indices.sort()
        n = max(1, min(len(indices), int(nthreads.get(address, 1))))
        size, extra = divmod(len(indices), n)
        start = 0
        for k in range(n):
            stop = start + size + (k < extra)
            groups.append((address, indices[start:stop]))
            start = stop
    return sorted(groups, key=lambda g: g[1][0])
