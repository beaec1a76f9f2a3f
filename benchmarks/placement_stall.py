"""How long a worker's move off its caller's CPU blocks the caller.

A worker pinned to CPU 0 moves to CPU 1 and back while a busy process holds
CPU 1 (started here). The caller, on CPU 0, runs a GIL-releasing 200 x 200
matrix product in a loop; the longest loop iteration during the move is the
stall. ``os`` moves with :func:`os.sched_setaffinity` (GIL held while the
kernel moves the thread), ``ctypes`` with
:func:`logistic._libc.set_thread_affinity` (GIL released), as
:mod:`logistic.backends._placement` does. Linux, 2+ CPUs.

Usage: ``OPENBLAS_NUM_THREADS=1 python -m benchmarks.placement_stall [--moves 40]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

import numpy as np

from logistic._libc import set_thread_affinity


def longest_iterations(how: str, moves: int) -> list[float]:
    """The caller's longest iteration (ms) during each of ``moves`` moves."""
    a = np.random.default_rng(0).random((200, 200))
    out = []
    for _ in range(moves):
        done, go = threading.Event(), threading.Event()

        def worker(go: threading.Event = go, done: threading.Event = done) -> None:
            os.sched_setaffinity(0, {0})
            go.wait()
            if how == "ctypes":
                set_thread_affinity({1})
                set_thread_affinity({0, 1})
            else:
                os.sched_setaffinity(0, {1})
                os.sched_setaffinity(0, {0, 1})
            done.set()

        os.sched_setaffinity(0, {0})
        thread = threading.Thread(target=worker)
        thread.start()
        time.sleep(0.002)
        go.set()
        last, gap = time.perf_counter(), 0.0
        while not done.is_set():
            np.dot(a, a)
            now = time.perf_counter()
            gap, last = max(gap, now - last), now
        thread.join()
        out.append(1e3 * gap)
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40)
    args = parser.parse_args()
    busy = subprocess.Popen(
        ["taskset", "-c", "1", sys.executable, "-c", "while 1: pass"]
    )
    try:
        time.sleep(0.5)
        for how in ("os", "ctypes", "os", "ctypes"):
            g = longest_iterations(how, args.moves)
            print(f"{how:6s} caller's longest iteration: median {g[len(g) // 2]:.2f} ms, "
                  f"p90 {g[int(0.9 * (len(g) - 1))]:.2f} ms, max {g[-1]:.2f} ms")
    finally:
        busy.kill()


if __name__ == "__main__":
    main()
