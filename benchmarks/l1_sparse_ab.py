# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""L1 on sparse data: ``newton-cd`` (a dense Hessian a step) against
``newton-cd-columns`` (coordinate sweeps over X's columns), the choice
``solver="auto"`` makes, and scikit-learn's liblinear as an anchor.

Usage (from the repository root)::

    python -m benchmarks.l1_sparse_ab [--datasets a9a,w8a,rand20k5k] [--C 0.1,1] [--reps 3]

``rand20k5k`` / ``rand20k1k`` / ``rand100k5k`` are seeded sparse sets (0.2 %
stored values, a linear logit with logistic noise); the others are read by
:mod:`benchmarks.datasets`. Each method fits ``reps`` times in this process,
alternating, at tol 1e-6; the line gives the best time, the ratio of
``newton-cd``'s best time to it, the objective reached and the number of
non-zero coefficients (the solutions agree: same objective to 1e-8). liblinear
penalizes its intercept (a slightly different problem) and is printed for
scale only. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import scipy.sparse as sp

from benchmarks import datasets

SHAPES = {"rand20k1k": (20_000, 1_000), "rand20k5k": (20_000, 5_000),
          "rand100k5k": (100_000, 5_000)}  # fmt: skip


def load(name: str):
    if name not in SHAPES:
        return datasets.load(name)
    n, p = SHAPES[name]
    rng = np.random.default_rng(0)
    X = sp.random(n, p, density=0.002, format="csr", random_state=0)
    y = (X @ rng.normal(size=p) + rng.logistic(size=n) > 0).astype(int)
    return X, y


def fit(method: str, X, y, C: float):
    lib, solver = method.split(":")
    if lib == "sklearn":
        from sklearn.linear_model import LogisticRegression as SK

        model = SK(penalty="l1", C=C, solver=solver, tol=1e-6, max_iter=10_000)
        t = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - t, None, int(np.count_nonzero(model.coef_)), solver
    from logistic import LogisticRegression

    model = LogisticRegression(penalty="l1", C=C, solver=solver, tol=1e-6)
    t = time.perf_counter()
    model.fit(X, y)
    took = time.perf_counter() - t
    return took, model.objective_, int(np.count_nonzero(model.coef_)), model.solver_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="a9a,w8a,rand20k1k,rand20k5k")
    parser.add_argument("--C", default="0.1,1")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    methods = ["logistic:newton-cd", "logistic:newton-cd-columns", "logistic:auto",
               "sklearn:liblinear"]  # fmt: skip
    print(f"load before: {os.getloadavg()[0]:.2f}")
    warnings.simplefilter("ignore")
    for name in args.datasets.split(","):
        X, y = load(name)
        for C in (float(c) for c in args.C.split(",")):
            best: dict[str, tuple] = {}
            for _ in range(args.reps):
                for m in methods:
                    out = fit(m, X, y, C)
                    if m not in best or out[0] < best[m][0]:
                        best[m] = out
            base = best["logistic:newton-cd"][0]
            print(f"{name} {X.shape} nnz={getattr(X, 'nnz', None)} C={C:g}")
            for m, (t, obj, nz, used) in best.items():
                objective = "" if obj is None else f" objective {obj:.10f}"
                print(f"  {m:28s} -> {used:18s} {t * 1e3:9.1f} ms  {base / t:6.2f}x{objective}  nonzero {nz}")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
