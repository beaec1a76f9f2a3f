# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""L1 on dense X that is mostly zeros: ``newton-cd`` (a dense p × p Hessian a
step) against ``solver="auto"``, which takes ``newton-cd-columns`` (X held as
CSC) when the sampled share of non-zeros is at most
``_column_matrix.DENSE_COLUMNS_SHARE``.

Usage (from the repository root)::

    python -m benchmarks.l1_dense_zeros_ab [--reps 2]

Seeded sets ``n × p`` at a density (``scipy.sparse.random``, densified), a
logit linear in 30 % of the columns with logistic noise; L1 with C = 10/√n
at the default tol. Each method fits ``reps`` times in this process,
alternating; the line gives the best times, their ratio, the objective gap
between the two (the same optimum) and ``auto``'s solver. The load average
is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import scipy.sparse as sp

from logistic import LogisticRegression

SETS = [(20_000, 1_000, 0.002), (20_000, 1_000, 0.04), (20_000, 200, 0.04),
        (5_000, 100, 0.04), (50_000, 50, 0.04), (20_000, 1_000, 0.1)]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    print(f"load {os.getloadavg()[0]:.2f}")
    print("| n × p | non-zeros | newton-cd | auto | speed-up | auto's solver | objective gap |")
    print("|---|---|---|---|---|---|---|")
    for n, p, density in SETS:
        rng = np.random.default_rng(1)
        X = sp.random(n, p, density=density, format="csr", random_state=1).toarray()
        w = rng.normal(size=p) * (rng.random(p) < 0.3)
        y = (X @ w * 3 + rng.logistic(size=n) > 0).astype(int)
        C = 10.0 / n**0.5
        best = {"newton-cd": np.inf, "auto": np.inf}
        fits = {}
        for _ in range(a.reps):
            for solver in best:
                t = time.perf_counter()
                fits[solver] = LogisticRegression(penalty="l1", C=C, solver=solver).fit(X, y)
                best[solver] = min(best[solver], time.perf_counter() - t)
        gap = fits["auto"].objective_ - fits["newton-cd"].objective_
        print(f"| {n} × {p} | {100 * density:g} % | {best['newton-cd'] * 1e3:.1f} ms | "
              f"{best['auto'] * 1e3:.1f} ms | {best['newton-cd'] / best['auto']:.2f}× | "
              f"{fits['auto'].solver_} | {gap:.1e} |", flush=True)
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
