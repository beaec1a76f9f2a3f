"""Dask passes of two revisions of the library, alternating on one cluster.

On a 2-worker ``LocalCluster`` (1 thread each), dense1m's Parquet files are
persisted twice: once by this checkout's :class:`logistic.backends.Dask`,
once by another revision's, exported as the package ``logistic_rev``.
Blocks of ``--per`` passes alternate between the two (the order flips every
block), each pass ``map_reduce_indexed`` of a function shaped like Newton's
block-sampled pass on dense1m (value, gradient and the Hessian of every 25th
block, at a fixed coefficient vector), or with ``--noop`` of one that does
no arithmetic (the framework's cost alone). Prints the median wall and CPU
milliseconds a pass (CPU: this process, which holds the client and the
scheduler, plus the workers), the blocks where this checkout was faster,
and whether the two revisions' sums are equal bitwise.

Export the other revision first (its compiled modules copied from this
checkout: the row loops are the same library build)::

    git archive HEAD~1 src/logistic | tar -x -C /tmp/rev
    mv /tmp/rev/src/logistic /tmp/rev/logistic_rev
    cp src/logistic/*.so /tmp/rev/logistic_rev/
    PYTHONPATH=.:/tmp/rev python -m benchmarks.dask_revision_ab --blocks 20 --per 10
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from benchmarks.bench_scale import _local_cluster, warm_dask, write_parquet
from benchmarks.dask_pass_ab import _shaped_sums
from logistic import _kernels
from logistic._block_sums import block_value_grad_hessian
from logistic.backends import Dask

#: A fixed coefficient vector for dense1m's 100 features.
W = np.random.default_rng(0).normal(size=100) * 0.01


@_kernels.row_loop_only
def newton_sums(block: Any, i: int) -> tuple[Any, ...]:
    """Newton's block-sampled sums at ``W`` (the Hessian of every 25th block)."""
    hit = i % 25 == 0
    n = block.n_rows
    sums = block_value_grad_hessian(block, W, 0.0, 1 if hit else 0)
    return (*sums, n if hit else 0, n)


def _cpu(client: Any) -> float:
    workers = client.run(lambda: sum(os.times()[:2]))
    return sum(os.times()[:2]) + sum(workers.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--per", type=int, default=10)
    parser.add_argument("--noop", action="store_true")
    args = parser.parse_args()
    from distributed import Client
    from logistic_rev.backends import Dask as DaskRev  # type: ignore[import-not-found]

    fn = _shaped_sums if args.noop else newton_sums
    root, warm, _ = write_parquet("dense1m")
    with _local_cluster(2) as cluster, Client(cluster) as client:
        warm_dask(client, warm, "auto")
        data = {
            "other": DaskRev.from_parquet(
                root, target="y", client=client, persist=True
            ),
            "this": Dask.from_parquet(root, target="y", client=client, persist=True),
        }
        sums = {
            k: [d.map_reduce_indexed(fn) for _ in range(2)][-1] for k, d in data.items()
        }
        wall: dict[str, list[float]] = {k: [] for k in data}
        cpu: dict[str, list[float]] = {k: [] for k in data}
        for b in range(args.blocks):
            for k in list(data) if b % 2 == 0 else list(data)[::-1]:
                c0, t0 = _cpu(client), time.perf_counter()
                for _ in range(args.per):
                    data[k].map_reduce_indexed(fn)
                    time.sleep(0.002)  # a solver step between passes
                wall[k].append((time.perf_counter() - t0) / args.per - 0.002)
                cpu[k].append((_cpu(client) - c0) / args.per)
    same = all(
        np.asarray(a).tobytes() == np.asarray(b).tobytes()
        for a, b in zip(sums["other"], sums["this"], strict=True)
    )
    print(
        f"{'no-op' if args.noop else 'Newton-shaped'} passes, {args.blocks} x {args.per}"
    )
    for k in data:
        print(
            f"{k}: median {np.median(wall[k]) * 1e3:.2f} ms a pass, CPU "
            f"{np.median(cpu[k]) * 1e3:.2f} ms a pass (client, scheduler, workers)"
        )
    faster = sum(a < b for a, b in zip(wall["this"], wall["other"], strict=True))
    print(
        f"this checkout faster in {faster} of {args.blocks} blocks; sums bitwise equal: {same}"
    )
    ways = {k: getattr(d, "_direct_ready", None) for k, d in data.items()}
    print(f"direct calls to the workers (None: never asked): {ways}")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
