# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Where a small fit's time goes outside the data passes: stage splits of ``fit``.

Usage (from the repository root)::

    python -m benchmarks.fit_overhead [--cases higgs:1e-4,a9a:1e-4,...] [--fits 30]

Each case runs in a fresh child process that loads the suite's dataset, makes
the suite's untimed 200-row warm-up fit (``benchmarks/_fit.py``), then times
the suite's fit (``LogisticRegression(penalty="l2", alpha=1/n,
solver="auto", tol=tol, max_iter=100_000)``): the first fit after the
warm-up (the fit the suite times) and ``--fits`` repeated fits. Every fit is
split with ``time.perf_counter`` into the stages of
:meth:`logistic.LogisticRegression.fit` (wrapping the names the estimator
calls) and, inside the solver, the compiled data passes (the value,
gradient and Hessian kernels, the column statistics, the column-Newton
sweeps, the CSC copy) and the small dense linear algebra (Cholesky and
triangular solves). ``other`` is a stage's time outside those: Python,
numpy calls on vectors, allocations. Times are medians in milliseconds;
``first`` is the median over ``--procs`` processes of their first fit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = "higgs:1e-4,a9a:1e-4,reuters:1e-5,ijcnn1:1e-4,credit-default:1e-4"

CHILD = r"""
import json, statistics, sys, time, warnings
from collections import defaultdict
import numpy as np
warnings.simplefilter("ignore")
from benchmarks.datasets import load
from benchmarks._fit import _warm_up
name, tol, fits = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
X, y = load(name)
alpha = 1.0 / X.shape[0]
_warm_up("logistic:auto", X, y, alpha, tol)
import importlib
import logistic.estimator as est
from logistic import LogisticRegression
clock = time.perf_counter
acc = defaultdict(float)
stack = []

import threading
MAIN = threading.get_ident()

def wrap(module, attr, label, kind):
    mod = importlib.import_module(module)
    if not hasattr(mod, attr):
        return
    f = getattr(mod, attr)
    def timed(*a, **k):
        if threading.get_ident() != MAIN:  # a block worker: its own line, not subtracted
            t = clock()
            try:
                return f(*a, **k)
            finally:
                acc[(label + " (worker threads)", kind)] += clock() - t
        t = clock()
        stack.append(0.0)
        try:
            return f(*a, **k)
        finally:
            dt = clock() - t
            inner = stack.pop()
            acc[(label, kind)] += dt - inner  # own time, nested wraps excluded
            if stack:
                stack[-1] += dt
    setattr(mod, attr, timed)

STAGES = [("_validate_params", "validate params"), ("_backend", "data -> backend"),
          ("_solver_name", "solver choice"), ("_tol", "tol"), ("_store", "store")]
for attr, label in STAGES:
    f = getattr(LogisticRegression, attr)
    def method(self, *a, _f=f, _label=label, **k):
        t = clock(); stack.append(0.0)
        try:
            return _f(self, *a, **k)
        finally:
            dt = clock() - t; inner = stack.pop()
            acc[(_label, "stage")] += dt - inner
            if stack: stack[-1] += dt
    setattr(LogisticRegression, attr, method)
for attr, label in [("ScaledObjective", "scaled view"), ("checkpointer", "checkpointer"),
                    ("solve", "solve"), ("fit_statistics", "fit statistics"),
                    ("check_fit_separation", "separation")]:
    wrap("logistic.estimator", attr, label, "stage")
orig_fp = est.LogisticObjective.from_penalty.__func__
def from_penalty(cls, *a, **k):
    t = clock(); stack.append(0.0)
    try:
        return orig_fp(cls, *a, **k)
    finally:
        dt = clock() - t; inner = stack.pop()
        acc[("objective", "stage")] += dt - inner
        if stack: stack[-1] += dt
est.LogisticObjective.from_penalty = classmethod(from_penalty)
PASSES = [("logistic._kernels", "_compiled_pass"), ("logistic._kernels", "_fused_hessian_pass"),
          ("logistic._kernels", "_compiled_sandwich"), ("logistic._moments", "_compiled_dense_stats"),
          ("logistic._moments", "_compiled_sparse_stats"), ("logistic._validation", "_check_finite"),
          ("logistic.solvers.column_newton", "fused_step"), ("logistic.solvers._column_step", "gradient_sweep"),
          ("logistic.solvers.column_newton", "ColumnMatrix")]
for m, a in PASSES:
    wrap(m, a, a, "pass")
wrap("logistic._blas_threads", "_find_openblas_setters", "BLAS setter search", "first use")
registry = importlib.import_module("logistic.solvers._registry")
load_module = registry.importlib.import_module

def timed_import(name, *a):
    t = clock(); stack.append(0.0)
    try:
        return load_module(name, *a)
    finally:
        dt = clock() - t; inner = stack.pop()
        acc[("solver module import", "first use")] += dt - inner
        if stack: stack[-1] += dt

class _Importlib:
    import_module = staticmethod(timed_import)

registry.importlib = _Importlib
for m, a in [("logistic._linalg", "_lapack_cholesky"), ("logistic._linalg", "_lapack_solve")]:
    wrap(m, a, a, "linalg")

def one():
    acc.clear()
    t = clock()
    m = LogisticRegression(penalty="l2", alpha=alpha, solver="auto", tol=tol, max_iter=100_000)
    stack.append(0.0)
    m.fit(X, y)
    inner = stack.pop()
    total = clock() - t
    out = {f"{k[1]}:{k[0]}": v * 1e3 for k, v in acc.items()}
    out["total"] = total * 1e3
    out["stage:fit body"] = (total - inner) * 1e3
    return out, m

mods = set(sys.modules)
first, m = one()
new = sorted(set(sys.modules) - mods)
rows = [one()[0] for _ in range(fits)]
keys = sorted(set().union(*rows) | set(first))
steady = {k: statistics.median(r.get(k, 0.0) for r in rows) for k in keys}
print(json.dumps({"first": first, "steady": steady, "imports": new,
                  "solver": m.solver_, "n_iter": int(m.n_iter_[0]), "passes": int(m.n_passes_)}))
"""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default=CASES)
    ap.add_argument("--fits", type=int, default=30)
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--json", default=None, help="write the raw results here")
    args = ap.parse_args(argv)
    results = {}
    for case in args.cases.split(","):
        name, tol = case.split(":")
        runs = []
        for _ in range(args.procs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, name, tol, str(args.fits)],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if out.returncode:
                sys.exit(out.stderr)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        results[case] = runs
        keys = sorted(
            set().union(*(r["first"].keys() | r["steady"].keys() for r in runs))
        )
        print(
            f"\n{name} (tol {tol}): {runs[0]['solver']}, {runs[0]['n_iter']} iterations, "
            f"{runs[0]['passes']} passes; imported by the first fit: {runs[0]['imports']}"
        )
        print(f"{'part':40s} {'first':>8s} {'steady':>8s}")
        for k in keys:
            f = statistics.median(r["first"].get(k, 0.0) for r in runs)
            s = statistics.median(r["steady"].get(k, 0.0) for r in runs)
            print(f"{k:40s} {f:8.3f} {s:8.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
