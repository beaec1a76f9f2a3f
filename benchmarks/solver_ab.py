# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Our solvers against scikit-learn's and glum's, within one process, alternating.

Usage (from the repository root)::

    python -m benchmarks.solver_ab [--datasets a9a,w8a,reuters] [--reps 5]
                                   [--variants auto,lbfgs,...] [--fixed-tol]

For each dataset (``benchmarks/datasets.py``; L2 with scikit-learn's C = 1,
glum's ``alpha = 1/n``: the same objective) every variant is first
*calibrated* as in the full suite (``benchmarks/run.py``): tolerances from
a ladder are tried loosest first, one fit each, and the first whose relative
objective gap to ``f*`` is ≤ 1e-8 is the variant's setting (``f*``: the
best of tight reference fits and every fit). Then ``--reps`` fits of each
variant at its setting run in rotating order; the table gives the median
wall time, the passes over the data (ours), the gap, and the fastest
reaching anchor's median divided by the variant's (the machine is shared:
only ratios within one run mean anything). ``--fixed-tol`` skips the
calibration and uses the suite's earlier fixed tolerances (``FIXED_TOL``).

Variants (``--variants``, comma-separated; default all that apply):

* ours: ``auto`` (the solver it picks is named), ``lbfgs`` (scipy's
  L-BFGS-B), ``newton``, ``newton-cg``, and ``newton-cg-dpp`` (truncated
  Newton recomputing the curvature for every Hessian-vector product: the
  backend hides ``block_index``);
* anchors: scikit-learn's ``lbfgs``, ``newton-cg`` and (p ≤ 2000)
  ``newton-cholesky``; glum's ``irls-ls`` (p ≤ 2000) and ``lbfgs``.

A variant whose calibration fit runs past ``--budget`` seconds, or whose
ladder ends without reaching the gap, is reported as not reached.

``--one-thread`` runs everything on one thread (``threadpool_limits(1)``
around every fit, entered after scikit-learn and glum are imported so their
BLAS and OpenMP pools obey it; ours with ``n_threads=1``): a per-core
comparison that a loaded machine disturbs much less (glum's two OpenMP
threads spin-wait for cores other jobs hold).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from benchmarks import datasets
from benchmarks.run import GAP, LADDER  # the full suite's calibration

#: The fixed tolerances of earlier runs (``--fixed-tol``).
FIXED_TOL = {"ours": 1e-6, "sklearn:lbfgs": 1e-7, "sklearn:newton-cg": 1e-6,
             "sklearn:newton-cholesky": 1e-4, "glum:irls-ls": 1e-4, "glum:lbfgs": 1e-6}

Fit = Callable[[Any, np.ndarray, float], tuple[float, int, np.ndarray, str]]


#: Threads of our in-memory backend (None: every CPU; ``--one-thread``: 1).
THREADS: dict[str, int | None] = {"ours": None}


def _ours(solver: str, cached: bool = True) -> Fit:
    from logistic import LogisticRegression
    from logistic.backends import InMemory

    def fit(X: Any, y: np.ndarray, tol: float) -> tuple[float, int, np.ndarray, str]:
        data = InMemory(X, y, n_threads=THREADS["ours"])
        if not cached:  # hide block_index: the objective recomputes D per product
            data.capabilities = replace(data.capabilities, block_index=False)
        m = LogisticRegression(penalty="l2", C=1.0, solver=solver, tol=tol, max_iter=100_000)
        t0 = time.perf_counter()
        m.fit(data, None)
        dt = time.perf_counter() - t0
        return dt, int(m.n_passes_), np.r_[m.coef_.ravel(), m.intercept_], str(m.solver_)

    return fit


def _sklearn(solver: str) -> Fit:
    from sklearn.linear_model import LogisticRegression as SK

    def fit(X: Any, y: np.ndarray, tol: float) -> tuple[float, int, np.ndarray, str]:
        m = SK(C=1.0, solver=solver, tol=tol, max_iter=100_000)
        t0 = time.perf_counter()
        m.fit(X, y)
        dt = time.perf_counter() - t0
        return dt, -1, np.r_[m.coef_.ravel(), m.intercept_], ""

    return fit


def _glum(solver: str) -> Fit:
    from glum import GeneralizedLinearRegressor

    def fit(X: Any, y: np.ndarray, tol: float) -> tuple[float, int, np.ndarray, str]:
        m = GeneralizedLinearRegressor(
            family="binomial", alpha=1.0 / X.shape[0], l1_ratio=0.0, solver=solver,
            gradient_tol=tol, max_iter=100_000,
        )
        t0 = time.perf_counter()
        m.fit(X, y)
        dt = time.perf_counter() - t0
        return dt, -1, np.r_[np.ravel(m.coef_), m.intercept_], ""

    return fit


def variants(X: Any, wanted: list[str] | None) -> dict[str, Fit]:
    p = X.shape[1]
    out: dict[str, Fit] = {
        "auto": _ours("auto"),
        "lbfgs": _ours("lbfgs"),
        "newton-cg": _ours("newton-cg"),
        "newton-cg-dpp": _ours("newton-cg", cached=False),
    }
    if p <= 2000:
        out["newton"] = _ours("newton")
    out["sklearn:lbfgs"] = _sklearn("lbfgs")
    out["sklearn:newton-cg"] = _sklearn("newton-cg")
    if p <= 2000:
        out["sklearn:newton-cholesky"] = _sklearn("newton-cholesky")
        out["glum:irls-ls"] = _glum("irls-ls")
    out["glum:lbfgs"] = _glum("lbfgs")
    if wanted:
        out = {k: v for k, v in out.items() if k in wanted or (_is_anchor(k) and "anchors" in wanted)}
    return out


def _is_anchor(label: str) -> bool:
    return label.startswith(("sklearn:", "glum:"))


def _fixed(label: str) -> float:
    return FIXED_TOL.get(label, FIXED_TOL["ours"])


def main(argv: list[str] | None = None) -> None:
    from logistic._objective import LogisticObjective
    from logistic.backends import InMemory

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="a9a,w8a,reuters")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--variants", default="", help="comma-separated labels; 'anchors' = every anchor")
    ap.add_argument("--fixed-tol", action="store_true", help="no calibration: FIXED_TOL")
    ap.add_argument("--budget", type=float, default=10.0, help="seconds a calibration fit may take")
    ap.add_argument("--one-thread", action="store_true", help="every library on one thread")
    args = ap.parse_args(argv)
    wanted = [v for v in args.variants.split(",") if v] or None
    from contextlib import nullcontext

    # loaded before threadpool_limits, so that it sees their thread pools
    import glum  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    if args.one_thread:
        THREADS["ours"] = 1
    limit = (lambda: threadpool_limits(1)) if args.one_thread else nullcontext

    print(f"load average at the start: {os.getloadavg()}; one thread: {args.one_thread}")
    for name in args.datasets.split(","):
        X, y = datasets.load(name)
        obj = LogisticObjective(InMemory(X, y), l2=1.0 / X.shape[0])
        runs = variants(X, wanted)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # reference optimum: tight fits of ours
            f_star = min(
                obj.value(_ours(s)(X, y, 1e-10)[2])
                for s in (["newton", "lbfgs"] if X.shape[1] <= 2000 else ["lbfgs", "newton-cg"])
            )
            tol: dict[str, float | None] = {}
            for label, fit in runs.items():
                ladder = [_fixed(label)] if args.fixed_tol else LADDER
                tol[label] = None
                for t in ladder:
                    with limit():
                        dt, _, theta, _ = fit(X, y, t)
                    f = obj.value(theta)
                    f_star = min(f_star, f)
                    if (f - f_star) / abs(f_star) <= GAP or args.fixed_tol:
                        tol[label] = t
                        break
                    if dt > args.budget:
                        break
            live = [k for k in runs if tol[k] is not None]
            times: dict[str, list[float]] = {k: [] for k in live}
            info: dict[str, tuple[int, float, str]] = {}
            for r in range(args.reps):
                order = live[r % len(live):] + live[: r % len(live)]
                for label in order:
                    t_ = tol[label]
                    assert t_ is not None
                    with limit():
                        dt, passes, theta, chosen = runs[label](X, y, t_)
                    times[label].append(dt)
                    info[label] = (passes, obj.value(theta), chosen)
        f_star = min([f_star] + [v[1] for v in info.values()])
        med = {k: statistics.median(v) for k, v in times.items()}

        gap = {k: (info[k][1] - f_star) / abs(f_star) for k in live}
        reached = [k for k in live if _is_anchor(k) and gap[k] <= GAP]
        best = min(reached or [k for k in live if _is_anchor(k)], key=med.__getitem__)
        kind = f"CSR {X.nnz / X.shape[0]:.0f} nnz/row" if sp.issparse(X) else "dense"
        print(f"\n### {name} — {X.shape[0]:,} × {X.shape[1]:,} {kind}; fastest anchor `{best}`\n")
        print("| variant | tol | median s | passes | gap | anchor / this |")
        print("|---|---|---|---|---|---|")
        for label in runs:
            if label not in live:
                print(f"| {label} | not reached | | | | |")
                continue
            passes, _, chosen = info[label]
            name_ = f"{label} → {chosen}" if label == "auto" else label
            print(
                f"| {name_} | {tol[label]:.0e} | {med[label]:.4f} | {passes if passes >= 0 else '—'} "
                f"| {gap[label]:.1e} | {med[best] / med[label]:.2f}× |"
            )
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
