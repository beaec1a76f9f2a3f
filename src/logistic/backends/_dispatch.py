"""Choosing a backend for the data given to ``fit``.

Convention (owned here): :func:`as_backend` turns ordinary in-memory data
(numpy arrays, scipy sparse matrices, pandas/polars frames, lists) into an
:class:`~logistic.backends.InMemory` backend after the checks of
:func:`logistic._validation.check_fit_data`; otherwise:

* a path (``str`` / ``os.PathLike``) → :class:`~logistic.backends.chunked.Chunked`
  streaming Parquet (a file or a directory of them) or CSV, as
  :func:`logistic.formats.sniff_format` tells (a LibSVM file is refused: it
  is read in memory); ``y`` (or ``target=``) names the label column,
  ``sample_weight`` / ``offset`` may name columns;
* a callable returning an iterable of ``(X, y[, w[, offset]])`` blocks, or
  a list of them (:func:`is_blocks`) → a ``Chunked`` backend (an iterator
  or generator is refused: a fit needs many passes);
* a Dask array or DataFrame → :class:`~logistic.backends.dask.Dask`;
* a PyTorch tensor, CuPy array or CSR matrix, or any other array-API array
  (``__array_namespace__``, numpy's excepted) →
  :class:`~logistic.backends.array_api.ArrayAPI`: the data stay on their
  device (class weights are folded into the weights as for arrays);
* an object that already implements the Backend Protocol
  (:class:`logistic._typing.Backend`) → itself; an object with ``map_reduce``
  that lacks a declared member is refused, naming it.

pyarrow, dask and array_api_compat are imported only on those paths. The fit
itself is the estimator's (:meth:`logistic.LogisticRegression.fit`): backends
never drive one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._kernels_xp import is_device_array
from .._labels import check_encoded_labels
from .._sparse_structure import hand_off_scope
from .._typing import Backend, is_dask_collection
from .._validation import check_fit_data
from ..formats import sniff_format
from .in_memory import InMemory

__all__ = ["as_backend", "in_memory", "is_backend", "is_blocks", "should_stream"]

#: What every :class:`logistic._typing.Backend` declares.
_MEMBERS = (
    "n_samples",
    "n_features",
    "dtype",
    "nnz",
    "classes_",
    "feature_names",
    "fingerprint",
    "capabilities",
    "map_reduce",
)
#: The method each capability promises.
_CAPABILITY_METHODS: dict[str, tuple[str, ...]] = {
    "rows_in_memory": ("rows",),
    "blocks": ("blocks",),
    "block_index": ("map_reduce_indexed",),
    "block_grid": ("map_reduce_indexed",),
    "settles_finite": ("rows_unchecked", "settle_finite"),
}


def is_backend(X: Any) -> bool:
    """Whether ``X`` is meant as a backend (it has ``map_reduce``).

    A backend lacking a member of the Protocol, or a method its
    ``capabilities`` declare, is refused, naming what is missing.
    """
    if not hasattr(X, "map_reduce") or isinstance(X, type):
        return False
    # a member the class defines (a lazy property such as InMemory's content
    # hash, ~1 s on 800 MB) is present without being evaluated
    missing = [m for m in _MEMBERS if not (hasattr(type(X), m) or hasattr(X, m))]
    if not missing:
        missing = [
            method
            for flag, methods in _CAPABILITY_METHODS.items()
            if getattr(X.capabilities, flag)
            for method in methods
            if not hasattr(X, method)
        ]
    if missing:
        raise InvalidParameterError(
            f"{type(X).__name__} has map_reduce but is not a complete backend: it "
            f"lacks {missing} (see logistic._typing.Backend)"
        )
    return True


def is_blocks(X: Any) -> bool:
    """Whether ``X`` is read as blocks of rows ``(X, y[, w[, offset]])``: an
    iterator, a callable returning an iterable of them (not an array-like
    with a shape, nor a class), or a list of them (each a tuple of 2 to 4
    items whose first is 2-D: a list of rows holds numbers there)."""
    if isinstance(X, list) and X:
        return all(
            isinstance(b, tuple) and 2 <= len(b) <= 4 and getattr(b[0], "ndim", 0) == 2
            for b in X
        )
    return isinstance(X, Iterator) or (
        callable(X) and not hasattr(X, "shape") and not isinstance(X, type)
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
    from .._memory import process_memory

    memory = process_memory()
    return size > 2**30 if memory is None else size > fraction * memory


def _column(v: Any, name: str) -> str | None:
    if v is None or isinstance(v, str):
        return v
    raise InvalidParameterError(
        f"with a file path as X, {name} must name a column (a str), got "
        f"{type(v).__name__}"
    )


def in_memory(
    X: Any,
    y: Any,
    sample_weight: Any = None,
    offset: Any = None,
    *,
    class_weight: Any = None,
    estimator: str = "LogisticRegression",
    multiclass: bool = False,
) -> InMemory:
    """Arrays validated as ``fit`` validates them (:func:`check_fit_data`:
    labels encoded once, class weights folded into the sample weights) as an
    :class:`InMemory` backend (K ≥ 2 classes with ``multiclass``). X's
    NaN/±inf check (dense or sparse) is the backend's, folded into its first
    pass or settled by a caller's sums of every value
    (:meth:`InMemory.settle_finite`). Device arrays given as y, weights or
    offsets of a numpy X are copied to the host first (detached, from any
    device: :func:`logistic.backends.array_api.host_array`)."""
    from .array_api import host_array

    y, sample_weight, offset = map(host_array, (y, sample_weight, offset))
    with hand_off_scope():  # X's structure checked once: its verdict ends here
        d = check_fit_data(
            X,
            y,
            sample_weight,
            offset,
            class_weight=class_weight,
            estimator=estimator,
            multiclass=multiclass,
            defer_finite=True,
        )
        y01 = d.y01.astype(d.X.dtype, copy=False)
        return InMemory(
            d.X,
            y01,
            d.sample_weight,
            d.offset,
            classes=d.classes,
            feature_names=d.names,
            finite_checked=not d.finite_pending,
        )


def as_backend(
    X: Any,
    y: Any = None,
    sample_weight: Any = None,
    offset: Any = None,
    *,
    class_weight: Any = None,
    estimator: str = "LogisticRegression",
    multiclass: bool = False,
    **opts: Any,
) -> Backend:
    """A backend for ``X`` (see the module docstring).

    Parameters
    ----------
    X : array-like, path, callable, Dask collection or Backend
    y : labels (arrays), label column name (paths), Dask collection (Dask X)
        or None
    sample_weight, offset : arrays, column names (paths), Dask collections
        or None
    class_weight : dict, "balanced" or None
        Folded into the weights of in-memory data; refused for other data
        (their weights are per-row columns).
    estimator : str
        Named in the messages of in-memory validation.
    multiclass : bool, default=False
        Accept more than two classes (then ``classes_`` lists K sorted labels
        and blocks carry class indices, :mod:`logistic._labels`); arrays,
        files and Dask collections, not device arrays.
    **opts
        Passed to the backend: ``target``, ``features``, ``chunk_rows``,
        ``chunk_bytes``, ``dtype``, ``classes``, ``positive``, ``progress``;
        Dask also ``client``, ``persist``, ``timeout``; CSV also
        ``csv_options``.
    """
    backend = None
    # a numpy array goes to in_memory by a concrete type check: the ABC checks
    # of the other kinds (``os.PathLike``, ``Iterator``) are recomputed for
    # each new type once loading Cython's memoryview types has cleared the
    # ABC caches
    if type(X) is not np.ndarray:
        if is_device_array(X):
            from .array_api import ArrayAPI

            return ArrayAPI.from_arrays(
                X,
                y,
                sample_weight,
                offset,
                class_weight=class_weight,
                estimator=estimator,
                **opts,
            )
        if multiclass and not is_backend(X):
            opts["multiclass"] = True
        backend = _streamed(X, y, sample_weight, offset, **opts)
    if backend is None:
        return in_memory(
            X,
            y,
            sample_weight,
            offset,
            class_weight=class_weight,
            estimator=estimator,
            multiclass=multiclass,
        )
    if class_weight is not None:
        raise InvalidParameterError(
            f"class_weight={class_weight!r} is not available for out-of-core or "
            f"Dask data; put per-row weights in a sample_weight column instead"
        )
    return backend


def _streamed(
    X: Any, y: Any, sample_weight: Any, offset: Any, **opts: Any
) -> Backend | None:
    """The backend of a path, callable, Dask collection or backend, else None."""
    if is_backend(X):
        if isinstance(X, InMemory):  # arrays given straight, never encoded here
            classes = len(X.classes_)
            check_encoded_labels(X.y, X.n_samples, classes, "InMemory backend")
        return X  # type: ignore[no-any-return]
    if isinstance(X, (str, os.PathLike)):
        from .chunked import Chunked

        target = opts.pop("target", None) or _column(y, "y")
        weight = _column(sample_weight, "sample_weight")
        off = _column(offset, "offset")
        path = os.fspath(X)
        kind, _compression = sniff_format(path)
        if kind == "csv":
            return Chunked.from_csv(
                path, target=target, weight=weight, offset=off, **opts
            )
        if kind != "parquet":
            raise InvalidParameterError(
                f"{path} is a {kind} file, which is read in memory only: load it "
                f"(logistic.tabular.read_data) and pass the arrays"
            )
        opts.pop("csv_options", None)
        return Chunked.from_parquet(
            path, target=target, weight=weight, offset=off, **opts
        )
    if is_dask_collection(X):
        from .dask import Dask

        return Dask(X, y, sample_weight, offset, **opts)
    if is_blocks(X):
        from .chunked import Chunked

        if y is not None or sample_weight is not None or offset is not None:
            raise InvalidParameterError(
                "with blocks as X, put y, sample_weight and offset inside each block "
                "tuple (X, y[, sample_weight[, offset]]) and pass y=None"
            )
        return Chunked.from_blocks(X, **opts)
    return None
