"""The size of a formula's dense design, checked before it is built.

Convention (owned here): a formula is materialised densely at fit time
(formulaic's frame, the columns :func:`._formula.build_design` computes and
stacks, and the comparison of the two), so its columns are counted from
the formula's terms and the training frame before anything is built: a
term's columns are the product of its factors' (a categorical factor, as
``C(column)`` or a text column, one column per distinct level, an upper
bound of the reduced coding's; a numeric one, one column). Their
:data:`DESIGN_COPIES` dense float64 copies of every row must fit the memory
this process may use (:func:`logistic._memory.fits_memory`); otherwise the
fit is refused with the formula, the column and row counts, the term with
most columns and what to do, instead of asking for tens of GiB (``C(g):C(h)``
of 200 levels each on 20 000 rows: 40 000 columns, 6 GiB a copy) and ending
in the out-of-memory killer.
"""

from __future__ import annotations

from typing import Any

from .. import _memory
from .._exceptions import DataValidationError

__all__ = ["DESIGN_COPIES", "check_design_size"]

#: Dense copies of the design alive at once while a formula is fitted: 4.1 GB
#: measured at the peak for 20 000 rows x 4 910 columns (785 MB a copy).
DESIGN_COPIES = 5


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


def check_design_size(
    rhs: Any, factors: dict[str, dict[str, Any]], frame: Any, formula: str
) -> None:
    """Refuse a formula whose dense design would not fit in memory (see the
    module docs); ``rhs`` is formulaic's parsed right side, ``factors`` the
    checked factors by their text."""
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
    columns = sum(w for w, _ in widths)
    rows = len(frame)
    size = DESIGN_COPIES * 8 * rows * columns
    if _memory.fits_memory(size):
        return
    widest, term = max(widths)
    memory = _memory.process_memory() or 0
    raise DataValidationError(
        f"--formula {formula!r} makes about {columns:,} columns ({term} alone "
        f"{widest:,}) of {rows:,} rows: building them densely needs about "
        f"{_memory.format_bytes(size)}, more than the memory this process may use "
        f"({_memory.format_bytes(memory)}); leave out or simplify that term, or "
        "merge rare levels into fewer before fitting"
    )
