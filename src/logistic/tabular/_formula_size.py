"""The size of a formula's design, and whether it is built dense or sparse.

Convention (owned here): a formula's columns are counted from its terms and
the training frame before anything is built: a term's columns are the
product of its factors' (a categorical factor, as ``C(column)`` or a text
column, one column per distinct level, an upper bound of the reduced
coding's; a numeric one, one column), and a term stores at most one nonzero
value a row (:mod:`._formula_design`), so the sparse design holds at most
rows x terms values.

Dense (formulaic's frame, the columns :func:`._formula_design.build_design`
computes and stacks, and the comparison of the two): :data:`DESIGN_COPIES`
dense float64 copies of every row must fit the memory this process may use
(:func:`logistic._memory.fits_memory`). Sparse (formulaic's CSC matrix, the
stored terms' CSR, their difference, the fit's column copy):
:data:`SPARSE_BYTES` bytes per stored value must fit.

Which one (:func:`design_form`): ``sparse=True`` (``--sparse``) or
``False`` (``--no-sparse``) as asked; ``None`` (the default) dense, unless
the dense design would not fit and the sparse one does: then sparse, with a
note. So a fit that worked before is made as before, bit for bit, and one
that would have been refused (``C(zip_code)`` of 20 000 levels on 2 million
rows: 320 GB a dense copy, 48 MB of stored values) is made instead, with the
same estimates (the design's values are the same). A design that fits
neither way is refused with the formula, the column and row counts, the
term with most columns, the sizes and what to do, instead of asking for
tens of GiB and ending in the out-of-memory killer.
"""

from __future__ import annotations

from typing import Any

from .. import _memory
from .._exceptions import DataValidationError

__all__ = ["DESIGN_COPIES", "SPARSE_BYTES", "design_form"]

#: Dense copies of the design alive at once while a formula is fitted: 4.1 GB
#: measured at the peak for 20 000 rows x 4 910 columns (785 MB a copy).
DESIGN_COPIES = 5

#: Bytes per stored value of a sparse design at the peak of a formula's fit
#: (CSR/CSC arrays of 12 bytes a value, several alive at once).
SPARSE_BYTES = 160


def _levels(factor: dict[str, Any], frame: Any) -> int:
    """A factor's columns: the distinct values of a categorical factor's
    column (``C(column)``, or a bare text column), else 1."""
    column = factor.get("column")
    if factor.get("kind") != "categorical":
        expr = factor.get("expr") or {}
        if expr.get("op") != "column":
            return 1
        column = expr["name"]
        kind = getattr(frame[column].dtype, "kind", "O")
        if kind in "iufc":  # numbers: one column
            return 1
    if column is None or column not in frame.columns:
        return 1
    return max(int(frame[column].nunique(dropna=False)), 1)


def _widths(
    rhs: Any, factors: dict[str, dict[str, Any]], frame: Any
) -> list[tuple[int, str]]:
    """``(columns, term)`` of each term that reads the data."""
    counts: dict[str, int] = {}
    widths: list[tuple[int, str]] = []
    for term in rhs:
        width = 1
        for factor in term.factors:
            expr = str(factor.expr)
            if expr not in factors:  # the intercept
                continue
            if expr not in counts:
                counts[expr] = _levels(factors[expr], frame)
            width *= counts[expr]
        if any(str(f.expr) in factors for f in term.factors):
            widths.append((width, str(term)))
    return widths


def design_form(
    rhs: Any,
    factors: dict[str, dict[str, Any]],
    frame: Any,
    formula: str,
    sparse: bool | None = None,
) -> tuple[bool, str | None]:
    """``(sparse, note)``: whether the design is built sparse (see the module
    docs), and the note saying so when that was chosen here; a design too
    large for memory the way asked is refused. ``rhs`` is formulaic's parsed
    right side, ``factors`` the checked factors by their text."""
    widths = _widths(rhs, factors, frame)
    columns, rows = sum(w for w, _ in widths), len(frame)
    dense = DESIGN_COPIES * 8 * rows * columns
    stored = rows * len(widths)
    size = SPARSE_BYTES * stored
    if sparse is not True and _memory.fits_memory(dense):
        return False, None
    if sparse is not False and _memory.fits_memory(size):
        if sparse:
            return True, None
        return True, (
            f"--formula {formula!r} is built as a sparse design (at most "
            f"{stored:,} stored values in {rows:,} rows x at most {columns:,} "
            "columns, every level counted): "
            f"densely it would need about {_memory.format_bytes(dense)}, more than "
            "the memory this process may use"
        )
    widest, term = max(widths)
    memory = _memory.format_bytes(_memory.process_memory() or 0)
    made = (
        f"--formula {formula!r} makes about {columns:,} columns ({term} alone "
        f"{widest:,}) of {rows:,} rows"
    )
    remedy = (
        "leave out or simplify that term, or merge rare levels into fewer before "
        "fitting"
    )
    sparse_need = f"about {_memory.format_bytes(size)} for its {stored:,} stored values"
    if sparse:
        raise DataValidationError(
            f"{made}: building them sparse (--sparse) needs {sparse_need}, more "
            f"than the memory this process may use ({memory}); {remedy}"
        )
    dense_need = f"building them densely needs about {_memory.format_bytes(dense)}"
    if sparse is False and _memory.fits_memory(size):
        raise DataValidationError(
            f"{made}: {dense_need}, more than the memory this process may use "
            f"({memory}); build the design sparse with --sparse ({sparse_need}) "
            f"instead of --no-sparse, or {remedy}"
        )
    raise DataValidationError(
        f"{made}: {dense_need}, and sparse (--sparse) {sparse_need}, both more "
        f"than the memory this process may use ({memory}); {remedy}"
    )
