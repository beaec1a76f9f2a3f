# ruff: noqa: E501  (tables read best unwrapped)
"""Where the in-memory backend's block threads run during a fit, pass by pass.

Usage (from the repository root)::

    python -m benchmarks.thread_placement [--dataset ijcnn1] [--fits 4] [--tol 1e-4]

Does what ``benchmarks/_fit.py`` does (load, untimed 200-row warm-up, then
fits of ``LogisticRegression(penalty="l2", alpha=1/n)`` in one process) and
records, for every call of the compiled Hessian kernel
(``logistic._kernels._fused_hessian_pass``), the thread, the CPU it ran on
(``sched_getcpu``) and its start and end. Per fit it prints the wall time
and, for each pass, the CPUs of the calling thread's blocks (``M``) and of
the worker's (``W``) and the pass's span: a pass whose two threads share one
CPU takes about as long as the serial pass; one on two CPUs about half.

On a 2-CPU machine the scheduler often wakes the worker on the caller's CPU
and keeps both there until its periodic balancing separates them (ijcnn1,
idle machine: 2.1-2.3 ms a pass on one CPU, 1.2-1.3 ms on two; fits of
17-18 ms against 12 ms), which is most of the difference between the first
fit of a process and later ones. Linux only (``sched_getcpu``).
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import threading
import time
import warnings
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="ijcnn1")
    parser.add_argument("--fits", type=int, default=4)
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args(argv)

    from benchmarks._fit import _warm_up, fit
    from benchmarks.datasets import load
    from logistic import _kernels

    getcpu = ctypes.CDLL(None).sched_getcpu
    kernel = _kernels._fused_hessian_pass
    calls: list[tuple[bool, int, float, float]] = []

    def probed(*a: Any, **k: Any) -> Any:
        cpu, t0 = getcpu(), time.perf_counter()
        out = kernel(*a, **k)
        main_thread = threading.current_thread() is threading.main_thread()
        calls.append((main_thread, cpu, t0, time.perf_counter()))
        return out

    _kernels._fused_hessian_pass = probed  # type: ignore[assignment]
    X, y = load(args.dataset)
    alpha = 1.0 / X.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _warm_up("logistic:auto", X, y, alpha, args.tol)
        from logistic.backends.in_memory import InMemory

        n_blocks = len(InMemory(X, y.astype(float))._block_list())
        for i in range(args.fits):
            calls.clear()
            t0 = time.perf_counter()
            fit("logistic:auto", X, y, alpha, args.tol)
            wall = time.perf_counter() - t0
            passes = []
            for lo in range(0, len(calls), n_blocks):
                run = calls[lo : lo + n_blocks]
                m = "".join(str(c[1]) for c in run if c[0])
                w = "".join(str(c[1]) for c in run if not c[0])
                span = max(c[3] for c in run) - min(c[2] for c in run)
                passes.append(f"M{m} W{w} {span * 1e3:.2f} ms")
            print(f"fit {i}: {wall * 1e3:.1f} ms | " + " | ".join(passes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
