# ruff: noqa: E501  (tables read best unwrapped)
"""Where a process's first full fit spends its time: estimator steps, compiled calls, Python.

Usage (from the repository root)::

    PYTHONPATH=src:. python -m benchmarks.fit_stages [--dataset higgs] [--rounds 11] [--later 5]

Each of ``--rounds`` fresh processes loads the data (``benchmarks/data``), makes
the suite's untimed warm-up fit (``benchmarks._fit``: the first 100 rows of
each class), then times the first full fit of ``LogisticRegression(penalty="l2",
alpha=1/n, tol=1e-4, max_iter=100000)`` and ``--later`` more fits, with
``time.perf_counter`` wrappers around the estimator's steps (the backend,
the standardized view and its column statistics, Newton's start and steps,
...) and around every call into the compiled module (``K name``) and LAPACK.
Times of nested wrappers include their children. The table gives medians over
processes (µs) of the first fit and of the later fits' medians; "Python" is
the whole fit less every compiled call. The wrappers cost well under a
microsecond a call; the fit makes about a thousand Python calls, so the
totals are a few per cent above an unwrapped fit's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._fit import child_env

ROOT = Path(__file__).resolve().parents[1]


def _child(dataset: str, later: int) -> None:
    import numpy as np

    import logistic._compiled as compiled
    import logistic._linalg as linalg
    import logistic._scaling as scaling
    import logistic.estimator as est
    import logistic.solvers.newton as newton
    from benchmarks.datasets import load
    from logistic import LogisticRegression

    spent: dict[str, float] = {}

    def timed(label: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0

        return wrapper

    for name in ("encode_for_fit", "check_fit_names", "checked_solver", "solve",
                 "fit_statistics", "design_aliasing"):  # fmt: skip
        setattr(est, name, timed(name, getattr(est, name)))
    for name in ("_backend", "_store", "_validate_params"):
        setattr(est.LogisticRegression, name, timed(name, getattr(est.LogisticRegression, name)))
    scaling.ScaledObjective.__init__ = timed("view (ScaledObjective)", scaling.ScaledObjective.__init__)  # type: ignore[method-assign]
    scaling.column_moments = timed("  column statistics", scaling.column_moments)
    newton.Newton.init_state = timed("  Newton start", newton.Newton.init_state)  # type: ignore[method-assign]
    newton.Newton.step = timed("  Newton steps", newton.Newton.step)  # type: ignore[method-assign]
    module = compiled.compiled_kernel()

    class Timed:
        def __getattr__(self, name: str) -> Any:
            value = getattr(module, name)
            return timed("K " + name, value) if callable(value) else value

    compiled._COMPILED["module"] = Timed()
    linalg._lapack_solve = timed("K LAPACK solve", linalg._lapack_solve)

    X, y = load(dataset)
    n = X.shape[0]
    rows = np.sort(np.concatenate([np.flatnonzero(y == c)[:100] for c in np.unique(y)]))

    def model() -> Any:
        return LogisticRegression(penalty="l2", alpha=1.0 / n, tol=1e-4, max_iter=100_000)

    model().fit(X[rows], y[rows])
    runs = []
    for _ in range(1 + later):
        spent.clear()
        t0 = time.perf_counter()
        model().fit(X, y)
        total = time.perf_counter() - t0
        kernels = sum(v for k, v in spent.items() if k.startswith("K "))
        runs.append({**spent, "whole fit": total, "Python (whole fit less K)": total - kernels})
    print(json.dumps(runs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default="higgs")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--later", type=int, default=5)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.later < 1 or a.rounds < 1:
        ap.error("--rounds and --later must be at least 1")
    if a.child:
        _child(a.dataset, a.later)
        return
    processes = []
    for _ in range(a.rounds):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.fit_stages", "--child", "--dataset", a.dataset,
             "--later", str(a.later)],
            capture_output=True, text=True, check=True, cwd=ROOT, env=child_env(),
        )  # fmt: skip
        processes.append(json.loads(out.stdout.strip().splitlines()[-1]))
    labels = sorted({k for runs in processes for k in runs[0]},
                    key=lambda k: -statistics.median(r[0].get(k, 0.0) for r in processes))  # fmt: skip
    print(f"{a.dataset}: {a.rounds} processes, µs, median first fit / median of later fits")
    print("| stage | first fit | later fits | first − later |\n|---|---|---|---|")
    for k in labels:
        first = statistics.median(r[0].get(k, 0.0) for r in processes) * 1e6
        rest = statistics.median(statistics.median(x.get(k, 0.0) for x in r[1:]) for r in processes) * 1e6
        print(f"| {k} | {first:.0f} | {rest:.0f} | {first - rest:+.0f} |")


if __name__ == "__main__":
    main()
