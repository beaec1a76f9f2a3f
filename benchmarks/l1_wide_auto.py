# ruff: noqa: E501  (tables read best unwrapped)
"""L1 and elastic-net fits of dense X: ``auto`` against ``newton-cd``'s Hessian steps and the path.

Usage (from the repository root)::

    python -m benchmarks.l1_wide_auto [--shapes 100000x50,1000x3000,200x20000] [--reps 2]

Seeded Gaussian X (``y`` from the first five columns plus noise), C = 1,
default tol. Per shape and penalty (L1; elastic net, l1_ratio 0.5): the best
of ``--reps`` wall times of ``LogisticRegression(solver="auto")`` (and the
solver it ran), of ``solver="newton-cd"`` with X never held by columns (its
(p+1)² Hessian a step: what ``auto`` ran on such X before it took
``newton-cd-columns`` where that Hessian is costly; left out above 6 000
columns, where it takes minutes), and of ``logistic.path`` at the same alpha
with tol 1e-10, and the objective of ``auto``'s fit less the path's (the
same optimum: a difference at rounding level).
"""

from __future__ import annotations

import argparse
import time
import warnings
from unittest import mock

import numpy as np

import logistic
import logistic.solvers.column_newton as column_newton
from logistic import LogisticRegression


def _objective(X, y, w, b, l1_ratio):
    n = X.shape[0]
    z = X @ w + b
    penalty = l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * (w @ w)
    return float(np.mean(np.logaddexp(0, z) - y * z) + penalty / n)


def _best(reps, fn, *args, **kwargs):
    best, out = np.inf, None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return best, out


def _fit(X, y, **kw):
    return LogisticRegression(C=1.0, **kw).fit(X, y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shapes", default="100000x50,100000x200,20000x300,2000x1000,1000x3000,500x5000,200x20000")
    ap.add_argument("--reps", type=int, default=2)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    print("| shape | penalty | auto (solver) | newton-cd, rows | path, tol 1e-10 | auto − path objective |")
    print("|---|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        n, p = (int(v) for v in shape.split("x"))
        X = rng.normal(size=(n, p))
        y = (X[:, :5].sum(1) + rng.normal(size=n) > 0).astype(float)
        for l1_ratio in (1.0, 0.5):
            kw = {"penalty": "l1"} if l1_ratio == 1 else {"penalty": "elasticnet", "l1_ratio": 0.5}
            t_auto, m = _best(args.reps, _fit, X, y, **kw)
            rows = "—"
            if p <= 6000:
                with mock.patch.object(column_newton, "_on_columns", lambda objective: False):
                    t_rows, r = _best(args.reps, _fit, X, y, solver="newton-cd", **kw)
                rows = f"{t_rows:.2f} s" + ("" if r.converged_ else " (unconverged)")
            t_path, path = _best(1, logistic.path, X, y, l1_ratio=l1_ratio, alphas=[1 / n], tol=1e-10)
            gap = _objective(X, y, m.coef_.ravel(), m.intercept_[0], l1_ratio) - path.objective[0]
            conv = "" if m.converged_ else ", unconverged"
            print(f"| {shape} | {kw['penalty']} | {t_auto:.2f} s ({m.solver_}{conv}) | {rows} | {t_path:.2f} s | {gap:.1e} |", flush=True)


if __name__ == "__main__":
    main()
