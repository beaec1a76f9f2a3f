# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Where a small fit's time goes outside the data passes: stage splits of ``fit``.

Usage (from the repository root)::

    python -m benchmarks.fit_overhead [--cases higgs:1e-4,a9a:1e-4,...] [--fits 30]
        [--procs 3] [--baseline-src /path/to/old/src] [--src /path/to/new/src]

Each case runs in fresh child processes that load the suite's dataset, make
the suite's untimed 200-row warm-up fit (``benchmarks/_fit.py``), then time
the suite's fit (``LogisticRegression(penalty="l2", alpha=1/n,
solver="auto", tol=tol, max_iter=100_000)``): the first fit after the
warm-up (the fit the suite times) and ``--fits`` repeated fits. Every fit is
split with ``time.perf_counter`` into the stages of
:meth:`logistic.LogisticRegression.fit` (wrapping the names the estimator
calls); inside them, the compiled data passes (the value, gradient and
Hessian kernels, the column statistics, the column-Newton sweeps, the CSC
copy, the finite check of sparse X), the small dense linear algebra
(Cholesky factor and solves) and first-use costs (a solver module's import,
the BLAS setter search of :mod:`logistic._blas_threads`) are timed apart and
left out of their stage. A stage's remaining time is the fixed cost: Python,
numpy calls on vectors, allocations, waits for block threads (a pass's time
in a worker thread is shown on its own line and not subtracted). Times are
medians in milliseconds: ``first`` over the processes' first fits,
``steady`` over the processes' medians of the repeated fits.

``--baseline-src`` (a copy of ``src/`` with its compiled modules) alternates
that tree with this checkout's ``src/`` (or ``--src``: a tree holding one
change alone while the checkout holds others' work too), process by process,
and prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks._fit import child_env

ROOT = Path(__file__).resolve().parent.parent

CASES = "higgs:1e-4,a9a:1e-4,reuters:1e-5,ijcnn1:1e-4,credit-default:1e-4"
#: Parts of a fit that are data passes or dense linear algebra (the rest is fixed cost).
PARTS = ("pass:", "linalg:")

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


def _child(src: Path | None, name: str, tol: str, fits: int) -> dict:
    env = child_env() if src is None else child_env(src, ROOT)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, tol, str(fits)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summed(run: dict, which: str, pred: Any) -> float:
    return sum(v for k, v in run[which].items() if pred(k))


def _table(case: str, runs: dict[str, list[dict]]) -> None:
    first = next(iter(runs.values()))[0]
    print(
        f"\n{case}: {first['solver']}, {first['n_iter']} iterations, "
        f"{first['passes']} passes; imported by the first fit: {first['imports']}"
    )
    keys = sorted({k for rs in runs.values() for r in rs for k in r["first"]})
    groups: list[tuple[str, Any]] = [
        ("total", lambda k: k == "total"),
        (
            "passes + linalg (calling thread)",
            lambda k: k.startswith(PARTS) and "worker" not in k,
        ),
        ("first use (imports, BLAS search)", lambda k: k.startswith("first use:")),
        ("stages outside the passes", lambda k: k.startswith("stage:")),
    ]
    groups += [
        ("  " + k, (lambda kk: lambda k: k == kk)(k)) for k in keys if k != "total"
    ]
    cols = [f"{which} {v}" for which in ("first", "steady") for v in runs]
    print(f"{'part (median ms)':44s}" + "".join(f"{c:>16s}" for c in cols))
    for label, pred in groups:
        vals = [
            statistics.median(_summed(r, which, pred) for r in runs[v])
            for which in ("first", "steady")
            for v in runs
        ]
        print(f"{label:44s}" + "".join(f"{x:16.3f}" for x in vals))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default=CASES)
    ap.add_argument("--fits", type=int, default=30)
    ap.add_argument(
        "--procs", type=int, default=3, help="processes per case and version"
    )
    ap.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="a copy of src/ (compiled modules included) to alternate with this "
        "checkout's, process by process",
    )
    ap.add_argument(
        "--src",
        type=Path,
        default=ROOT / "src",
        help="the tree to time (default: this checkout's src/)",
    )
    ap.add_argument("--json", default=None, help="write the raw results here")
    args = ap.parse_args(argv)
    versions: dict[str, Path | None] = {"this": args.src.resolve()}
    if args.baseline_src is not None:
        versions = {"before": args.baseline_src.resolve(), "after": args.src.resolve()}
    results: dict[str, dict[str, list[dict]]] = {}
    for case in args.cases.split(","):
        name, tol = case.split(":")
        runs: dict[str, list[dict]] = {v: [] for v in versions}
        for r in range(args.procs):
            order = list(versions) if r % 2 == 0 else list(versions)[::-1]
            for v in order:
                runs[v].append(_child(versions[v], name, tol, args.fits))
        results[case] = runs
        _table(case, runs)
    print(f"\nload average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
