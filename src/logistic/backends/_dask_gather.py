"""Rows of chosen grid blocks of a Dask backend, copied to the client.

Newton's subsample start on Dask (:mod:`logistic._block_sample`) asks for a
few blocks of the grid of :meth:`logistic.backends.dask.Dask.map_reduce_indexed`
(blocks of ``chunk_rows`` rows within each partition, numbered across
partitions in order): one task per partition that holds any of them, placed
where the partition lives when it is persisted, returns copies of every
``step``-th row of its wanted blocks, labels already in {0, 1}. Only those
rows travel (about the start's row count), fetched from the workers directly;
partitions without a wanted block are not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._exceptions import IntegrityError
from .._labels import encode
from .._typing import Block
from ._dask_fetch import direct_gather
from ._dask_tasks import partition_arrays


def partition_blocks(
    index: int,
    meta: tuple[Any, Any, Any, int],
    pieces: tuple[Any, Any, Any, Any],
    local: Sequence[int],
    step: int = 1,
) -> list[Block]:
    """Copies of every ``step``-th row of the partition's blocks ``local``
    (block numbers within the partition); ``meta``: the backend's dtype,
    target column, classes and ``chunk_rows``; ``pieces``: the partition's
    X, y, sample_weight and offset."""
    dtype, target, classes, chunk_rows = meta
    X, y, w, o = partition_arrays(index, dtype, *pieces, target)
    y01 = encode(y, classes, dtype=X.dtype, checked=True)
    out = []
    for j in local:
        sl = slice(j * chunk_rows, min((j + 1) * chunk_rows, X.shape[0]), step)
        out.append(
            Block(
                X[sl].copy(),
                y01[sl].copy(),
                None if w is None else w[sl].copy(),
                None if o is None else o[sl].copy(),
            )
        )
    return out


def block_places(
    first_blocks: Sequence[int], n_blocks: int, indices: Sequence[int]
) -> list[tuple[int, int]]:
    """``(partition, block number within it)`` of each global block index
    (``first_blocks``: each partition's first global block, ``n_blocks``: the
    grid's blocks in all)."""
    import bisect

    places = []
    for g in indices:
        if not 0 <= g < n_blocks:
            raise ValueError(f"block index {g} is outside the grid of {n_blocks}")
        i = bisect.bisect_right(first_blocks, g) - 1
        places.append((i, g - first_blocks[i]))
    return places


def gather_blocks(
    backend: Any, indices: Sequence[int], step: int
) -> list[Block] | None:
    """The blocks ``indices`` of the backend's grid (every ``step``-th row),
    in the order given, from one task per partition holding any of them; None
    when a task failed (the caller goes on without them: the next pass meets
    the same failure and names its partition)."""
    import dask

    places = block_places(backend.first_blocks(), len(backend.grid_rows()), indices)
    wanted: dict[int, list[int]] = {}
    for i, j in places:
        wanted.setdefault(i, []).append(j)
    parts = sorted(wanted)
    meta = (backend.dtype, backend.target, backend.classes_, backend.chunk_rows)
    tasks = [
        dask.delayed(partition_blocks, pure=False)(
            i, meta, tuple(backend.parts[i]), wanted[i], step
        )
        for i in parts
    ]
    results = _compute(backend, tasks)
    if results is None:
        return None
    found = {
        (i, j): block
        for i, blocks in zip(parts, results, strict=True)
        for j, block in zip(wanted[i], blocks, strict=True)
    }
    return [found[place] for place in places]


def _compute(backend: Any, tasks: list[Any]) -> list[Any] | None:
    """The tasks' results; with a distributed client fetched from the workers
    directly where the client reaches them (:func:`._dask_fetch.direct_gather`:
    through the scheduler, 16 MiB of dense1m rows took 2.5-3 times as long;
    through a tunnel to remote workers a direct fetch would retry without
    end), waited for at most the backend's ``timeout``
    (else ``cluster_timeout``). None when a task failed or the wait ran out:
    the start is an optimisation, and the next pass meets the same fault and
    reports it (:mod:`._dask_faults`)."""
    import dask

    client = backend._client()
    if client is None:
        try:
            return list(dask.compute(*tasks, scheduler="threads"))
        except Exception:  # noqa: BLE001 - the pass reports it
            return None
    from distributed import wait

    futures = client.compute(tasks)
    limit = backend.timeout if backend.timeout is not None else backend.cluster_timeout
    try:
        with client.as_current():  # wait() asks for the default client
            wait(futures, timeout=limit)
        if any(f.status != "finished" for f in futures):
            raise RuntimeError("a gather task did not finish")
        return list(client.gather(futures, direct=direct_gather(client)))
    except Exception:  # noqa: BLE001 - the pass reports it
        client.cancel(futures)
        return None


def check_partitions(ids: list[int], n_parts: int) -> None:
    """Refuse partition results that do not cover partitions ``0 … n_parts-1``
    exactly once (a task's result lost or repeated by the cluster)."""
    if sorted(ids) != list(range(n_parts)):
        raise IntegrityError(
            f"partition results {sorted(ids)[:20]} do not cover partitions "
            f"0..{n_parts - 1} exactly once"
        )


def check_rows(rows: int, n_samples: int) -> None:
    """Refuse an evaluation that reduced other than the scan's rows."""
    if rows != n_samples:
        raise IntegrityError(
            f"an evaluation reduced {rows} rows, the scan found {n_samples}"
        )
