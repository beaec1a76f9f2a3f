"""The scan pass of an out-of-core source (:class:`~logistic.backends.chunked.Chunked`):
every row read once at construction, its values checked (finite X, labels,
weights and offsets; weights ≥ 0; one width), its labels gathered, its
content digests computed and, where a row cache is being written, its
decoded rows appended. Errors name the file or block, the row and the column
(a CSV file's line, a Parquet file's row: the source's ``position``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._labels import MAX_CLASSES, check_found_labels, label_text
from ._cache import CacheWriter
from ._fingerprint import RowHashes
from ._sources import _check_finite, _check_nonnegative

__all__ = ["read_scan"]


def read_scan(
    source: Any,
    dtype: Any,
    columns: Any,
    feature_names: Any,
    *,
    multiclass: bool,
    classes: Any,
    writer: CacheWriter | None,
) -> tuple[int, int, set[Any], RowHashes]:
    """Rows, features, the labels found and the rows' digests of one pass
    over ``source`` (appended to ``writer`` where given)."""
    hashes = RowHashes()
    labels: set[Any] = set()
    n, p = 0, None
    # 1-based file lines (CSV) or rows (Parquet), as in memory
    position = getattr(source, "position", None)
    target = getattr(columns, "target", None)  # the in-memory reader's words
    named = (
        f"{source.name}: y"
        if target is None
        else f"target column {target!r} in {source.name}"
    )
    first: tuple[str, str] | None = None  # the first non-integral label, its line
    # a directory's row is counted in its file, which the message then names
    several = len(getattr(source, "files", ())) > 1
    for where, X, y, w, o in source.chunks(dtype):
        if p is None:
            p = X.shape[1]
        elif X.shape[1] != p:
            raise DataValidationError(f"{where}: {X.shape[1]} columns, expected {p}")
        _check_finite(X, where, n, "X", feature_names, position)
        if y.dtype.kind == "f":  # an infinite label is no class
            target = getattr(columns, "target", None)
            names = None if target is None else [target]
            _check_finite(y[:, None], where, n, "y", names, position)
        here = np.unique(y).tolist()
        if first is None and position is not None and y.dtype.kind == "f":
            fraction = np.flatnonzero(y != np.round(y))
            if fraction.size:
                i = int(fraction[0])
                at = position(n + i)
                first = (label_text(float(y[i])), f"{at} of {where}" if several else at)
        labels.update(here)
        check_found_labels(labels, named, first)  # as in memory
        if len(labels) > (MAX_CLASSES if multiclass else 2) and (classes is None):
            raise DataValidationError(
                f"{where}: y has more than "
                + (str(MAX_CLASSES) if multiclass else "two")
                + f" distinct labels ({sorted(map(str, labels))[:10]}); "
                + ("too many classes" if multiclass else "only binary targets work")
            )
        for name, v in (("sample_weight", w), ("offset", o)):
            if v is not None:
                role = getattr(columns, name.replace("sample_", ""), None)
                names = None if role is None else [role]
                _check_finite(v[:, None], where, n, name, names, position)
        if w is not None:
            column = None if columns is None else columns.weight
            _check_nonnegative(w, where, n, column, position)
        hashes.update(X, y, w, o, here)
        if writer is not None:
            writer.append(X, y, w, o)
        n += X.shape[0]
    if p is None or n == 0:
        raise DataValidationError(f"{source.name}: the dataset has no rows")
    return n, int(p), labels, hashes
