"""Where one value+gradient pass spends its time (the 1.3 × ``X @ w`` target).

Usage: ``python -m benchmarks.profile_pass [DATASET] [ROWS]`` (default
dense1m, 400 000 rows). Single-threaded (BLAS limited to one thread) and
measured in CPU time, so other jobs on a shared machine disturb it less than
wall time; the pass is cut into the in-memory backend's row blocks and
rebuilt stage by stage:

* ``X @ w`` over the whole array (the floor);
* ``gemv`` per block (the same work, block by block);
* ``+ elementwise`` (loss and residual from z, in place);
* ``gemv + gemvᵀ`` (both products, no elementwise work);
* the full fused kernel ``_kernels.value_grad``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks import datasets
from logistic import _kernels as K
from logistic._row_terms import loss_and_residual
from logistic.backends.in_memory import InMemory


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "dense1m"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 400_000
    X, y = datasets.load(name)
    X, y = X[:rows], y[:rows]
    w = np.random.default_rng(0).standard_normal(X.shape[1]) * 0.05
    step = InMemory(X, y).block_rows
    blocks = [(X[i : i + step], y[i : i + step]) for i in range(0, rows, step)]

    def gemv() -> None:
        for Xb, _ in blocks:
            Xb @ w

    def gemv_elem() -> None:
        for Xb, yb in blocks:
            loss_and_residual(Xb @ w, yb, True)

    def gemv_gemvt() -> None:
        for Xb, _ in blocks:
            Xb.T @ (Xb @ w)

    def fused() -> None:
        for Xb, yb in blocks:
            K.value_grad(Xb, yb, w, 0.1)

    stages = {
        "X @ w (whole)": lambda: X @ w,
        "gemv per block": gemv,
        "+ elementwise": gemv_elem,
        "gemv + gemvT": gemv_gemvt,
        "fused value+grad": fused,
    }
    times: dict[str, list[float]] = {k: [] for k in stages}
    with threadpool_limits(1):
        for _ in range(7):
            for k, f in stages.items():
                c = time.process_time()
                f()
                times[k].append(time.process_time() - c)
    base = float(np.median(times["X @ w (whole)"]))
    print(f"{name}[:{rows}], block {step} rows, 1 thread, CPU time, median of 7")
    for k, v in times.items():
        m = float(np.median(v))
        print(f"  {k:18s} {1e3 * m:8.1f} ms  {m / base:5.2f} x")


if __name__ == "__main__":
    main()
