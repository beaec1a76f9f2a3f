"""The cells and lines of a coefficient table, shared by every printed table
of estimates (:class:`~._summary.Summary`, :class:`~._odds.OddsRatioTable`,
marginal effects, K-class equations) and the command line's.

Convention (owned here): estimates, errors and bounds to 4 significant
digits, z to 3 decimals, p as R's ``format.pval`` prints it; R's significance
codes (``***`` p < 0.001, ``**`` p < 0.01, ``*`` p < 0.05, ``.`` p < 0.1); a
term name cut in the middle past :data:`MAX_NAME_WIDTH` characters, its
unprintable characters escaped, padded to the columns a terminal shows it in
(a CJK character takes two, a combining accent none); the covariance a
table's numbers use, as its header names it (:func:`covariance_label`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._messages import pad_text, text_width
from ._cell_text import fixed, printable, pvalue_text, sig4

__all__ = [
    "MAX_NAME_WIDTH",
    "SIGNIF_LEGEND",
    "covariance_label",
    "shown_name",
    "significance_stars",
    "table_cells",
    "table_line",
    "table_widths",
]

#: Widest term name a text table shows. A category level can be any text (a
#: 5 MiB cell makes a 5 MiB term name, and a table pads every row to its
#: widest name): longer names are cut in the middle with ``...``, keeping
#: the end (a level's last characters and the closing bracket). The model
#: file, JSON output and ``params`` keep the full name.
MAX_NAME_WIDTH = 72
_TAIL = 16

SIGNIF_LEGEND = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"


def significance_stars(p: float) -> str:
    """R's significance code of a p-value."""
    if not np.isfinite(p):
        return ""
    for cut, mark in ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, ".")):
        if p < cut:
            return mark
    return ""


def shown_name(name: Any, width: int = MAX_NAME_WIDTH) -> str:
    """``name`` as a text table shows it: at most ``width`` characters, a
    longer one cut in the middle with ``...`` (:data:`MAX_NAME_WIDTH`), its
    unprintable characters escaped (:func:`logistic._messages.printable`)."""
    text = printable(str(name))
    if len(text) <= width:
        return text
    tail = min(_TAIL, width // 4)
    return text[: width - 3 - tail] + "..." + text[len(text) - tail :]


def covariance_label(r: Any) -> str:
    """The covariance a table's numbers use, as its header names it:
    ``cov_type``, the cluster count, ``sampling weights`` and a dispersion
    other than 1 (``HC0, sampling weights``; ``cluster (20 groups)``)."""
    cov = str(r.cov_type)
    info = getattr(r, "cov_info", None) or {}
    if info.get("n_groups"):
        cov += f" ({info['n_groups']} groups)"
    if getattr(r, "sample_weight_kind", "frequency") == "sampling":
        cov += ", sampling weights"
    scale = float(getattr(r, "scale", 1.0))
    if scale != 1.0:
        cov += f", scale {scale:.4g}"
    return cov


def table_cells(rows: list[list[Any]], aliased: Any = ()) -> list[list[str]]:
    """The text cells of coefficient-table rows ``[name, estimate, std err,
    z, p, lower, upper, stars]``: estimates, errors and bounds to 4
    significant digits, z to 3 decimals, p as R prints it; a row of an
    ``aliased`` term (no estimate) reads ``NA``."""
    skip = set(aliased)
    return [
        [row[0], *(["NA"] * 6), ""]
        if row[0] in skip
        else [
            row[0],
            sig4(row[1]),
            sig4(row[2]),
            fixed(row[3], 3),
            pvalue_text(row[4]),
            sig4(row[5]),
            sig4(row[6]),
            row[7],
        ]
        for row in rows
    ]


def table_widths(columns: list[str], cells: list[list[str]]) -> list[int]:
    """The width of each of the 8 columns: its widest cell or header, in
    terminal columns (:func:`logistic._messages.text_width`: a CJK
    character takes two)."""
    return [
        max(text_width(columns[j]), *(text_width(c[j]) for c in cells))
        for j in range(8)
    ]


def table_line(row: list[str], widths: list[int]) -> str:
    """One line of the table: the name left-aligned, the six numbers
    right-aligned, the significance stars last, two spaces apart (the name
    padded to its terminal width, :func:`logistic._messages.pad_text`)."""
    first = pad_text(row[0], widths[0])
    rest = [f"{c:>{widths[j + 1]}}" for j, c in enumerate(row[1:7])]
    return "  ".join([first, *rest, f"{row[7]:<{widths[7]}}"]).rstrip()
