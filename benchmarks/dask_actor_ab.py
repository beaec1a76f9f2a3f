"""What a grouped Dask pass would cost through actors instead of tasks.

A measurement for a design decision, not a library path. On one 2-worker
``LocalCluster`` (1 thread each) with dense1m's Parquet files persisted (20
partitions), alternates two ways to run the same grouped pass:

* ``tasks``: the library's pass (``Dask.map_reduce``/``map_reduce_indexed``:
  the scheduler asked where the partitions are, one task per worker
  submitted, the client told by the scheduler when they finished, results
  fetched from the workers);
* ``actors``: one Dask actor per worker (:class:`Reducer`, created once),
  called directly by the client each pass with the keys of that worker's
  partitions; it reads them from the worker's memory and runs the same
  :func:`logistic.backends._dask_tasks.partitions_reduce`, and the client
  folds the same packed sums in partition order. No scheduler on the way:
  one round trip to each worker a pass.

Two block functions: a no-op returning Newton-shaped sums (the framework's
cost alone) and the value and gradient at 0 (a real pass). Prints the median
ms a pass of each, and whether the two ways' sums are equal bitwise.

Usage::

    python -m benchmarks.dask_actor_ab --rounds 60
"""

from __future__ import annotations

import argparse
import os
import time
from functools import partial
from typing import Any

import numpy as np

from benchmarks.bench_scale import _local_cluster, warm_dask, write_parquet
from benchmarks.dask_pass_ab import _shaped_sums
from logistic._block_sums import block_value_grad
from logistic.backends import Dask
from logistic.backends._dask_locality import worker_groups
from logistic.backends._dask_tasks import partitions_reduce, unpack_sums
from logistic.backends._reduce import tree_sum


class Reducer:
    """An actor on one worker: reduces partitions held in that worker's memory."""

    def reduce(
        self,
        fn: Any,
        indices: list[int],
        meta: tuple[Any, ...],
        keys: list[list[Any]],
        first_blocks: list[int] | None,
    ) -> Any:
        from distributed import get_worker

        data = get_worker().data
        pieces = [None if k is None else data[k] for ks in keys for k in ks]
        return partitions_reduce(fn, indices, *meta, *pieces, first_blocks=first_blocks)


def _actor_pass(
    backend: Dask, actors: dict[str, Any], groups: Any, fn: Any, indexed: bool
) -> Any:
    meta = (backend.dtype, backend.target, backend.classes_, backend.chunk_rows)
    first = backend.first_blocks() if indexed else None
    calls = []
    for address, idx in groups:
        keys = [
            [None if f is None else f.key for f in backend._futures[i]] for i in idx
        ]
        calls.append(actors[address].reduce(fn, idx, meta, keys, first))
    results = [r for call in calls for r in unpack_sums(call.result())]
    results.sort(key=lambda r: r[0])
    return tree_sum(r[2] for r in results)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return all(_same(u, v) for u, v in zip(a, b, strict=True))
    return bool(np.asarray(a).tobytes() == np.asarray(b).tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    root, warm, _ = write_parquet("dense1m")
    from distributed import Client

    with _local_cluster(2) as cluster, Client(cluster) as client:
        warm_dask(client, warm, "auto")
        backend = Dask.from_parquet(root, target="y", client=client, persist=True)
        groups = worker_groups(client, backend._futures, 10.0, backend.partition_rows)
        assert groups is not None and all(a is not None for a, _ in groups)
        actors = {
            a: client.submit(Reducer, workers=[a], actor=True).result()
            for a in {a for a, _ in groups}
        }
        p = backend.n_features
        functions = {
            "no-op": (_shaped_sums, True),
            "value+gradient": (partial(block_value_grad, w=np.zeros(p), b=0.0), False),
        }
        for label, (fn, indexed) in functions.items():
            task_pass = backend.map_reduce_indexed if indexed else backend.map_reduce
            same = _same(
                task_pass(fn), _actor_pass(backend, actors, groups, fn, indexed)
            )
            times: dict[str, list[float]] = {"tasks": [], "actors": []}
            for _ in range(args.rounds):
                for way in times:
                    t0 = time.perf_counter()
                    if way == "tasks":
                        task_pass(fn)
                    else:
                        _actor_pass(backend, actors, groups, fn, indexed)
                    times[way].append(time.perf_counter() - t0)
                    time.sleep(0.002)  # a solver step between passes
            medians = ", ".join(
                f"{way} {np.median(v) * 1e3:.1f} ms" for way, v in times.items()
            )
            print(f"{label} pass, median: {medians}; sums bitwise equal: {same}")
        print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
