"""Choosing a backend for the data given to ``fit``, and fitting on a backend.

Convention (owned here): :func:`as_backend` returns ``None`` for ordinary
in-memory data (numpy arrays, scipy sparse matrices, pandas/polars frames,
lists), which the estimator handles itself; otherwise a backend:

* a path (``str`` / ``os.PathLike``) → :class:`~logistic.backends.chunked.Chunked`
  streaming Parquet (a ``.parquet`` file or a directory of them) or CSV
  (``.csv``, ``.csv.gz``, ``.tsv``, ``.txt``); ``y`` (or ``target=``) names the
  label column, ``sample_weight`` / ``offset`` may name columns;
* a callable returning an iterable of ``(X, y[, w[, offset]])`` blocks → a
  ``Chunked`` backend (an iterator or generator is refused: a fit needs many
  passes);
* a Dask array or DataFrame → :class:`~logistic.backends.dask.Dask`;
* an object that already implements the Backend Protocol → itself.

pyarrow and dask are imported only on those paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError

__all__ = ["as_backend", "fit_backend", "is_out_of_core", "should_stream"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".bz2")


def _is_backend(X: Any) -> bool:
    return hasattr(X, "map_reduce") and hasattr(X, "n_features")


def is_out_of_core(X: Any) -> bool:
    """Whether ``fit(X, ...)`` would go through :func:`as_backend` (cheap test)."""
    from .dask import is_dask_collection

    return (
        isinstance(X, (str, os.PathLike))
        or _is_backend(X)
        or is_dask_collection(X)
        or isinstance(X, Iterator)
        or (callable(X) and not hasattr(X, "shape") and not isinstance(X, type))
    )


def should_stream(path: str | os.PathLike[str], fraction: float = 0.25) -> bool:
    """Whether a file (or directory of files) is worth streaming out of core.

    True when its size on disk exceeds ``fraction`` of the machine's physical
    memory (in memory, parsed data take about as much as Parquet on disk and
    less than CSV text; the solver needs a few block-sized temporaries more).
    The CLI's automatic switch to out-of-core fitting.
    """
    from pathlib import Path

    p = Path(path)
    files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
    size = sum(f.stat().st_size for f in files)
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return size > 2**30
    return size > fraction * memory


def _column(v: Any, name: str) -> str | None:
    if v is None or isinstance(v, str):
        return v
    raise InvalidParameterError(
        f"with a file path as X, {name} must name a column (a str), got "
        f"{type(v).__name__}"
    )


def as_backend(
    X: Any, y: Any = None, sample_weight: Any = None, offset: Any = None, **opts: Any
) -> Any:
    """A backend for ``X`` (see the module docstring), or None for in-memory data.

    Parameters
    ----------
    X : path, callable, Dask collection, Backend or array-like
    y : label column name (paths), Dask collection (Dask X) or None
    sample_weight, offset : column names (paths), Dask collections or None
    **opts
        Passed to the backend: ``target``, ``features``, ``chunk_rows``,
        ``chunk_bytes``, ``dtype``, ``classes``, ``progress``; Dask also
        ``client``, ``persist``, ``timeout``; CSV also ``csv_options``.
    """
    if _is_backend(X):
        return X
    if isinstance(X, (str, os.PathLike)):
        from .chunked import Chunked

        target = opts.pop("target", None) or _column(y, "y")
        weight = _column(sample_weight, "sample_weight")
        off = _column(offset, "offset")
        path = os.fspath(X)
        suffix = os.path.splitext(path)[1].lower()
        if suffix in CSV_SUFFIXES:
            return Chunked.from_csv(
                path, target=target, weight=weight, offset=off, **opts
            )
        opts.pop("csv_options", None)
        return Chunked.from_parquet(
            path, target=target, weight=weight, offset=off, **opts
        )
    from .dask import is_dask_collection

    if is_dask_collection(X):
        from .dask import Dask

        return Dask(X, y, sample_weight, offset, **opts)
    if isinstance(X, Iterator) or (
        callable(X) and not hasattr(X, "shape") and not isinstance(X, type)
    ):
        from .chunked import Chunked

        if y is not None or sample_weight is not None or offset is not None:
            raise InvalidParameterError(
                "with blocks as X, put y, sample_weight and offset inside each block "
                "tuple (X, y[, sample_weight[, offset]]) and pass y=None"
            )
        return Chunked.from_blocks(X, **opts)
    return None


def fit_backend(
    estimator: Any,
    backend: Any,
    *,
    checkpoint: Any = None,
    resume: bool = True,
    force_resume: bool = False,
) -> Any:
    """Fit ``estimator`` (a :class:`logistic.LogisticRegression`) on a backend.

    The estimator's parameters mean what they mean for in-memory data; the
    solver must be able to stream (``Capabilities.streaming``). With
    ``checkpoint`` (a path) a checkpoint is written each iteration and a fit
    resumes from an existing one (see :mod:`logistic._checkpoint`).

    Returns
    -------
    estimator
    """
    from .._checkpoint import Checkpointer, run_with_checkpoint
    from .._objective import LogisticObjective
    from ..estimator import default_tol, penalty_strengths
    from ..solvers import get_solver
    from .in_memory import InMemory

    est = estimator
    est._validate_params()
    if getattr(est, "penalty", None) not in (None, "l2", "l1", "elasticnet"):
        raise InvalidParameterError(
            f"penalty={est.penalty!r} is not available for out-of-core or Dask data"
        )
    if getattr(est, "class_weight", None) is not None and not isinstance(
        backend, InMemory
    ):  # in memory, the estimator has folded class weights into sample_weight
        raise InvalidParameterError(
            f"class_weight={est.class_weight!r} is not available for out-of-core or "
            f"Dask data; put per-row weights in a sample_weight column instead"
        )
    n, p = int(backend.n_samples), int(backend.n_features)
    total = getattr(backend, "weight_sum", None)
    l1, l2 = penalty_strengths(
        est.penalty,
        est.alpha,
        est.l1_ratio,
        est.C,
        float(total) if total is not None else float(n),
    )
    objective = LogisticObjective(backend, l2=l2, fit_intercept=est.fit_intercept)
    name = est._resolve_solver(SimpleNamespace(shape=(n, p)), l1)
    if not get_solver(name).capabilities.streaming:
        raise InvalidParameterError(
            f"solver {name!r} needs random access to rows and cannot stream "
            f"out-of-core or Dask data; use 'newton', 'lbfgs' or 'gd'"
        )
    tol = default_tol(backend.dtype) if est.tol is None else float(est.tol)
    run = None
    if checkpoint is not None:
        config = {
            "solver": name,
            "l1": l1,
            "l2": l2,
            "tol": tol,
            "n_params": objective.n_params,
            "fit_intercept": est.fit_intercept,
            "dtype": str(backend.dtype),
        }
        fp = getattr(backend, "fingerprint", None) or "unknown"
        ckpt = Checkpointer(checkpoint, fingerprint=fp, config=config)

        def run(solver: Any, obj: Any, theta0: Any) -> Any:
            return run_with_checkpoint(
                solver, obj, theta0, ckpt, resume=resume, force=force_resume
            )

    result, _ = est._solve(objective, name, tol, l1, None, run=run)
    names = getattr(backend, "feature_names", None)
    est._store(
        result,
        objective,
        np.asarray(backend.classes_),
        None if names is None else np.asarray(names, dtype=object),
        name,
        l1=l1,
        tol=tol,
        separation=None,
    )
    return est


def in_memory_backend(
    X: Any,
    y01: np.ndarray,
    sample_weight: Any = None,
    offset: Any = None,
    classes: Any = None,
    feature_names: Any = None,
) -> Any:
    """An :class:`InMemory` backend carrying what :func:`fit_backend` reads.

    Used to checkpoint in-memory fits (validated arrays, ``y01`` in {0, 1}):
    adds ``n_samples``, ``classes_``, ``feature_names``, ``weight_sum`` and a
    content ``fingerprint`` of the arrays.
    """
    import hashlib

    import scipy.sparse as sp

    from .in_memory import InMemory

    y01 = np.asarray(y01).astype(X.dtype, copy=False)
    backend: Any = InMemory(X, y01, sample_weight, offset)
    h = hashlib.blake2b(digest_size=16)
    parts = [X.data, X.indices, X.indptr] if sp.issparse(X) else [X]
    for v in (*parts, y01, sample_weight, offset):
        h.update(b"-" if v is None else np.ascontiguousarray(v).tobytes())
    backend.fingerprint = h.hexdigest()
    backend.classes_ = np.array([0, 1]) if classes is None else np.asarray(classes)
    backend.feature_names = None if feature_names is None else list(feature_names)
    total = X.shape[0] if sample_weight is None else np.sum(sample_weight)
    backend.weight_sum = float(total)
    return backend
