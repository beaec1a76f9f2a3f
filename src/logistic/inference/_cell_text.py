"""How the tables of inference print their numbers (one owner for it).

Convention (owned here): p-values as R prints them (:func:`pvalue_text`:
``<2e-16`` below R's floor, 3 significant digits below 0.001, else 4
decimals); estimates, errors and bounds to 4 significant digits
(:func:`sig4`); header statistics and z to fixed decimals without a negative
zero (:func:`fixed`: an LR statistic of -1e-15 reads ``0.00``), and to 6
significant digits from :data:`~logistic._messages.FULL_DIGITS_LIMIT` on,
where fixed decimals would print hundreds of digits (a log-likelihood of
-3e158 under a weight of 1e160); the header's count of observations
(:func:`nobs_text`) as an integer up to summation roundoff, likewise; a
name's unprintable characters (a line break in a column name read from a
spreadsheet's header) escaped as Python writes them (:func:`printable`), so
that a row of a text or Markdown table stays one line; in Markdown, the
HTML-significant ``&`` and ``<`` of every cell, title and note written as
entities (:func:`markdown_text`): CommonMark passes inline HTML through to
the page, so a column named ``<img src=x onerror=...>`` or ``<b>`` would be
a tag where a notebook or GitHub renders the table, not its name. The echo
of a table (``repr``, Jupyter's ``_repr_html_``) shows its first
:data:`ECHO_ROWS` coefficient rows of each block and a line counting the
others (:func:`hidden_rows`), as pandas shows a frame; ``print()``,
``as_text()``, ``as_markdown()`` and ``as_html()`` show every row.
"""

from __future__ import annotations

import numpy as np

from .._messages import FULL_DIGITS_LIMIT, count_text, printable

__all__ = [
    "ECHO_ROWS",
    "ECHO_WHERE",
    "fixed",
    "hidden_rows",
    "markdown_cell",
    "markdown_text",
    "nobs_text",
    "printable",
    "pvalue_text",
    "shown",
    "sig4",
]


#: Coefficient rows of a block the echo of a table shows (pandas' default
#: ``display.max_rows``): a notebook cell held every row of a model of
#: thousands of columns (a megabyte of HTML for 10 000).
ECHO_ROWS = 60
#: Where the rows an echo leaves out are.
ECHO_WHERE = "print() shows every one"


def hidden_rows(hidden: int, total: int, where: str = "", of: str = "") -> str:
    """The line under a table that shows ``total - hidden`` of its ``total``
    rows (``of``: whose coefficients, ``where``: where the others are)."""
    where = f"; {where}" if where else ""
    return f"... {hidden} more coefficients{of} not shown ({total} in all{where})"


def pvalue_text(p: float) -> str:
    """A p-value as R prints it: ``<2e-16``, ``3.2e-05``, ``0.0412``."""
    if not np.isfinite(p):
        return "nan"
    if p < 2e-16:
        return "<2e-16"
    return f"{p:.3g}" if p < 1e-3 else f"{p:.4f}"


def sig4(v: float) -> str:
    """``v`` to 4 significant digits, trailing zeros kept (``0.2500``)."""
    return f"{v:#.4g}" if np.isfinite(v) else str(v)


def fixed(v: float, decimals: int) -> str:
    """``v`` with ``decimals`` decimals, without a negative zero: a statistic
    that is 0 up to rounding (an LR statistic of -1e-15) reads ``0.00``;
    6 significant digits from :data:`~logistic._messages.FULL_DIGITS_LIMIT` on."""
    if abs(v) >= FULL_DIGITS_LIMIT:  # (NaN compares False: ``nan``)
        return shown(v, ".6g")
    return shown(v, f".{decimals}f")


def nobs_text(n: float) -> str:
    """A table header's count of observations (``Σ`` weights, rows) as an
    integer when it is one up to summation roundoff (balanced class weights
    sum to the row count, as 399.99999999999), else to 4 decimals; 6
    significant digits from :data:`~logistic._messages.FULL_DIGITS_LIMIT` on
    (a weight of 1e160 would print 161 digits)."""
    if not abs(n) < FULL_DIGITS_LIMIT:
        return count_text(n)  # the messages' rule: 6 significant digits
    whole = round(n)
    if abs(n - whole) <= 1e-9 * max(1.0, abs(n)):
        return f"{whole:d}"
    return f"{n:.4f}"


def shown(v: float, spec: str) -> str:
    """``format(v, spec)`` without a negative zero or a rounding residue: a
    value within 1e-12 of 0 reads as 0 (a pseudo R-squared of -2.2e-16 is
    ``0.0000`` with ``.4f``, ``0`` with ``.6g``)."""
    if abs(v) < 1e-12:
        v = 0.0
    text = format(v, spec)
    return text[1:] if text.startswith("-") and float(text) == 0 else text


#: Characters that open an inline construct of CommonMark or GFM (emphasis
#: ``*`` ``_``, code spans, links and images ``[``, strikethrough ``~``) and
#: the backslash that escapes them: each written after a backslash (a ``]``
#: without its ``[`` opens nothing: ``0.975]`` stays as it is).
_MARKDOWN_PUNCTUATION = str.maketrans({c: "\\" + c for c in "\\`*_[~"})


def markdown_text(text: str) -> str:
    """``text`` as Markdown that renders as itself: ``&`` and ``<`` written as
    the entities ``&amp;`` and ``&lt;`` (CommonMark renders inline HTML, which
    opens with ``<``, and ``&lt;`` typed in a name would render as ``<``);
    the punctuation of emphasis, code, links and strikethrough escaped by a
    backslash (a column ``_x_`` rendered as an italic x, ``[a](b)`` as a
    link); ``>`` opens nothing inside a line and stays (``P>|z|``)."""
    escaped = text.translate(_MARKDOWN_PUNCTUATION)
    return escaped.replace("&", "&amp;").replace("<", "&lt;")


def markdown_cell(text: str) -> str:
    """``text`` as a cell of a Markdown table: :func:`printable`, then
    :func:`markdown_text`, its pipes escaped."""
    return markdown_text(printable(text)).replace("|", "\\|")
