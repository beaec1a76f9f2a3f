# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Small Newton fits (a9a, w8a, higgs): one in-process setting against another.

Usage (from the repository root)::

    PYTHONPATH=. python -m benchmarks.newton_small_ab --case a9a \\
        --setting logistic.backends.in_memory:SPARSE_THREAD_MIN_BYTES=1048576,8388608 \\
        [--rounds 200] [--budget 120]

Each round fits ``LogisticRegression(penalty="l2", C=1, tol=1e-4)`` (the
suite's setting for these data) three times under each value of the module
constant, the order alternating between rounds, all in one process after one
untimed fit per value. Before a round, the CPU time that other processes used
over 20 ms is read from ``/proc/stat``: a round is *quiet* when they used at
most a tenth of the machine. The table gives, per value, the median, first
quartile and minimum wall time of every round and of the quiet ones, with
``n_iter_``, ``n_passes_`` and the largest coefficient difference to the
first value. On a shared 2-core machine a threaded reduction only shows what
it saves when the other core is free: the quiet rounds and the minimum say
that, the median of every round what a busy machine gives.
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
import warnings

import numpy as np


def _cpu_ticks() -> tuple[int, int]:
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return sum(v), v[3] + v[4]


def _others_quiet(tick: float) -> bool:
    a, c0 = _cpu_ticks(), time.process_time()
    time.sleep(0.02)
    b, c1 = _cpu_ticks(), time.process_time()
    total = b[0] - a[0]
    busy = (total - (b[1] - a[1])) - (c1 - c0) * tick
    return total > 0 and busy <= 0.1 * total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default="a9a")
    ap.add_argument("--setting", required=True, help="module:NAME=v1,v2[,...]")
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--budget", type=float, default=120.0, help="seconds at most")
    args = ap.parse_args(argv)
    from benchmarks.datasets import load
    from logistic import LogisticRegression

    where, assign = args.setting.split(":")
    name, values = assign.split("=")
    module = importlib.import_module(where)
    vals = [int(v) if v.lstrip("-").isdigit() else float(v) for v in values.split(",")]
    X, y = load(args.case)
    kw = dict(penalty="l2", C=1.0, tol=1e-4)
    warnings.simplefilter("ignore")
    for v in vals:
        setattr(module, name, v)
        LogisticRegression(**kw).fit(X, y)
    every: dict = {v: [] for v in vals}
    quiet: dict = {v: [] for v in vals}
    last: dict = {}
    tick = os.sysconf("SC_CLK_TCK")
    end = time.time() + args.budget
    for r in range(args.rounds):
        if time.time() > end:
            break
        calm = _others_quiet(tick)
        for v in vals if r % 2 == 0 else vals[::-1]:
            setattr(module, name, v)
            for _ in range(3):
                t = time.perf_counter()
                m = LogisticRegression(**kw).fit(X, y)
                ms = 1e3 * (time.perf_counter() - t)
                every[v].append(ms)
                if calm:
                    quiet[v].append(ms)
            last[v] = m
    ref = np.append(last[vals[0]].coef_.ravel(), last[vals[0]].intercept_)
    print(
        f"{args.case}: {name}, {r + 1} rounds, load {os.getloadavg()[0]:.1f} at the end"
    )
    print(
        "| value | median ms | p25 | min | quiet rounds: median (n) | n_iter | n_passes | max rel. coef diff |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for v in vals:
        e, q, m = np.array(every[v]), np.array(quiet[v]), last[v]
        coef = np.append(m.coef_.ravel(), m.intercept_)
        diff = np.max(np.abs(coef - ref)) / np.max(np.abs(ref))
        qs = f"{np.median(q):.2f} ({q.size})" if q.size else "none"
        print(
            f"| {v} | {np.median(e):.2f} | {np.percentile(e, 25):.2f} | {e.min():.2f} | {qs} "
            f"| {int(np.ravel(m.n_iter_)[0])} | {m.n_passes_} | {diff:.1e} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
