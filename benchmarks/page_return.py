"""What memory the guest gave back to its host costs when it is used again.

On a virtual machine whose balloon device reports free pages to the host
(virtio-balloon ``VIRTIO_BALLOON_F_REPORTING``: Linux hands free blocks of
2 MiB or more to the host a couple of seconds after they are freed), memory
freed a while ago comes back only through the host, page by page, on first
touch. This project's VMs do so, and their DAMON reclaim frees the page
cache of files idle for about a minute, so a row cache read back after a
while lands in such memory.

Usage (from the repository root, after ``python -m benchmarks.bench_scale
--modes parquet-cold`` has written dense1m's row cache)::

    python -m benchmarks.page_return [--rounds 5] [--wait 8]

Alternating, ``--rounds`` times each, with a short (0.1 s) and a long
(``--wait`` s) pause between freeing and using the memory again:

* ``cache pass``: the row cache's files dropped from the page cache
  (``POSIX_FADV_DONTNEED``), then one value+gradient pass brings them back
  from disk (the same disk reads either way; the host's disk cache is warm
  after the first round);
* ``fresh memory``: as many bytes of anonymous memory filled, freed, then
  filled again (``numpy.empty(...).fill``).

Prints each round (wall, user and system CPU seconds) and the medians, with
the load average, and whether the balloon reports free pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from benchmarks import datasets
from benchmarks._page_cache import drop_page_cache
from logistic._objective import block_value_grad
from logistic.backends.chunked import Chunked

#: Bit of ``VIRTIO_BALLOON_F_REPORTING`` in a virtio device's feature string.
REPORTING_BIT = 5


def balloon_reports() -> bool | None:
    """Whether a virtio balloon here reports free pages to the host (None:
    no balloon device found)."""
    for dev in Path("/sys/bus/virtio/devices").glob("*"):
        try:
            if (dev / "device").read_text().strip() != "0x0005":
                continue
            return (dev / "features").read_text()[REPORTING_BIT] == "1"
        except (OSError, IndexError):
            continue
    return None




def timed(run: Callable[[], object]) -> tuple[float, float, float]:
    c0, t0 = os.times(), time.perf_counter()
    run()
    c1 = os.times()
    return time.perf_counter() - t0, c1[0] - c0[0], c1[1] - c0[1]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="dense1m")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--wait", type=float, default=8.0)
    args = ap.parse_args(argv)
    root = datasets.DATA_DIR / f"{args.dataset}.parquet"
    backend = Chunked.from_parquet(
        root, target="y", cache_dir=datasets.DATA_DIR / "row-cache"
    )
    if backend.cache_path is None:
        raise SystemExit(f"no row cache for {root}: run benchmarks.bench_scale first")
    fn = partial(block_value_grad, w=np.full(backend.n_features, 0.01), b=0.1)
    backend.map_reduce(fn)
    n = backend.n_samples * backend.n_features
    print(f"balloon reports free pages to the host: {balloon_reports()}")
    load0 = os.getloadavg()
    out: dict[tuple[str, float], list[float]] = {}
    for r in range(args.rounds):
        waits = (0.1, args.wait) if r % 2 == 0 else (args.wait, 0.1)
        for wait in waits:
            drop_page_cache(backend.cache_path)
            time.sleep(wait)
            row = timed(lambda: backend.map_reduce(fn))
            out.setdefault(("cache pass", wait), []).append(row[0])
            print(
                f"round {r} cache pass after {wait} s: {row[0]:.3f} s "
                f"(user {row[1]:.2f}, system {row[2]:.2f})",
                flush=True,
            )
        for wait in waits:
            a = np.empty(n)
            a.fill(1.0)
            del a  # given back to the kernel
            time.sleep(wait)
            row = timed(lambda: np.empty(n).fill(1.0))
            out.setdefault(("fresh memory", wait), []).append(row[0])
            print(
                f"round {r} fresh memory after {wait} s: {row[0]:.3f} s "
                f"(user {row[1]:.2f}, system {row[2]:.2f})",
                flush=True,
            )
    print(f"load average before {load0}, after {os.getloadavg()}")
    for (what, wait), times in out.items():
        print(
            f"{what}, {n * 8 / 2**20:.0f} MiB, used {wait} s after being freed: "
            f"median {statistics.median(times):.3f} s"
        )


if __name__ == "__main__":
    main()
