"""newton-cg on an exact dependency among columns far from centred.

Usage (from the repository root)::

    PYTHONPATH=src:. python -m benchmarks.cg_dependency [--rows 200000] [--seeds 8]

Each seed draws epoch seconds within one hour (a mean ~1.6e6 times the
spread), the same instants in milliseconds (an exact dependency), a normal
column and labels from both, then fits ``LogisticRegression(solver=
"newton-cg", max_iter=1000)`` and prints its iterations, whether it
converged, its wall time and the coefficients. Along the copy's null
direction the computed curvature is rounding (~1e-20 of the diagonal's):
conjugate gradients without a curvature test step along it and the fit
diverges; with the test (``solvers/_conjugate_gradients``) it converges and
the aliasing step leaves the copy out.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def main() -> None:
    from logistic import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seeds", type=int, default=8)
    args = ap.parse_args()
    print("| seed | iterations | converged | seconds | coef (x, seconds, ms) |")
    print("|---|---|---|---|---|")
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        s = 1.7e9 + rng.integers(0, 3600, args.rows).astype(float)
        x = rng.normal(size=args.rows)
        eta = 0.5 * x + (s - s.mean()) / s.std() * 0.3
        y = (rng.random(args.rows) < 1 / (1 + np.exp(-eta))).astype(float)
        X = np.column_stack([x, s, s * 1000.0])
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = LogisticRegression(solver="newton-cg", max_iter=1000).fit(X, y)
        took = time.perf_counter() - t0
        coef = ", ".join(f"{c:.4g}" for c in m.coef_.ravel())
        print(f"| {seed} | {int(m.n_iter_[0])} | {bool(m.converged_)} | {took:.2f} | {coef} |")


if __name__ == "__main__":
    main()
