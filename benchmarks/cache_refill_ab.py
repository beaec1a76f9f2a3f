"""A pass over a paged-out row cache with and without the refill thread.

Usage (from the repository root, after ``python -m benchmarks.bench_scale
--modes parquet-cold`` has written dense1m's Parquet files and row cache)::

    python -m benchmarks.cache_refill_ab [--rounds 8]

Each round, for ``refill`` (the library's default) and ``no refill``
(``logistic.backends._cache_refill.AHEAD_BLOCKS = 0``), in alternating
order: the cache's files are dropped from the page cache
(``POSIX_FADV_DONTNEED``, as the system's reclaim leaves a cache idle for a
while), then one value+gradient pass brings them back from disk (timed:
wall, CPU of this process, MiB read from disk), then one more pass (the
page cache as the refill left it: 2 MiB folios map fastest). Prints every
round and the medians, with the load average. The sums of the two are
checked bitwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from functools import partial
from pathlib import Path

import numpy as np

from benchmarks import datasets
from logistic._objective import block_value_grad
from logistic.backends import _cache_refill
from logistic.backends.chunked import Chunked


def drop(folder: Path) -> None:
    """Drop the cache entry's files from the page cache."""
    for path in folder.glob("*.bin"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def disk_read() -> int:
    """Bytes this process has read from storage (Linux), else 0."""
    try:
        with open("/proc/self/io") as fh:
            for line in fh:
                if line.startswith("read_bytes"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="dense1m")
    ap.add_argument("--rounds", type=int, default=8)
    args = ap.parse_args(argv)
    root = datasets.DATA_DIR / f"{args.dataset}.parquet"
    cache = datasets.DATA_DIR / "row-cache"
    backend = Chunked.from_parquet(root, target="y", cache_dir=cache)
    if backend.cache_path is None:
        raise SystemExit(f"no row cache for {root}: run benchmarks.bench_scale first")
    fn = partial(block_value_grad, w=np.full(backend.n_features, 0.01), b=0.1)
    backend.map_reduce(fn)  # threads started, kernels loaded
    ahead = _cache_refill.AHEAD_BLOCKS
    cases = {"refill": ahead, "no refill": 0}
    out: dict[str, list[tuple[float, float, float, float]]] = {k: [] for k in cases}
    sums = {}
    load0 = os.getloadavg()
    for r in range(args.rounds):
        order = list(cases) if r % 2 == 0 else list(cases)[::-1]
        for name in order:
            _cache_refill.AHEAD_BLOCKS = cases[name]
            drop(backend.cache_path)
            time.sleep(0.2)
            read0, cpu0, t0 = disk_read(), time.process_time(), time.perf_counter()
            sums[name] = backend.map_reduce(fn)
            wall = time.perf_counter() - t0
            cpu = time.process_time() - cpu0
            mib = (disk_read() - read0) / 2**20
            t1 = time.perf_counter()
            backend.map_reduce(fn)
            later = time.perf_counter() - t1
            out[name].append((wall, cpu, mib, later))
            print(
                f"round {r} {name}: paged-out pass {wall:.3f} s (CPU {cpu:.2f} s, "
                f"{mib:.0f} MiB from disk), next pass {later:.3f} s, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    _cache_refill.AHEAD_BLOCKS = ahead
    a, b = sums["refill"], sums["no refill"]
    assert a[0] == b[0] and np.array_equal(a[1], b[1]), "sums differ"
    print(f"load average before {load0}, after {os.getloadavg()}")
    for name, rows in out.items():
        wall, cpu, mib, later = (
            statistics.median(col) for col in zip(*rows, strict=True)
        )
        print(
            f"{name}: paged-out pass median {wall:.3f} s (min "
            f"{min(r[0] for r in rows):.3f}), CPU {cpu:.2f} s, {mib:.0f} MiB from "
            f"disk; next pass median {later:.3f} s"
        )


if __name__ == "__main__":
    main()
