"""One pass over the row cache against one pass in memory (dense1m by default).

Usage (from the repository root, after ``python -m benchmarks.bench_scale
--modes parquet-cold`` has written the Parquet files and their row cache)::

    python -m benchmarks.cache_pass [--dataset dense1m] [--repeats 7]

Times, alternating in one process (medians and minima of ``--repeats``):

* ``in-memory``: a value+gradient pass of the in-memory backend;
* ``cached``: the same pass over the row cache (blocks mapped and reduced on
  every CPU, :func:`logistic.backends._prefetch.ordered_map`);
* ``cached, one thread``: the same with ``prefetch=False``;
* ``cached, map only``: the threaded pass with a function that reads nothing
  (the cost of mapping the blocks: page-table set-up of each 4 KiB page);
* ``mapped, compute only``: the value+gradient of blocks mapped beforehand.

The sums of the cached passes are checked bitwise against each other.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import numpy as np

from benchmarks import datasets
from logistic._objective import block_value_grad
from logistic.backends import as_backend
from logistic.backends._prefetch import ordered_map
from logistic.backends.chunked import Chunked
from logistic.backends.in_memory import available_cpus


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="dense1m")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    X, y = datasets.load(args.dataset)
    root = datasets.DATA_DIR / f"{args.dataset}.parquet"
    cache = str(datasets.DATA_DIR / "row-cache")
    memory = as_backend(X, y)
    cached = Chunked.from_parquet(root, target="y", cache_dir=cache)
    serial = Chunked.from_parquet(root, target="y", cache_dir=cache, prefetch=False)
    if cached.cache_path is None:
        raise SystemExit(f"no row cache for {root}: run benchmarks.bench_scale first")
    w = np.full(X.shape[1], 0.01)
    fn = partial(block_value_grad, w=w, b=0.1)
    mapped = list(cached.blocks())
    threads = available_cpus()
    cases = {
        "in-memory": lambda: memory.map_reduce(fn),
        "cached": lambda: cached.map_reduce(fn),
        "cached, one thread": lambda: serial.map_reduce(fn),
        "cached, map only": lambda: cached.map_reduce(lambda block: 0.0),
        "mapped, compute only": lambda: list(
            ordered_map(fn, mapped, threads, threads + 1)
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    sums = {}
    for _ in range(args.repeats):
        for name, run in cases.items():
            t0 = time.perf_counter()
            out = run()
            times[name].append(time.perf_counter() - t0)
            sums[name] = out
    a, b = sums["cached"], sums["cached, one thread"]
    assert a[0] == b[0] and np.array_equal(a[1], b[1]), "cached sums differ"
    print(f"{args.dataset}: {X.nbytes / 2**20:.0f} MiB, {threads} threads")
    print("| pass | median (s) | min (s) |")
    print("|---|---|---|")
    for name, t in times.items():
        print(f"| {name} | {statistics.median(t):.3f} | {min(t):.3f} |")


if __name__ == "__main__":
    main()
