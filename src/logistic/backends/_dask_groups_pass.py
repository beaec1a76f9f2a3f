"""One grouped Dask evaluation: the partitions persisted on each worker
reduced by one direct call or one task per worker thread.

The grouping rule is :mod:`._dask_locality`'s; the direct calls are
:mod:`._dask_direct`'s (where the client reaches the workers), the group
tasks :meth:`._dask_faults.ClusterRun.compute_groups`' (elsewhere, or when a
direct call was declined).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ._dask_faults import ClusterRun, Planned
from ._dask_locality import Group, worker_groups_on_loop
from ._dask_tasks import partitions_reduce, unpack_sums

__all__ = ["reduce_groups"]


def reduce_groups(
    backend: Any, fn: Callable[..., Any], first: list[int] | None, run: ClusterRun
) -> list[Any] | None:
    """The partitions' ``(index, n_rows, sum)`` of ``backend`` (a
    :class:`logistic.backends.dask.Dask`) from one direct call or task per
    worker thread, or None when the partitions are not persisted on a
    distributed cluster, the scheduler did not say where they are, or a task
    raised (the caller then runs one task per partition, which names a
    failed partition). ``first``: each partition's first global block index
    (None: ``fn(block)``). Sets the backend's ``tasks_per_pass`` and
    ``_packed`` (the groups' packed sums) and releases or keeps its
    ``_held`` results."""
    client = run.client if backend.group_by_worker else None
    futures = backend._futures
    if client is None or futures is None:
        return None
    meta = (backend.dtype, backend.target, backend.classes_, backend.chunk_rows)
    label = f"Dask evaluation {backend.n_passes + 1}"

    async def grouped() -> list[Group] | None:
        return await worker_groups_on_loop(
            client, futures, run.poll, backend.partition_rows
        )

    async def plan() -> Planned | None:
        groups = await grouped()
        if groups is None:
            return None
        calls = []
        for address, idx in groups:
            pieces = (v for i in idx for v in futures[i])
            kwargs: dict[str, Any] = {"first_blocks": first}
            if address is not None:  # loosely: elsewhere when the worker is gone
                kwargs.update(workers=[address], allow_other_workers=True)
            calls.append((partitions_reduce, (fn, idx, *meta, *pieces), kwargs))
        return [idx for _, idx in groups], calls

    direct, out = backend._direct_calls(client), None
    if direct is not None:
        call = partial(direct.group_payload, fn, meta, futures, first)
        out = direct.compute_direct(run, grouped, call, label)
        if out is not None:
            backend._held.clear()  # the last task pass's results: released
    if out is None:  # held until the next submit, unless _map finds them large
        out = run.compute_groups(plan, label, backend._held, resume=bool(direct))
    if out is None:
        return None
    members, packed = out
    backend.tasks_per_pass = len(members)
    backend._packed = packed
    return [r for group in packed for r in unpack_sums(group)]
