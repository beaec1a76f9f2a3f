"""One pass over the row cache against one pass in memory (dense1m by default).

Usage (from the repository root, after ``python -m benchmarks.bench_scale
--modes parquet-cold`` has written the Parquet files and their row cache)::

    python -m benchmarks.cache_pass [--dataset dense1m] [--repeats 7] [--evict]

Wall and CPU times, alternating in one process (medians and minima of
``--repeats``; the load average is printed with them):

* ``in-memory``: a value+gradient pass of the in-memory backend;
* ``cached``: the same pass over the row cache (blocks mapped and reduced on
  every CPU, :func:`logistic.backends._prefetch.ordered_map`);
* ``cached, one thread``: the same with ``prefetch=False``;
* ``cached, map only``: the threaded pass with a function that reads nothing
  (the cost of mapping the blocks: page-table set-up);
* ``cached, 4 KiB rules`` and ``map only, 4 KiB rules``: the same two passes
  with the row cache's earlier mapping rules (set for the pass by
  :func:`earlier_rules`): every block mapped at a 4 KiB boundary, small
  ones included, and its residency asked of ``mincore`` page by page rather
  than of ``cachestat``;
* ``mapped, compute only``: the value+gradient of blocks mapped beforehand;
* ``read`` (the alternative measured against mapping): the threaded pass
  over blocks read with positional reads (``os.preadv``) into arrays of their
  own, and ``read only``, the reads alone (a copy out of the page cache).

``--evict`` first drops the cache files from the page cache
(``POSIX_FADV_DONTNEED``), so that the passes bring them back from disk
themselves: a file just written (by the scan) is held in large folios; the
row cache brings evicted blocks back as 2 MiB folios where the kernel allows
(``MADV_HUGEPAGE``), while reads with two threads and page faults through a
plain mapping bring 4-16 KiB ones, and both mapping and copying cost per
folio (see the "row cache" section of ``docs/scaling.md``).

``--cache-dir`` names another row-cache folder (e.g. one written afresh by
the scan, to compare the page cache's folios a scan leaves).

Peak resident memory of the threaded cached passes is printed (measured
before anything else is loaded). The sums of the cached, one-thread and read
passes are checked bitwise against each other.
"""

from __future__ import annotations

import argparse
import mmap
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import datasets
from benchmarks._page_cache import drop_page_cache
from logistic._blas_threads import one_blas_thread
from logistic._objective import block_value_grad
from logistic._thread_budget import available_cpus
from logistic._typing import Block
from logistic.backends import _cache, as_backend
from logistic.backends._prefetch import ordered_map
from logistic.backends._reduce import tree_sum
from logistic.backends.chunked import Chunked


def read_rows(path: Path, row0: int, rows: int, row_bytes: int, dtype: Any) -> Any:
    """Rows ``row0 : row0 + rows`` of a raw array file, read into a new array."""
    out = np.empty(rows * row_bytes, dtype=np.uint8)
    view, done = out.data, 0
    fd = os.open(path, os.O_RDONLY)
    try:
        while done < len(view):
            got = os.preadv(fd, [view[done:]], row0 * row_bytes + done)
            if not got:
                raise EOFError(path)
            done += got
    finally:
        os.close(fd)
    return out.view(dtype)


def read_pass(backend: Chunked, fn: Any, threads: int) -> Any:
    """A threaded pass over blocks of ``backend``'s row cache read, not mapped."""
    rows, values = backend._cached, backend._label_values
    assert rows is not None and values is not None
    chunk, p, item = backend.chunk_rows, rows.n_features, rows.dtype.itemsize

    def one(row0: int) -> Any:
        k = min(chunk, rows.n_samples - row0)
        X = read_rows(rows.folder / "X.bin", row0, k, p * item, rows.dtype)
        codes = read_rows(rows.folder / "codes.bin", row0, k, 1, np.uint8)
        return fn(Block(X.reshape(k, p), values[codes], None, None))

    with one_blas_thread():
        items = range(0, rows.n_samples, chunk)
        return tree_sum(ordered_map(one, items, threads, threads + 1))


@contextmanager
def earlier_rules() -> Iterator[None]:
    """The row cache's mapping rules before 2 MiB extents, ``cachestat`` and
    reads of small blocks (module constants of :mod:`logistic.backends._cache`)."""
    saved = _cache.HUGE_BYTES, _cache.MAP_MIN_BYTES, _cache._in_page_cache
    _cache.HUGE_BYTES, _cache.MAP_MIN_BYTES = mmap.ALLOCATIONGRANULARITY, 0
    _cache._in_page_cache = lambda fd, start, length: None
    try:
        yield
    finally:
        _cache.HUGE_BYTES, _cache.MAP_MIN_BYTES, _cache._in_page_cache = saved


def with_earlier_rules(run: Callable[[], Any]) -> Callable[[], Any]:
    def wrapped() -> Any:
        with earlier_rules():
            return run()

    return wrapped




def peak_rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="dense1m")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument(
        "--cache-dir",
        default=str(datasets.DATA_DIR / "row-cache"),
        help="the row-cache folder (default: the benchmarks' own)",
    )
    ap.add_argument(
        "--evict",
        action="store_true",
        help="drop the cache files from the page cache first",
    )
    args = ap.parse_args(argv)
    root = datasets.DATA_DIR / f"{args.dataset}.parquet"
    cache = args.cache_dir
    cached = Chunked.from_parquet(root, target="y", cache_dir=cache)
    serial = Chunked.from_parquet(root, target="y", cache_dir=cache, prefetch=False)
    if cached.cache_path is None:
        raise SystemExit(f"no row cache for {root}: run benchmarks.bench_scale first")
    if args.evict:
        drop_page_cache(cached.cache_path)
    w = np.full(cached.n_features, 0.01)
    fn = partial(block_value_grad, w=w, b=0.1)
    threads = available_cpus()
    cached.map_reduce(fn)
    rss = peak_rss_mib()  # the threaded cached pass, before anything else
    X, y = datasets.load(args.dataset)
    memory = as_backend(X, y)
    mapped = list(cached.blocks())
    cases = {
        "in-memory": lambda: memory.map_reduce(fn),
        "cached": lambda: cached.map_reduce(fn),
        "cached, one thread": lambda: serial.map_reduce(fn),
        "cached, map only": lambda: cached.map_reduce(lambda block: 0.0),
        "cached, 4 KiB rules": with_earlier_rules(lambda: cached.map_reduce(fn)),
        "map only, 4 KiB rules": with_earlier_rules(
            lambda: cached.map_reduce(lambda block: 0.0)
        ),
        "mapped, compute only": lambda: list(
            ordered_map(fn, mapped, threads, threads + 1)
        ),
        "read": lambda: read_pass(cached, fn, threads),
        "read only": lambda: read_pass(cached, lambda block: 0.0, threads),
    }
    load0 = os.getloadavg()
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    sums = {}
    for _ in range(args.repeats):
        for name, run in cases.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out = run()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
            sums[name] = out
    a = sums["cached"]
    for other in ("cached, one thread", "read", "cached, 4 KiB rules"):
        b = sums[other]
        assert a[0] == b[0] and np.array_equal(a[1], b[1]), f"{other}: sums differ"
    print(f"{args.dataset}: {X.nbytes / 2**20:.0f} MiB, {threads} threads")
    print(f"peak RSS of the threaded cached pass: {rss:.0f} MiB")
    print(f"load average before: {load0}, after: {os.getloadavg()}")
    print("| pass | median (s) | min (s) | CPU median (s) |")
    print("|---|---|---|---|")
    for name, t in times.items():
        print(
            f"| {name} | {statistics.median(t):.3f} | {min(t):.3f} | "
            f"{statistics.median(cpu[name]):.3f} |"
        )


if __name__ == "__main__":
    main()
