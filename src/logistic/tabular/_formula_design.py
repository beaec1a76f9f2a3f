"""A formula's design matrix rebuilt from its stored factors and terms.

Convention (owned here): a term's columns are the row-wise products of its
factors' columns, the first factor varying fastest (formulaic's order, and
the names of :func:`logistic.io._terms.feature_names`). A categorical
factor's columns are its levels (reduced: all but the first,
``name[T.level]``; full: every level, ``name[level]``); a numeric factor's
one column is its stored expression's value. Nothing is evaluated from text.

:func:`build_design` builds the dense float64 matrix. :func:`build_sparse_design`
builds the same values as a scipy.sparse CSR matrix without making a dense
column: a categorical factor is one level code per row and a numeric factor
one value per row, so a term has at most one nonzero per row, at the column
its codes index (mixed radix, the first factor's code varying fastest) and
of the product of its numbers. A row whose level is a reduced factor's
reference stores nothing for that term, nor does a product that is exactly
0. The CSR arrays are written row by row in column order (terms in column
order, one value each), so they are canonical (sorted, no duplicates) as
built. Both builders refuse the same rows with the same messages: a numeric
factor not finite, a product of numbers in an interaction (``x:z``) that
overflows float64 (each finite, the product not: 1e200 x 1e200), a level
not seen at fit time; each names the term and the first row's place in the
file rather than leaving an infinity for the estimator to report by an
index from 0.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from ..io._terms import evaluate, feature_names
from ._design import UnseenLevelsError
from ._factor_values import factor_values

__all__ = ["build_design", "build_sparse_design", "numeric_column"]

#: A frame row's place in its file ("line 7"), for messages.
Where = Callable[[int], str]


def numeric_column(frame: Any, column: str, term: str, path: str) -> np.ndarray:
    """``frame[column]`` as float64, refused naming ``term`` unless numeric."""
    series = frame[column]
    if series.dtype.kind not in "biuf":
        raise DataValidationError(
            f"column {column!r} in {path} must be numeric for formula term {term!r}, "
            f"got {series.dtype}"
        )
    return np.asarray(series, dtype=np.float64)


def _numeric_values(
    frame: Any, name: str, spec: dict[str, Any], path: str, where: Where | None
) -> np.ndarray:
    """A numeric factor's value on every row, refused where not finite."""
    with np.errstate(all="ignore"):
        values, _ = evaluate(
            spec["expr"], lambda c: numeric_column(frame, c, name, path)
        )
    values = np.broadcast_to(values, (len(frame),))
    _refuse_not_finite(
        ~np.isfinite(values), name, path, where,
        "check the values its function receives (e.g. log of 0)",
    )  # fmt: skip
    return values


def _refuse_not_finite(
    bad: np.ndarray, name: str, path: str, where: Where | None, remedy: str
) -> None:
    """Refuse the rows ``bad`` where term ``name`` is not finite, naming the
    first one's place in the file and ``remedy``."""
    if not bad.any():
        return
    first = int(np.argmax(bad))
    at = where(first) if where is not None else f"data row {first + 1} of the rows used"
    raise DataValidationError(
        f"formula term {name!r} is not finite on {int(bad.sum())} row(s) of "
        f"{path} (first at {at}); {remedy}"
    )


#: Why an interaction of finite numbers is not finite, and what to do.
_OVERFLOW = (
    "the product of its numbers overflows float64 (beyond 1.8e308): rescale "
    "its columns (divide one by a power of ten) and refit"
)


def _products(block: list[dict[str, Any]], factors: dict[str, Any]) -> bool:
    """Whether a term multiplies two or more numeric factors (only such a
    product can overflow: a level's column is 0 or 1)."""
    kinds = [factors[item["factor"]]["kind"] for item in block]
    return kinds.count("numeric") > 1


def _refuse_overflow(
    block: list[dict[str, Any]], value: np.ndarray, path: str, where: Where | None
) -> None:
    """Refuse an interaction's product ``value`` (one per row) not finite."""
    term = ":".join(item["factor"] for item in block)
    _refuse_not_finite(~np.isfinite(value), term, path, where, _OVERFLOW)


def _level_codes(frame: Any, name: str, spec: dict[str, Any], path: str) -> np.ndarray:
    """A categorical factor's level on every row, as its index among the
    stored levels; a level not among them refused."""
    levels = spec["levels"]
    index = {level: i for i, level in enumerate(levels)}
    raw = factor_values(frame[spec["column"]].tolist(), levels)
    codes = np.fromiter((index.get(v, -1) for v in raw), dtype=np.int64, count=len(raw))
    if (codes < 0).any():
        unseen = {v for v, c in zip(raw, codes, strict=True) if c < 0}
        shown = sorted(repr(v) for v in unseen)
        more = ", ..." if len(shown) > 10 else ""
        raise UnseenLevelsError(
            f"column {spec['column']!r} (formula term {name!r}) in {path} has "
            f"categories not seen at fit time: [{', '.join(shown[:10])}{more}] "
            f"(first at data row {int(np.argmax(codes < 0)) + 1} of the rows used); "
            f"known: {list(levels)[:20]!r}"
        )
    return codes


def _factor_block(
    frame: Any,
    name: str,
    spec: dict[str, Any],
    reduced: bool,
    path: str,
    where: Where | None = None,
) -> list[tuple[str, np.ndarray]]:
    """A factor's dense columns with their names."""
    if spec["kind"] == "numeric":
        return [(name, _numeric_values(frame, name, spec, path, where))]
    codes = _level_codes(frame, name, spec, path)
    first = 1 if reduced else 0
    label = "T." if reduced else ""
    return [
        (f"{name}[{label}{level}]", (codes == i).astype(np.float64))
        for i, level in enumerate(spec["levels"])
        if i >= first
    ]


def build_design(
    frame: Any,
    factors: dict[str, Any],
    terms: list[list[dict[str, Any]]],
    path: str,
    where: Where | None = None,
) -> tuple[np.ndarray, list[str]]:
    """``(X, names)`` from checked factors and terms over a pandas frame: the
    dense design (see the module docs)."""
    cache: dict[tuple[str, bool], list[tuple[str, np.ndarray]]] = {}
    columns: list[np.ndarray] = []
    names: list[str] = []
    for block in terms:
        product: list[tuple[str, np.ndarray]] = [("", np.ones(len(frame)))]
        for item in block:
            key = (item["factor"], item["reduced"])
            if key not in cache:
                cache[key] = _factor_block(
                    frame,
                    item["factor"],
                    factors[item["factor"]],
                    item["reduced"],
                    path,
                    where,
                )
            with np.errstate(over="ignore"):  # refused below, naming the term
                product = [
                    (f"{prev}:{n}" if prev else n, pv * v)
                    for n, v in cache[key]
                    for prev, pv in product
                ]
        if _products(block, factors):
            finite = np.ones(len(frame), dtype=bool)
            for _, v in product:
                finite &= np.isfinite(v)
            _refuse_overflow(block, np.where(finite, 0.0, np.inf), path, where)
        for n, v in product:
            names.append(n)
            columns.append(v)
    X = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    return X, names


def build_sparse_design(
    frame: Any,
    factors: dict[str, Any],
    terms: list[list[dict[str, Any]]],
    path: str,
    where: Where | None = None,
) -> tuple[Any, list[str]]:
    """``(X, names)``: :func:`build_design`'s values as a CSR matrix, built
    from each row's one column and value per term (see the module docs)."""
    import scipy.sparse as sp

    n = len(frame)
    values: dict[str, np.ndarray] = {}  # a factor's codes or numbers, once

    def factor(name: str) -> np.ndarray:
        if name not in values:
            spec = factors[name]
            values[name] = (
                _numeric_values(frame, name, spec, path, where)
                if spec["kind"] == "numeric"
                else _level_codes(frame, name, spec, path)
            )
        return values[name]

    cols = np.empty((n, len(terms)), dtype=np.int64)
    vals = np.empty((n, len(terms)), dtype=np.float64)
    offset = 0  # the term's first column
    for t, block in enumerate(terms):
        column, value, width = np.zeros(n, np.int64), np.ones(n), 1
        for item in block:
            spec, x = factors[item["factor"]], factor(item["factor"])
            if spec["kind"] == "numeric":
                with np.errstate(over="ignore"):  # refused below, naming the term
                    value = value * x
                continue
            levels = len(spec["levels"])
            if item["reduced"]:  # the reference level has no column
                value = np.where(x == 0, 0.0, value)
                x, levels = np.maximum(x - 1, 0), levels - 1
            column += width * x
            width *= levels
        if _products(block, factors):
            _refuse_overflow(block, value, path, where)
        cols[:, t], vals[:, t] = offset + column, value
        offset += width
    stored = vals != 0.0  # row-major: each row's values in column order
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(stored.sum(axis=1), out=indptr[1:])
    small = max(offset, int(indptr[-1])) < 2**31
    index = np.int32 if small else np.int64
    X = sp.csr_matrix(
        (vals[stored], cols[stored].astype(index), indptr.astype(index)),
        shape=(n, offset),
    )
    names = feature_names(factors, terms, sys.maxsize)
    return X, names
