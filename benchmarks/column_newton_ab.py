# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""``newton-cd-columns`` on a sparse dataset: two source trees A/B, and where a fit's time goes.

Usage (from the repository root)::

    python -m benchmarks.column_newton_ab ab BASE_TREE [NEW_TREE] [--dataset reuters] [--reps 11] [--tol 1e-6]
    python -m benchmarks.column_newton_ab split [--dataset reuters] [--fits 20] [--tol 1e-6]
    python -m benchmarks.column_newton_ab first [--dataset reuters] [--reps 11] [--fits 3] [--tol 1e-5] [--prep NAME=CODE ...]

``ab``: the fit of :mod:`benchmarks._fit` (a fresh process, an untimed
200-row warm-up fit, then the timed fit of ``logistic:auto``, L2 with
alpha = 1/n) alternately from two source trees (each a checkout with its
compiled modules built in place, e.g. ``git archive <commit> | tar -x -C
DIR`` then ``python setup.py build_ext --inplace`` there; NEW_TREE defaults
to this one), order alternating; prints the median and smallest time of
each, the iterations, the largest coefficient difference and the load
average before and after (other work on the machine moves every number).

``split``: in this process, the thread CPU time of a fit (``time.thread_time``:
time this thread ran, less sensitive to other processes than wall time)
and of each compiled kernel it calls, averaged over ``--fits`` fits, with
the reads of X the history counts.
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

HERE = Path(__file__).resolve().parents[1]


def _child(tree: str, arg: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=f"{tree}/src:{tree}")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks._fit", arg],
        cwd=tree, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def ab(base: str, new: str, dataset: str, reps: int, tol: float) -> None:
    from benchmarks import datasets

    X, _ = datasets.load(dataset)
    arg = json.dumps(
        {"dataset": dataset, "method": "logistic:auto", "tol": tol,
         "alpha": 1.0 / X.shape[0], "float32": False}
    )  # fmt: skip
    trees = {"base": base, "new": new}
    times: dict[str, list[float]] = {k: [] for k in trees}
    last: dict[str, dict[str, Any]] = {}
    print(f"load average before: {os.getloadavg()}")
    for i in range(reps):
        for k in list(trees) if i % 2 == 0 else list(trees)[::-1]:
            last[k] = _child(trees[k], arg)
            times[k].append(last[k]["time"])
    print(f"load average after: {os.getloadavg()}")
    for k, ts in times.items():
        print(
            f"{k:5s} {trees[k]}: median {statistics.median(ts) * 1e3:.1f} ms, "
            f"min {min(ts) * 1e3:.1f} ms, iterations {last[k]['n_iter']}"
        )
    diff = np.max(np.abs(np.subtract(last["base"]["coef"], last["new"]["coef"])))
    print(f"largest coefficient difference: {diff:.1e}")


def _timed_kernels(spent: dict[str, float]) -> None:
    """Wrap the compiled kernels a fit calls so that each adds its thread CPU
    time to ``spent`` under its name."""
    import scipy.sparse._csr as csr_module

    from logistic import _cd, _moments
    from logistic.solvers import column_newton

    def timed(module: Any, name: str) -> None:
        f = getattr(module, name, None)
        if f is None:  # a tree without this kernel
            return

        def wrapper(*a: Any, **k: Any) -> Any:
            t = time.thread_time()
            try:
                return f(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.thread_time() - t

        setattr(module, name, wrapper)

    for name in ("gradient_sweep", "more_sweeps", "loss_pass", "loss_pass_step",
                 "kkt_standardized", "col_dots_csc", "col_stats_csc", "cd_columns",
                 "csr_to_csc"):  # fmt: skip
        timed(_cd, name)
    timed(_moments, "_compiled_sparse_stats")
    timed(column_newton, "csc_column_stats")  # imported there by name
    timed(csr_module, "csr_tocsc")


def split(dataset: str, fits: int, tol: float) -> None:
    from benchmarks import datasets
    from logistic import LogisticRegression

    warnings.simplefilter("ignore")
    X, y = datasets.load(dataset)
    n = X.shape[0]
    spent: dict[str, float] = {}
    _timed_kernels(spent)

    def fit() -> tuple[float, Any]:
        model = LogisticRegression(penalty="l2", alpha=1 / n, tol=tol, max_iter=100_000)
        t = time.thread_time()
        model.fit(X, y)
        return time.thread_time() - t, model

    for _ in range(3):
        fit()
    spent.clear()
    total, model = 0.0, None
    for _ in range(fits):
        t, model = fit()
        total += t
    assert model is not None
    print(
        f"{dataset}: solver {model.solver_}, {model.n_iter_[0]} iterations, "
        f"{model.history_[-1]['n_passes']} reads of X; thread CPU a fit {total / fits * 1e3:.2f} ms"
    )
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:24s} {s / fits * 1e3:6.2f} ms")
    print(f"  {'the rest':24s} {(total - sum(spent.values())) / fits * 1e3:6.2f} ms")


def _first_child(dataset: str, fits: int, tol: float, prep: str) -> None:
    """One process of ``first``: prints a JSON list, one dict a fit."""
    import resource

    from benchmarks import datasets
    from benchmarks._fit import _warm_up
    from logistic import LogisticRegression

    warnings.simplefilter("ignore")
    X, y = datasets.load(dataset)
    alpha = 1.0 / X.shape[0]
    _warm_up("logistic:auto", X, y, alpha, tol)
    exec(prep)  # the variant's diagnosis (the command line's code)
    spent: dict[str, float] = {}
    _timed_kernels(spent)
    out = []
    for _ in range(fits):
        spent.clear()
        model = LogisticRegression(penalty="l2", alpha=alpha, tol=tol, max_iter=100_000)
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        p0, t0, w0 = time.process_time(), time.thread_time(), time.perf_counter()
        model.fit(X, y)
        w1, t1, p1 = time.perf_counter(), time.thread_time(), time.process_time()
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        row = {
            "wall": w1 - w0,
            "thread": t1 - t0,
            "other threads": (p1 - p0) - (t1 - t0),
        }
        row.update({k: v for k, v in spent.items()})
        row["minor faults"] = r1.ru_minflt - r0.ru_minflt
        row["waits"] = r1.ru_nvcsw - r0.ru_nvcsw
        out.append(row)
    print(json.dumps(out))


def first(dataset: str, reps: int, fits: int, tol: float, preps: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=f"{HERE}/src:{HERE}")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    variants = dict([("plain", "")] + [tuple(p.split("=", 1)) for p in preps])
    names = list(variants)
    runs: dict[str, list[Any]] = {k: [] for k in names}
    for i in range(reps):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            cmd = [sys.executable, "-m", "benchmarks.column_newton_ab", "first-child",
                   "--dataset", dataset, "--fits", str(fits), "--tol", str(tol),
                   "--prep", f"x={variants[name]}"]  # fmt: skip
            proc = subprocess.run(
                cmd, cwd=HERE, env=env, capture_output=True, text=True, check=True
            )
            runs[name].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{dataset}, tol {tol:g}: medians over {reps} fresh processes a variant")
    print("(ms; minor faults and waits: counts)")
    for name, got in runs.items():
        print(f"{name}: {'first fit':>19s} {'later fits':>10s}")
        for key in got[0][0]:
            scale = 1.0 if key in ("minor faults", "waits") else 1e3
            one = statistics.median(r[0].get(key, 0.0) for r in got) * scale
            rest = [statistics.median(f.get(key, 0.0) for f in r[1:]) for r in got]
            later = f"{statistics.median(rest) * scale:10.2f}" if fits > 1 else ""
            print(f"  {key:24s} {one:10.2f} {later}")
        for key in ("csr_to_csc", "thread", "wall"):
            values = " ".join(f"{r[0].get(key, 0.0) * 1e3:.2f}" for r in got)
            print(f"  first fits' {key}: {values}")
    print(f"load average after: {os.getloadavg()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["ab", "split", "first", "first-child"])
    ap.add_argument("trees", nargs="*")
    ap.add_argument("--dataset", default="reuters")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--fits", type=int, default=20)
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--prep", action="append", default=[], help="NAME=CODE (first)")
    a = ap.parse_args()
    if a.mode == "ab":
        if not a.trees:
            ap.error("ab needs BASE_TREE [NEW_TREE]")
        ab(
            a.trees[0],
            a.trees[1] if len(a.trees) > 1 else str(HERE),
            a.dataset,
            a.reps,
            a.tol,
        )
    elif a.mode == "split":
        split(a.dataset, a.fits, a.tol)
    elif a.mode == "first":
        first(a.dataset, a.reps, max(1, a.fits), a.tol, a.prep)
    else:
        _first_child(a.dataset, max(1, a.fits), a.tol, a.prep[0].split("=", 1)[1])


if __name__ == "__main__":
    main()
