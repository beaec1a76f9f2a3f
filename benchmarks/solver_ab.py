# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Before/after of issue 13's solver changes, within one process, alternating.

Usage (from the repository root)::

    python -m benchmarks.solver_ab [--datasets a9a,w8a,reuters] [--reps 5]

For each dataset (``benchmarks/datasets.py``; L2 with scikit-learn's C = 1)
it times, in rotating order, ``--reps`` fits of each variant and reports the
median wall time, the passes over the data and the relative objective gap to
``f*`` (the best of a tight Newton–CG solve and every fit), plus each
variant's time as a ratio to the fastest scikit-learn anchor *of the same
run* (the machine is shared: only ratios within one run mean anything):

* ``lbfgs`` — L-BFGS through scipy's L-BFGS-B (the project's only L-BFGS);
* ``newton-cg (D per product)`` — truncated Newton recomputing the curvature
  for every Hessian-vector product (the code before; the backend hides
  ``block_index``);
* ``newton-cg (D cached)`` — the curvature kept per outer iteration;
* ``auto`` — what ``solver="auto"`` picks (named in the table);
* anchors: scikit-learn's ``lbfgs`` and ``newton-cg`` (and ``newton-cholesky``
  when p ≤ 1000), at the tolerances of the full suite's calibration.

Every variant runs at one tolerance chosen to reach a 1e-8 gap
(``TOL``); the gap column shows it did.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from benchmarks import datasets

#: Tolerance per (dataset, method family), from the suite's calibration ladder.
TOL = {
    "logistic": 1e-6,
    "sklearn:lbfgs": 1e-7,
    "sklearn:newton-cg": 1e-6,
    "sklearn:newton-cholesky": 1e-4,
}


def _ours(solver: str, cached: bool = True):
    from logistic import LogisticRegression
    from logistic.backends import InMemory

    def fit(X: Any, y: np.ndarray) -> tuple[float, int, Any]:
        data = InMemory(X, y)
        if not cached:  # hide block_index: the objective recomputes D per product
            data.capabilities = replace(data.capabilities, block_index=False)
        m = LogisticRegression(penalty="l2", C=1.0, solver=solver, tol=TOL["logistic"])
        t0 = time.perf_counter()
        m.fit(data, None)
        dt = time.perf_counter() - t0
        theta = np.r_[m.coef_.ravel(), m.intercept_]
        return dt, int(m.n_passes_), (theta, m.solver_)

    return fit


def _sklearn(solver: str):
    from sklearn.linear_model import LogisticRegression as SK

    def fit(X: Any, y: np.ndarray) -> tuple[float, int, Any]:
        m = SK(C=1.0, solver=solver, tol=TOL[f"sklearn:{solver}"], max_iter=10_000)
        t0 = time.perf_counter()
        m.fit(X, y)
        dt = time.perf_counter() - t0
        return dt, -1, (np.r_[m.coef_.ravel(), m.intercept_], "")

    return fit


def variants(X: Any) -> dict[str, Any]:
    out = {
        "lbfgs": _ours("lbfgs"),
        "newton-cg (D per product)": _ours("newton-cg", cached=False),
        "newton-cg (D cached)": _ours("newton-cg"),
        "auto": _ours("auto"),
        "sklearn:lbfgs": _sklearn("lbfgs"),
        "sklearn:newton-cg": _sklearn("newton-cg"),
    }
    if X.shape[1] <= 1000:
        out["sklearn:newton-cholesky"] = _sklearn("newton-cholesky")
    return out


def main(argv: list[str] | None = None) -> None:
    from logistic._objective import LogisticObjective
    from logistic.backends import InMemory

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="a9a,w8a,reuters")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    import os

    print(f"load average at the start: {os.getloadavg()}")
    for name in args.datasets.split(","):
        X, y = datasets.load(name)
        obj = LogisticObjective(InMemory(X, y), l2=1.0 / X.shape[0])
        runs = variants(X)
        times: dict[str, list[float]] = {k: [] for k in runs}
        info: dict[str, Any] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for r in range(args.reps):
                order = list(runs)[r % len(runs) :] + list(runs)[: r % len(runs)]
                for label in order:
                    dt, passes, (theta, chosen) = runs[label](X, y)
                    times[label].append(dt)
                    info[label] = (passes, obj.value(theta), chosen)
        f_star = min(v[1] for v in info.values())
        med = {k: statistics.median(v) for k, v in times.items()}
        anchors = [k for k in med if k.startswith("sklearn:")]
        reached = [k for k in anchors if (info[k][1] - f_star) / abs(f_star) <= 1e-8]
        best = min(reached or anchors, key=med.__getitem__)
        kind = f"CSR {X.nnz / X.shape[0]:.0f} nnz/row" if sp.issparse(X) else "dense"
        print(f"\n### {name} — {X.shape[0]:,} × {X.shape[1]:,} {kind}; fastest anchor `{best}`\n")
        print("| variant | median s | passes | gap | anchor / this |")
        print("|---|---|---|---|---|")
        for label in runs:
            passes, f, chosen = info[label]
            gap = (f - f_star) / abs(f_star)
            name_ = f"{label} → {chosen}" if label == "auto" else label
            ratio = med[best] / med[label]
            print(
                f"| {name_} | {med[label]:.3f} | {passes if passes >= 0 else '—'} "
                f"| {gap:.1e} | {ratio:.2f}× |"
            )
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
