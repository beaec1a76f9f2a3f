"""Dask fits with 8 MiB or 1 MiB row blocks inside the partitions, A/B.

On one 2-worker ``LocalCluster`` (1 thread each) with dense1m's Parquet
files persisted once, alternates (the order rotating every round) fits
(``auto``, L2, C = 1) whose partitions are cut into blocks of

* ``8MiB``: ``DEFAULT_BLOCK_BYTES`` (10 485 rows of 100 float64);
* ``1MiB``: ``IN_MEMORY_BLOCK_BYTES`` (1 310 rows), the in-memory
  backend's dense blocks where the compiled row loop is not active;

and the in-memory fit. Prints the median fit seconds, the median ratio of
each Dask fit to the in-memory fit of its round, the median CPU seconds a
fit (this process, which holds the client and the scheduler, plus the
workers), passes, whether the compiled row loop is active here, and the
load average.

Usage::

    python -m benchmarks.dask_chunk_ab --rounds 5
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from benchmarks import datasets
from benchmarks.bench_scale import (
    _cpu_seconds,
    _local_cluster,
    warm_dask,
    write_parquet,
)
from logistic import LogisticRegression
from logistic._compiled import row_loop_active
from logistic.backends import Dask, as_backend
from logistic.backends._sources import chunk_rows_for
from logistic.backends.in_memory import DEFAULT_BLOCK_BYTES, IN_MEMORY_BLOCK_BYTES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from distributed import Client

    root, warm, _ = write_parquet("dense1m")
    X, y = datasets.load("dense1m")
    memory = as_backend(X, y)
    rows = {
        "8MiB": chunk_rows_for(X.shape[1], X.dtype, DEFAULT_BLOCK_BYTES),
        "1MiB": chunk_rows_for(X.shape[1], X.dtype, IN_MEMORY_BLOCK_BYTES),
    }
    modes = ("8MiB", "1MiB", "memory")
    wall: dict[str, list[float]] = {k: [] for k in modes}
    cpu: dict[str, list[float]] = {k: [] for k in modes}
    passes: dict[str, int] = {}
    with _local_cluster(2) as cluster, Client(cluster) as client:
        warm_dask(client, warm, "auto")
        backend = Dask.from_parquet(root, target="y", client=client, persist=True)
        for r in range(args.rounds):
            for mode in modes[r % 3 :] + modes[: r % 3]:
                on_dask = mode != "memory"
                if on_dask:
                    backend._chunk_rows = rows[mode]
                c0 = _cpu_seconds(client if on_dask else None)
                t0 = time.perf_counter()
                model = LogisticRegression(penalty="l2", C=1.0)
                model.fit(backend if on_dask else memory, None)
                wall[mode].append(time.perf_counter() - t0)
                cpu[mode].append(_cpu_seconds(client if on_dask else None) - c0)
                passes[mode] = int(model.n_passes_)
    med = {k: round(float(np.median(v)), 3) for k, v in wall.items()}
    ratio = {
        k: round(float(np.median(np.divide(wall[k], wall["memory"]))), 3)
        for k in modes[:2]
    }
    med_cpu = {k: round(float(np.median(v)), 3) for k, v in cpu.items()}
    print(
        f"median fit s {med}; median ratio to in-memory {ratio}; median CPU s "
        f"{med_cpu}; passes {passes}; row loop active {row_loop_active()}; "
        f"load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
