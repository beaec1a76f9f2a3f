"""Where a dense value+gradient pass spends its wall time: running or waiting.

Usage (from the repository root)::

    PYTHONPATH=. python -m benchmarks.pass_sched [--rows 1000000] [--reps 15]
        [--settle 0.2] [--threads 0]

Times, in one process and in a shuffled order each rep, on the kernel_pass
set (``rows × 100`` float64, seeded):

* ``X @ w``: numpy's product (OpenBLAS's threads), the 1.3× target's anchor;
* ``alone``: the backend's pass (``LogisticObjective.value_and_gradient``
  over ``InMemory``'s row blocks), after a pass and ``--settle`` seconds;
* ``after X@w``: the same pass after an ``X @ w`` and ``--settle`` seconds;
* ``after X@w/1``: the same after an ``X @ w`` made with BLAS held to one
  thread (no OpenBLAS worker ran): tells OpenBLAS's threads from what the
  product leaves in caches, TLBs or the memory system.

For every timed call it reads each thread of the process from
``/proc/self/task/*/schedstat`` (Linux): the nanoseconds it ran and waited
runnable on a run queue, so a slow pass shows whether its threads ran
longer (caches, frequency, memory) or waited (another thread on their CPU:
another process, or the process's own threads on one CPU). It prints per
candidate the medians of the wall time, of the threads' CPU time (sum, and
the busiest thread), of their run-queue wait, the threads that ran and the
calls in which two of them last ran on one CPU; then the same medians over
the calls whose threads waited less than ``QUIET_WAIT_MS`` (nothing else
took their CPUs). Wall times on a machine shared with other jobs are
noise; the CPU times and waits say why.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks import datasets
from logistic._objective import LogisticObjective
from logistic.backends.in_memory import InMemory

#: Calls whose threads waited on run queues less than this are "quiet".
QUIET_WAIT_MS = 1.0


def _threads() -> dict[int, tuple[int, int, int]]:
    """``tid -> (ns run, ns waited runnable, CPU last run on)`` of this process."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                run, wait, _ = (int(v) for v in f.read().split())
            with open(f"/proc/self/task/{tid}/stat") as f:
                cpu = int(f.read().rsplit(")", 1)[1].split()[36])
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[int(tid)] = (run, wait, cpu)
    return out


def _measure(fn: Any) -> dict[str, Any]:
    """Wall time of ``fn()`` and what each thread of the process did meanwhile."""
    before = _threads()
    t = time.perf_counter()
    fn()
    wall = time.perf_counter() - t
    after = _threads()
    ran = []
    for tid, (run, wait, cpu) in after.items():
        r0, w0, _ = before.get(tid, (0, 0, cpu))
        if run > r0 or wait > w0:
            ran.append(((run - r0) / 1e6, (wait - w0) / 1e6, cpu))
    cpus = [c for _, _, c in ran]
    return {
        "wall": wall * 1e3,
        "cpu_sum": sum(r for r, _, _ in ran),
        "cpu_max": max((r for r, _, _ in ran), default=0.0),
        "wait": sum(w for _, w, _ in ran),
        "threads": len(ran),
        "shared_cpu": len(cpus) > len(set(cpus)),
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"calls": 0}
    med = {k: round(float(np.median([r[k] for r in rows])), 2) for k in rows[0]}
    med["shared_cpu"] = sum(r["shared_cpu"] for r in rows)
    med["calls"] = len(rows)
    return med


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--settle", type=float, default=0.2)
    ap.add_argument("--threads", type=int, default=0, help="backend threads (0: all)")
    a = ap.parse_args(argv)
    X, y = datasets.gen_dense(a.rows, 100, seed=1)
    y = y.astype(X.dtype)
    rng = np.random.default_rng(0)
    theta = np.append(rng.standard_normal(X.shape[1]) * 0.05, 0.1)
    w = theta[:-1].copy()
    obj = LogisticObjective(InMemory(X, y, n_threads=a.threads or None), l2=1e-6)

    def pass_() -> Any:
        return obj.value_and_gradient(theta)

    def xw_one() -> Any:
        with threadpool_limits(1):
            return X @ w

    before = {
        "X @ w": None,
        "alone": pass_,
        "after X@w": lambda: X @ w,
        "after X@w/1": xw_one,
    }
    timed = {k: (lambda: X @ w) if k == "X @ w" else pass_ for k in before}
    pass_()
    X @ w
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in before}
    order = list(before)
    shuffle = random.Random(0)
    for _ in range(a.reps):
        shuffle.shuffle(order)
        for k in order:
            prep = before[k]
            if prep is not None:
                prep()
            time.sleep(a.settle)
            rows[k].append(_measure(timed[k]))
    print(f"main thread {threading.get_native_id()}, load {os.getloadavg()}")
    for k, v in rows.items():
        quiet = [r for r in v if r["wait"] < QUIET_WAIT_MS]
        print(
            json.dumps({"candidate": k, "all": _summary(v), "quiet": _summary(quiet)})
        )


if __name__ == "__main__":
    main()
