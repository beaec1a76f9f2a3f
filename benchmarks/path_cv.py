# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Regularization path and 5-fold CV: logistic vs scikit-learn and glum (issue 14).

Protocol (one run, one process, each timing a single wall-clock measurement):

* data: a9a (32,561 x 123 CSR, ../shared/data), spambase (4,601 x 57 dense,
  ``log1p`` of the counts; ../shared/data), wide (10,000 x 5,000 CSR, 50
  non-zeros a row, 50 informative columns; seeded, built here);
* grid: logistic's default L1 sequence on all rows, 100 strengths from
  ``alpha_max`` down to ``alpha_max * eps`` (eps 1e-4; 0.1 for wide, where a
  smaller eps ends in an almost unpenalised fit with 4,000 of the 5,000
  columns active, ~1,200 at 0.1);
  scikit-learn receives the same strengths as ``C = 1/(alpha * n)``;
* path: ``logistic.path`` (warm starts, strong rules); glum's
  ``GeneralizedLinearRegressor(alpha_search=True, alphas=grid)`` (its own warm
  started path); scikit-learn has no public L1 path for logistic regression:
  a loop of ``LogisticRegression(l1_ratio=1, solver="liblinear")`` (its fastest
  L1 solver for this size; it penalises the intercept, a slightly different
  problem);
* CV: the same 5 stratified folds (shuffled, seed 0) given as a list of
  splits to ``logistic.LogisticRegressionCV(alphas=grid)``, glum's
  ``GeneralizedLinearRegressorCV(alphas=grid)`` and scikit-learn's
  ``LogisticRegressionCV(Cs=1/(grid*n), solver="liblinear", scoring="neg_log_loss")``;
* tolerances: logistic ``tol=1e-6`` (max-norm of the standardized KKT
  residual), glum and scikit-learn at their defaults (glum gradient_tol 1e-4
  style stopping; scikit-learn tol=1e-4); every library single-threaded
  (``n_jobs=1``, BLAS and OpenMP limited to one thread, the libraries loaded
  before the limit is set so that it reaches glum's OpenMP runtime too; the
  run stops if any thread pool is not at 1) so that the ratios measure the
  algorithms, not a shared machine's free cores;
* every timed call is made once on a small problem first (untimed), so no
  library's first-call costs land on the first dataset;
* timing: wall clock and CPU time (``time.process_time``) of each stage, one
  measurement each. With every library on one thread the CPU time is the
  work done, and it is much less disturbed than the wall clock when other
  jobs share the machine.

Run from the repository root: ``python -m benchmarks.path_cv`` (``--quick``:
20 strengths, for a smoke test). Prints a Markdown table and writes
``benchmarks/results/path_cv.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

HERE = Path(__file__).resolve().parent


def wide(
    n: int = 10_000, p: int = 5_000, nnz_row: int = 50, seed: int = 14
) -> tuple[Any, np.ndarray]:
    """Seeded sparse text-like problem with 50 informative columns."""
    rng = np.random.default_rng(seed)
    cols = np.sort(rng.integers(0, p, size=(n, nnz_row)), axis=1)
    keep = np.ones_like(cols, dtype=bool)
    keep[:, 1:] = cols[:, 1:] != cols[:, :-1]
    indptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))])
    indices = cols[keep].astype(np.int32)
    data = rng.exponential(1.0, indices.size)
    X = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    beta = np.zeros(p)
    beta[rng.choice(p, 50, replace=False)] = rng.normal(0, 3.0, 50)
    y = (rng.random(n) < expit(X @ beta - 0.5)).astype(np.float64)
    return X, y


def spambase() -> tuple[Any, np.ndarray]:
    from benchmarks.datasets import SHARED

    with gzip.open(SHARED / "spambase" / "spambase.tsv.gz", "rt") as fh:
        d = np.loadtxt(fh, delimiter="\t", skiprows=1)
    return np.log1p(d[:, :-1]), d[:, -1]


def a9a() -> tuple[Any, np.ndarray]:
    from benchmarks.datasets import load

    return load("a9a")


DATASETS = {"a9a": (a9a, 1e-4), "spambase": (spambase, 1e-4), "wide": (wide, 0.1)}


#: The timed stages of one dataset, in the order run_dataset runs them.
STAGES = [
    "path logistic",
    "path glum",
    "path scikit-learn",
    "CV logistic",
    "CV glum",
    "CV scikit-learn",
]
_DONE: list[str] = []


#: CPU seconds of each stage (``time.process_time``), by the key of its wall time
CPU: dict[str, float] = {}


def _timed(fn: Any) -> tuple[float, Any]:
    """Wall time of ``fn()`` (warnings silenced; its CPU time recorded in
    ``CPU`` under the stage's name); a progress line on stderr."""
    t, c = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn()
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    stage = STAGES[len(_DONE) % len(STAGES)]
    _DONE.append(stage)
    CPU[stage] = cpu
    print(f"  {stage}: {elapsed:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    return elapsed, out


def run_dataset(name: str, n_alphas: int, tol: float) -> dict[str, Any]:
    from glum import GeneralizedLinearRegressor, GeneralizedLinearRegressorCV
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.linear_model import LogisticRegressionCV as SkCV
    from sklearn.model_selection import StratifiedKFold

    import logistic

    load, eps = DATASETS[name]
    X, y = load()
    n = X.shape[0]
    grid = logistic.path(X, y, n_alphas=1).alpha_max * np.geomspace(1, eps, n_alphas)
    Cs = 1.0 / (grid * n)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    out: dict[str, Any] = {
        "dataset": name,
        "shape": list(X.shape),
        "n_alphas": n_alphas,
        "eps": eps,
    }

    t, res = _timed(lambda: logistic.path(X, y, grid, tol=tol))
    out["path_logistic"] = t
    out["path_logistic_nnz_last"] = int(res.n_nonzero[-1])
    t, g = _timed(
        lambda: GeneralizedLinearRegressor(
            family="binomial", alpha_search=True, alphas=grid, l1_ratio=1.0
        ).fit(X, y)
    )
    out["path_glum"] = t
    out["path_glum_max_coef_diff_mid"] = float(
        np.abs(g.coef_path_[n_alphas // 2] - res.coefs[n_alphas // 2]).max()
    )

    def sk_path() -> None:
        for C in Cs:
            SkLR(l1_ratio=1.0, C=C, solver="liblinear").fit(X, y)

    out["path_sklearn"], _ = _timed(sk_path)

    t, ours = _timed(
        lambda: logistic.LogisticRegressionCV(
            penalty="l1", alphas=grid, cv=folds, tol=tol, n_jobs=1
        ).fit(X, y)
    )
    out["cv_logistic"], out["cv_logistic_alpha"] = t, float(ours.alpha_)
    t, gcv = _timed(
        lambda: GeneralizedLinearRegressorCV(
            family="binomial", l1_ratio=[1.0], alphas=grid, cv=folds, n_jobs=1
        ).fit(X, y)
    )
    out["cv_glum"], out["cv_glum_alpha"] = t, float(gcv.alpha_)
    t, skcv = _timed(
        lambda: SkCV(
            Cs=Cs, cv=folds, l1_ratios=(1.0,), solver="liblinear", scoring="neg_log_loss",
            n_jobs=1, use_legacy_attributes=False,
        ).fit(X, y)
    )  # fmt: skip
    out["cv_sklearn"], out["cv_sklearn_C"] = t, float(skcv.C_)
    out["cv_logistic_C"] = float(ours.C_[0])
    for stage in STAGES:
        task, lib = stage.split(" ")
        key = {"path": "path", "CV": "cv"}[task]
        out[f"{key}_{_KEY[lib]}_cpu"] = CPU[stage]
    return out


_KEY = {"logistic": "logistic", "glum": "glum", "scikit-learn": "sklearn"}


def warm_up() -> None:
    """One small fit of every timed call, untimed: first-call costs (imports,
    lazy initialisation, compiled-code loading) stay out of the first dataset."""
    from glum import GeneralizedLinearRegressor, GeneralizedLinearRegressorCV
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.linear_model import LogisticRegressionCV as SkCV

    import logistic

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(np.float64)
    grid = logistic.path(X, y, n_alphas=1).alpha_max * np.geomspace(1, 0.1, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logistic.path(X, y, grid)
        logistic.path(sp.csr_matrix(X), y, grid)
        logistic.LogisticRegressionCV(penalty="l1", alphas=grid, cv=3).fit(X, y)
        for data in (X, sp.csr_matrix(X)):
            GeneralizedLinearRegressor(
                family="binomial", alpha_search=True, alphas=grid, l1_ratio=1.0
            ).fit(data, y)
            GeneralizedLinearRegressorCV(
                family="binomial", l1_ratio=[1.0], alphas=grid, cv=3
            ).fit(data, y)
            SkLR(l1_ratio=1.0, C=1.0, solver="liblinear").fit(data, y)
            SkCV(Cs=3, cv=3, l1_ratios=(1.0,), solver="liblinear",
                 use_legacy_attributes=False).fit(data, y)  # fmt: skip


def table(rows: list[dict[str, Any]], suffix: str = "") -> str:
    """Markdown table of the wall times (``suffix=""``) or CPU times (``"_cpu"``)."""
    lines = [
        "| dataset | task | logistic | glum | scikit-learn | glum / logistic | scikit-learn / logistic |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        shape = "x".join(str(s) for s in r["shape"])
        for task in ("path", "cv"):
            ours, glum, sk = (r[f"{task}_{k}{suffix}"] for k in ("logistic", "glum", "sklearn"))
            label = f"{r['n_alphas']}-point L1 path" if task == "path" else "5-fold CV"
            lines.append(
                f"| {r['dataset']} ({shape}) | {label} | {ours:.2f} s | {glum:.2f} s | {sk:.2f} s "
                f"| {glum / ours:.2f}x | {sk / ours:.2f}x |"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20 strengths (smoke test)")
    ap.add_argument("--datasets", default="a9a,spambase,wide")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--json", default=str(HERE / "results" / "path_cv.json"))
    args = ap.parse_args()
    # every library whose threads threadpool_limits must see is loaded first:
    # it limits only the thread pools (BLAS, OpenMP) already loaded when entered
    import glum  # glum's OpenMP runtime
    import sklearn
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_info, threadpool_limits

    import logistic  # noqa: F401

    n_alphas = 20 if args.quick else 100
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    rows = []
    with threadpool_limits(1):
        pools = threadpool_info()
        if any(p["num_threads"] != 1 for p in pools):
            raise SystemExit(f"thread pools not limited to 1: {pools}")
        warm_up()
        for name in args.datasets.split(","):
            rows.append(run_dataset(name, n_alphas, args.tol))
            print(json.dumps(rows[-1]), flush=True)

    meta = {
        "started": started,
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "glum": glum.__version__,
        "cpus": os.cpu_count(),
        "thread_pools": [
            (p["internal_api"], p["num_threads"], Path(p["filepath"]).name)
            for p in pools
        ],
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n"
    )
    print(json.dumps(meta))
    print("Wall clock:")
    print(table(rows))
    print("CPU time (time.process_time; every library on one thread):")
    print(table(rows, "_cpu"))


if __name__ == "__main__":
    main()
