# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""The fit's first value and gradient from the statistics pass, on and off, against scikit-learn.

Usage (from the repository root)::

    python -m benchmarks.start_gradient_ab [--dataset wide100k] [--reps 7]
                                           [--methods on,off,sklearn:lbfgs]

Each fit runs in a fresh child process (``benchmarks._fit``'s convention:
load the dataset, one untimed warm-up fit on 200 rows, then the timed fit
call only), the variants alternating in rotating order:

* ``on``: ``LogisticRegression(solver="auto")`` as shipped, whose L-BFGS
  takes its first value and gradient from the data-statistics pass
  (``LogisticObjective.start_value_and_gradient``);
* ``off``: the same with that shortcut patched out in the child (the start
  is evaluated by a pass, as before it existed);
* ``sklearn:lbfgs``: scikit-learn's ``LogisticRegression(solver="lbfgs",
  C = 1/(alpha·n))``;
* a name given to ``--trees NAME=PATH``: ``auto`` as shipped by the source
  tree ``PATH`` (a ``src/`` folder with its compiled modules built in, put
  first on the child's ``PYTHONPATH``): e.g. the commit before the change
  and that commit with the change applied, which differ in nothing else
  (the ``off`` variant keeps the statistics pass's extra sums).

The problem is the suite's (``benchmarks/run.py``): L2 with ``alpha = 1/n``
on our scale. Each variant's tolerance is calibrated as the suite does: the
loosest of ``LADDER`` whose fit reaches a relative objective gap ≤ ``GAP``
(1e-8) to ``f*`` (a tight fit of ours, improved by every fit seen), so the
medians are times to that gap. Printed: the load average, each variant's
tolerance, median and all times, passes over the data (ours, from
``history_``), iterations, gap; then the ratios of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.run import GAP, LADDER

ROOT = Path(__file__).resolve().parents[1]


def _child(args: dict[str, Any]) -> None:
    """One timed fit (the ``--child`` mode); prints one JSON line."""
    from benchmarks._fit import _warm_up, fit
    from benchmarks.datasets import load
    from logistic import LogisticRegression
    from logistic._objective import LogisticObjective

    X, y = load(args["dataset"])
    alpha, tol, variant = args["alpha"], args["tol"], args["variant"]
    if variant == "off":
        LogisticObjective.start_value_and_gradient = lambda self, theta: None  # type: ignore[method-assign]
    method = variant if variant.startswith("sklearn:") else "logistic:auto"
    out: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _warm_up(method, X, y, alpha, tol)
        if method == "logistic:auto":
            model = LogisticRegression(
                penalty="l2", alpha=alpha, solver="auto", tol=tol, max_iter=100_000
            )
            t0 = time.perf_counter()
            model.fit(X, y)
            out["time"] = time.perf_counter() - t0
            coef, b = model.coef_.ravel(), float(model.intercept_[0])
            out["passes"] = int(model.history_[-1]["n_passes"])
            out["n_iter"] = int(np.ravel(model.n_iter_)[0])
            out["solver"] = model.solver_
        else:
            r = fit(method, X, y, alpha, tol)
            out["time"], out["n_iter"] = r["time"], r["n_iter"]
            coef, b = np.asarray(r["coef"]), r["intercept"]
    objective = LogisticObjective.from_arrays(X, y, l2=alpha)
    out["objective"] = float(objective.value(np.append(coef, b)))
    print(json.dumps(out))


def _run(args: dict[str, Any], trees: dict[str, str]) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.start_gradient_ab",
        "--child",
        json.dumps(args),
    ]
    env = dict(os.environ)
    if args["variant"] in trees:
        env["PYTHONPATH"] = trees[args["variant"]]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _reference(name: str, alpha: float) -> float:
    """A tight fit of ours (f* candidate), in this process."""
    from benchmarks.datasets import load
    from logistic._objective import LogisticObjective
    from logistic.solvers import get_solver

    X, y = load(name)
    obj = LogisticObjective.from_arrays(X, y, l2=alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = get_solver("lbfgs")(tol=1e-10, max_iter=10_000).solve(
            obj, np.zeros(obj.n_params)
        )
    return float(obj.value(res.coef))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--dataset", default="wide100k")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--methods", default="on,off,sklearn:lbfgs")
    ap.add_argument("--trees", default="", help="NAME=PATH,... (see above)")
    args = ap.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    from benchmarks.datasets import load

    name = args.dataset
    n = load(name)[0].shape[0]
    alpha = 1.0 / n
    fstar = _reference(name, alpha)
    variants = args.methods.split(",")
    trees = dict(t.split("=", 1) for t in args.trees.split(",") if t)
    tols: dict[str, float] = {}
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    for v in variants:  # calibration: the loosest tolerance reaching the gap
        for tol in LADDER:
            r = _run({"dataset": name, "alpha": alpha, "tol": tol, "variant": v}, trees)
            fstar = min(fstar, r["objective"])
            if (r["objective"] - fstar) / abs(fstar) <= GAP or tol == LADDER[-1]:
                tols[v] = tol
                runs[v].append(r)
                break
    for rep in range(args.reps - 1):
        k = rep % len(variants)
        for v in variants[k:] + variants[:k]:
            r = _run(
                {"dataset": name, "alpha": alpha, "tol": tols[v], "variant": v}, trees
            )
            fstar = min(fstar, r["objective"])
            runs[v].append(r)
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{name}, L2 alpha = 1/n, gap {GAP:g} (load {load_avg}; f* {fstar!r})")
    med = {v: statistics.median(r["time"] for r in rs) for v, rs in runs.items()}
    for v, rs in runs.items():
        gap = max((r["objective"] - fstar) / abs(fstar) for r in rs)
        extra = (
            f"  passes {rs[0]['passes']}  solver {rs[0]['solver']}"
            if "passes" in rs[0]
            else ""
        )
        times = " ".join(f"{r['time']:.3f}" for r in rs)
        print(
            f"  {v:14s} tol={tols[v]:g}  median {med[v]:.3f} s ({times})"
            f"{extra}  iterations {rs[0]['n_iter']}  max gap {gap:.1e}"
        )
    ours = [v for v in variants if not v.startswith("sklearn:")]
    for i, a in enumerate(ours):
        for b in ours[i + 1 :]:
            print(f"  {b} / {a}: {med[b] / med[a]:.3f}×")
    for other in (v for v in variants if v.startswith("sklearn:")):
        for v in ours:
            print(f"  {other} / {v}: {med[other] / med[v]:.2f}×")


if __name__ == "__main__":
    main()
