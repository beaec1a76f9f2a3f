"""A loop of small fits: does the helper thread stay on, and what does a fit cost?

Usage (from the repository root)::

    PYTHONPATH=src:. python -m benchmarks.helper_load [--dataset higgs] [--seconds 130] [--busy]

Fits ``LogisticRegression(penalty="l2", alpha=1/n, tol=1e-4)`` on the data
(``benchmarks/data``) again and again for ``--seconds``, and every 10 s
prints the 1-minute load average, this process's own CPU use as
:func:`logistic._row_parts.own_load` averages it, the threads a Hessian pass
in parts gets (:func:`logistic._row_parts.part_threads`), what the load
average alone would give (``load < CPUs - 0.5``) and the mean time a fit over
the last 10 s. ``--busy`` runs a busy loop in another process meanwhile (other
work on the machine: the helper should stay off).

On a 2-CPU machine the loop's own helper raises the load average to ~1.5-1.9
within a minute, which the load average alone reads as a busy machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="higgs")
    ap.add_argument("--seconds", type=float, default=130.0)
    ap.add_argument("--busy", action="store_true")
    args = ap.parse_args()

    from benchmarks.datasets import load
    from logistic import LogisticRegression, _row_parts

    X, y = load(args.dataset)
    busy = None
    if args.busy:
        loop = "while True: pass"
        busy = subprocess.Popen([sys.executable, "-c", loop])
    cpus = os.cpu_count() or 1
    print("| s | load (1 min) | own CPU use | threads | load alone | ms a fit |")
    print("|---|---|---|---|---|---|")
    try:
        start = time.monotonic()
        report, fits, t0 = start, 0, time.perf_counter()
        while time.monotonic() - start < args.seconds:
            LogisticRegression(penalty="l2", alpha=1 / len(y), tol=1e-4).fit(X, y)
            fits += 1
            if time.monotonic() >= report:
                load = os.getloadavg()[0]
                alone = 2 if load < cpus - 0.5 else 1
                ms = (time.perf_counter() - t0) / fits * 1e3
                print(
                    f"| {time.monotonic() - start:.0f} | {load:.2f} | "
                    f"{_row_parts.own_load():.2f} | {_row_parts.part_threads(2)} | "
                    f"{alone} | {ms:.2f} |",
                    flush=True,
                )
                report += 10.0
                fits, t0 = 0, time.perf_counter()
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()


if __name__ == "__main__":
    main()
