# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""One fit in a fresh process: load a dataset, time one method, report peak memory.

Convention: invoked as ``python -m benchmarks._fit '<json>'`` with keys
``dataset``, ``method`` (``library:solver``), ``tol``, ``alpha`` (our
scale: the objective is ``mean loss + alpha/2 ‖w‖²``; ``None`` =
unpenalized) and ``float32``. Prints one JSON line: ``time`` (seconds, the
fit call only), ``coef`` (without intercept), ``intercept``, ``n_iter``,
``rss_loaded_mb`` (resident memory after loading the data),
``peak_rss_mb`` (``VmHWM``, the RSS high-water mark of this process's
address space: interpreter, imports and data included; ``ru_maxrss`` is
not used because a spawned child may inherit its parent's), ``x_mb`` (bytes of X).

Before the timed fit, the same method fits 200 of the rows (the first 100 of
each class), untimed: each library's first-use costs (imports it defers to
the first fit, such as ours of ``scipy.optimize``; thread pools) stay out of
every library's timing alike, as scikit-learn's and glum's module imports
already are.

Every library gets the same problem: L2 with scikit-learn's ``C = 1 /
(alpha · n)``, glum's ``alpha`` (its objective is ours), unpenalized
intercept (liblinear penalizes its intercept: a different problem, which the
harness reports as such).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp


def child_env(*paths: Path) -> dict[str, str]:
    """The environment of a child process that times fits: this process's,
    ``paths`` (source trees) first on ``PYTHONPATH``, and without
    ``PYTHONDONTWRITEBYTECODE``. With that variable set, a module whose
    cached bytecode is stale is compiled again on every import, and a module
    a fit imports lazily (``solvers.newton`` in a9a's timed fit, after a
    warm-up that took another solver) puts its compile time into the fit."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    return env


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _hwm_mb() -> float:
    """VmHWM: peak RSS of this address space (not inherited from the parent)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _x_bytes(X: Any) -> int:
    if sp.issparse(X):
        return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
    return int(X.nbytes)


def fit(method: str, X: Any, y: np.ndarray, alpha: float | None, tol: float) -> dict:
    lib, solver = method.split(":", 1)
    n = X.shape[0]
    if lib == "logistic":
        from logistic import LogisticRegression

        penalty = None if alpha is None else "l2"
        model = LogisticRegression(
            penalty=penalty, alpha=alpha or 0.0, solver=solver, tol=tol, max_iter=100_000
        )
        t0 = time.perf_counter()
        model.fit(X, y)
        elapsed = time.perf_counter() - t0
        n_iter = int(np.ravel(model.n_iter_)[0])
        return dict(time=elapsed, coef=model.coef_.ravel().tolist(),
                    intercept=float(np.ravel(model.intercept_)[0]), n_iter=n_iter)
    if lib == "sklearn":
        from sklearn.linear_model import LogisticRegression as SK

        C = np.inf if alpha is None else 1.0 / (alpha * n)
        kw: dict[str, Any] = dict(C=C, solver=solver, tol=tol, max_iter=1_000_000)
        if solver == "liblinear":
            kw["max_iter"] = 100_000
        model = SK(**kw)
        t0 = time.perf_counter()
        model.fit(X, y)
        elapsed = time.perf_counter() - t0
        return dict(time=elapsed, coef=model.coef_.ravel().tolist(),
                    intercept=float(model.intercept_[0]), n_iter=int(np.max(model.n_iter_)))
    if lib == "glum":
        from glum import GeneralizedLinearRegressor

        model = GeneralizedLinearRegressor(
            family="binomial", alpha=0.0 if alpha is None else alpha, l1_ratio=0.0,
            solver=solver, gradient_tol=tol, max_iter=100_000,
        )
        t0 = time.perf_counter()
        model.fit(X, y)
        elapsed = time.perf_counter() - t0
        return dict(time=elapsed, coef=np.ravel(model.coef_).tolist(),
                    intercept=float(model.intercept_), n_iter=int(model.n_iter_))
    raise ValueError(method)


def _warm_up(method: str, X: Any, y: np.ndarray, alpha: float | None, tol: float) -> None:
    """One untimed fit of ``method`` on the first 100 rows of each class."""
    rows = np.concatenate([np.flatnonzero(y == c)[:100] for c in np.unique(y)])
    try:
        fit(method, X[np.sort(rows)], y[np.sort(rows)], alpha, tol)
    except Exception:  # a warm-up that fails only leaves the costs in the timing
        pass


def main(argv: list[str]) -> None:
    args = json.loads(argv[0])
    from benchmarks.datasets import load

    X, y = load(args["dataset"], float32=bool(args.get("float32")))
    loaded = _rss_mb()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _warm_up(args["method"], X, y, args.get("alpha"), float(args["tol"]))
        out = fit(args["method"], X, y, args.get("alpha"), float(args["tol"]))
    out["rss_loaded_mb"] = loaded
    out["peak_rss_mb"] = _hwm_mb()
    out["x_mb"] = _x_bytes(X) / 2**20
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
