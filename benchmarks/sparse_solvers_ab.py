# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""Sparse solvers against scikit-learn's lbfgs: time to a 1e-8 objective gap.

Usage (from the repository root)::

    python -m benchmarks.sparse_solvers_ab [--datasets reuters,w8a,a9a] [--reps 5]
        [--methods logistic:newton-cd-columns,logistic:lbfgs,logistic:newton,...]

The protocol of :mod:`benchmarks.run` (each fit in a fresh process, a
tolerance ladder calibrated per method against a reference optimum, then
repetitions with the methods alternating in rotating order, medians), with a
method list of our choosing: ``benchmarks.run`` runs a fixed list per dataset.
Prints one line per dataset and method (median time, ratio of
scikit-learn lbfgs's median to it, tolerance, iterations) and the load average
before and after, since other work on the machine moves every number.

A second part (``--passes``) counts, in this process, the passes over the data
each solver needs to the gap and the cost of each kind of pass (value and
gradient, Hessian-vector product at a kept curvature, Hessian diagonal, one
coordinate-descent sweep of ``newton-cd-columns``), medians of 15.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from typing import Any

import numpy as np

from benchmarks import datasets, run

DEFAULT_METHODS = "logistic:newton-cd-columns,logistic:lbfgs,logistic:newton,logistic:newton-cg,sklearn:lbfgs"


def timing(names: list[str], methods: list[str], reps: int) -> None:
    run.methods_for = lambda name, X, penalized=True: list(methods)
    for name in names:
        res = run.bench_dataset(name, "l2", reps, 20.0, lambda m: None)
        rows = res["methods"]
        anchor = rows.get("sklearn:lbfgs", {}).get("time")
        for m in methods:
            e = rows[m]
            if e.get("time") is None:
                print(f"{name:8s} {m:28s} {e['status']}")
                continue
            ratio = f"{anchor / e['time']:.2f}x" if anchor else "-"
            print(
                f"{name:8s} {m:28s} {e['time'] * 1e3:7.1f} ms  sklearn-lbfgs/this {ratio:>6s}  "
                f"tol={e['tol']:.0e} gap={e['gap']:.1e} iter={e['n_iter']} runs={e['n_runs']}"
            )


def _median_ms(fn: Any, reps: int = 15) -> float:
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1e3


def passes(names: list[str], solvers: list[str]) -> None:
    warnings.simplefilter("ignore")
    for name in names:
        _dataset_passes(name, solvers)


def _dataset_passes(name: str, solvers: list[str]) -> None:
    from logistic._objective import LogisticObjective
    from logistic.solvers import get_solver
    from logistic.solvers.column_cd import ColumnMatrix, cd_kernel

    X, y = datasets.load(name)
    n, p = X.shape
    obj = LogisticObjective.from_arrays(X, y, l2=1.0 / n)
    fstar = run.reference(X, y, 1.0 / n)
    th = get_solver("lbfgs")(tol=1e-6).solve(obj, np.zeros(obj.n_params)).coef
    v = np.random.default_rng(0).standard_normal(th.size)
    cm = ColumnMatrix(X)
    kernel = cd_kernel()
    r = np.zeros(n)
    w = np.zeros(p)
    a = np.ones(p)
    cols = np.arange(p, dtype=np.intp)

    def sweep() -> None:  # one sweep over every column (ends after 1)
        kernel.cd_columns(
            cm.arg,
            cols,
            np.full(n, 0.25 / n),
            np.full(p, 1e-3),
            a,
            np.zeros(p),
            0.25,
            w,
            np.zeros(p),
            1.0 / n,
            np.ones(p),
            np.zeros(p),
            r,
            np.inf,
            1,
        )

    costs = {
        "value+grad": _median_ms(lambda: obj.value_and_gradient(th)),
        "hess-vec": _median_ms(lambda: obj.hessian_vector(th, v)),
        "hess-diag": _median_ms(lambda: obj.hessian_diagonal(th)),
        "cd-sweep": _median_ms(sweep) if kernel is not None else float("nan"),
        "X by column": _median_ms(lambda: ColumnMatrix(X), 5),
    }
    print(f"{name}: " + ", ".join(f"{k} {c:.2f} ms" for k, c in costs.items()))
    for s in solvers:
        for tol in run.LADDER:
            o = LogisticObjective.from_arrays(X, y, l2=1.0 / n)
            t = time.perf_counter()
            res = get_solver(s)(tol=tol, max_iter=10_000).solve(o, np.zeros(o.n_params))
            el = time.perf_counter() - t
            gap = (o.value(res.coef) - fstar) / abs(fstar)
            if gap <= run.GAP or tol == run.LADDER[-1]:
                print(
                    f"  {s:18s} tol={tol:.0e} iter={res.n_iter:4d} passes={res.n_passes:4d} "
                    f"gap={gap:.1e} {el * 1e3:.1f} ms (in process)"
                )
                break


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="reuters,w8a,a9a")
    ap.add_argument("--methods", default=DEFAULT_METHODS)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument(
        "--passes", action="store_true", help="count passes instead of timing"
    )
    a = ap.parse_args()
    names = [s for s in a.datasets.split(",") if s]
    methods = [m for m in a.methods.split(",") if m]
    print(f"load average before: {os.getloadavg()}")
    if a.passes:
        passes(
            names, [m.split(":", 1)[1] for m in methods if m.startswith("logistic:")]
        )
    else:
        timing(names, methods, a.reps)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
