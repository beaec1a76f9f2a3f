"""Odds ratios: ``exp(coef)`` with their intervals (Stata's ``logistic``, R's
``exp(cbind(coef(m), confint(m)))``); for a multinomial fit the same table
of every equation's relative-risk ratios (Stata's ``mlogit, rrr``).

Convention (owned here): for each coefficient ``β_j`` with standard error
``se_j`` (of the results' covariance type),

* odds ratio ``OR_j = exp(β_j)`` (for the intercept: the odds at all
  features 0, Stata's ``_cons``);
* standard error by the delta method ``OR_j se_j`` (as Stata prints);
* ``z`` and ``P>|z|`` are the Wald test of ``β_j = 0`` (``OR_j = 1``), the
  same numbers as the coefficient table: a ratio's test is its log's test;
* the interval is ``exp`` of the coefficient's interval: Wald
  ``exp(β_j ± z_{1-α/2} se_j)`` (``method="wald"``, Stata, R
  ``exp(confint.default(m))``) or the profile-likelihood bounds
  (``method="profile"``, R ``exp(confint(m))``), never ``OR ± z se(OR)``,
  which can go below 0.

A ratio that overflows (``β > 709``) is ``inf``: such a coefficient comes
from separation, which the results report.

Printed (``str``, ``repr``, :meth:`OddsRatioTable.as_text`), the table is
the coefficient table of :mod:`._summary` (the same cells and layout) under
a title naming the ratio and the interval's level and method, with the
significance codes and a note on what the columns are; a term with no
estimate (an aliased column: NaN) reads ``NA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._typing import FloatArray
from ._cell_text import ECHO_ROWS, ECHO_WHERE, hidden_rows
from ._coef_table import (
    SIGNIF_LEGEND,
    shown_name,
    significance_stars,
    table_cells,
    table_line,
    table_widths,
)
from ._wald import WaldTable, wald_frame

__all__ = ["OddsRatioTable", "odds_ratio_table", "table_rows"]

OR_METHODS = ("wald", "profile")


@dataclass(frozen=True, repr=False)
class OddsRatioTable:
    """Odds ratios of a fit (display order, intercept first).

    Attributes
    ----------
    term_names : list of str
    odds_ratio, bse, zvalues, pvalues : ndarray of shape (k,)
        ``exp(coef)``, its delta-method standard error, and the Wald test
        of ``coef = 0``.
    conf_int : ndarray of shape (k, 2)
        ``exp`` of the coefficient's interval at level ``1 - alpha``.
    alpha : float
    method : {"wald", "profile"}
        How the interval was computed.
    label : str
        The ratio's column header: ``"odds ratio"``, or ``"RRR"`` for the
        relative-risk ratios of a multinomial fit (Stata's ``mlogit, rrr``).
    reference : str or None
        The class the relative-risk ratios are against (the printed title
        names it); None for odds ratios.
    tests_note : str
        A sentence the printed note ends with about the tests (a Firth fit's:
        where its penalized likelihood-ratio tests are); "" for none.
    """

    term_names: list[str]
    odds_ratio: FloatArray
    bse: FloatArray
    zvalues: FloatArray
    pvalues: FloatArray
    conf_int: FloatArray
    alpha: float
    method: str
    label: str = "odds ratio"
    reference: str | None = None
    tests_note: str = ""

    def wald(self) -> WaldTable:
        """The same numbers as a :class:`WaldTable` on the odds-ratio scale
        (``params`` = ``odds_ratio``), for its rows and DataFrame."""
        return WaldTable(
            self.odds_ratio,
            self.bse,
            self.zvalues,
            self.pvalues,
            self.conf_int,
            self.alpha,
        )

    def rows(self) -> list[dict[str, float | str]]:
        """One dict a term: ``term``, ``odds_ratio``, ``std_error``, ``z``,
        ``p_value``, ``ci_low``, ``ci_high`` (the CLI's JSON keys)."""
        table = self.wald()
        return [
            {"term": name, "odds_ratio": float(self.odds_ratio[i]), **table.row(i)}
            for i, name in enumerate(self.term_names)
        ]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame indexed by term with statsmodels-style columns
        ``odds ratio`` (or ``label``), ``std err``, ``z``, ``P>|z|``, ``[α/2``,
        ``1-α/2]``."""
        return wald_frame(self.wald(), self.term_names, self.label, index_name="term")

    def as_text(self, max_rows: int | None = None, where: str = "") -> str:
        """The table as text, in the layout of the coefficient table of
        ``summary()``: term, ratio, std err, z, P>|z| and the interval's
        bounds (its level in the title and the bounds' headers); with
        ``max_rows``, the first that many rows and a line counting the others
        (``where`` says where they are)."""
        lo, hi = self.alpha / 2.0, 1.0 - self.alpha / 2.0
        prefix = "profile " if self.method == "profile" else ""
        columns = [
            "",
            self.label,
            "std err",
            "z",
            "P>|z|",
            f"{prefix}[{lo:g}",
            f"{hi:g}]",
            "",
        ]
        numbers = zip(
            self.odds_ratio, self.bse, self.zvalues, self.pvalues, self.conf_int,
            strict=True,
        )  # fmt: skip
        rows: list[list[Any]] = [
            [name, *map(float, (r, se, z, p, c[0], c[1])), significance_stars(p)]
            for name, (r, se, z, p, c) in zip(self.term_names, numbers, strict=True)
        ]
        aliased = [row[0] for row in rows if np.isnan(row[1])]  # no estimate
        cells = [[shown_name(c[0]), *c[1:]] for c in table_cells(rows, aliased)]
        hidden = 0 if max_rows is None else max(0, len(cells) - max_rows)
        more = [hidden_rows(hidden, len(cells), where)] if hidden else []
        widths = table_widths(columns, cells)
        width = sum(widths) + 2 * 7
        kind = "Relative-risk ratios" if self.label == "RRR" else "Odds ratios"
        how = "profile-likelihood" if self.method == "profile" else "Wald"
        against = "" if self.reference is None else f" against {self.reference}"
        level = f"{100 * (1 - self.alpha):g}%"
        title = f"{kind} exp(coef){against}, {level} {how} intervals"
        return "\n".join(
            [
                title.center(width).rstrip(),
                "=" * width,
                table_line(columns, widths),
                "-" * width,
                *(table_line(c, widths) for c in cells[: len(cells) - hidden]),
                *more,
                "=" * width,
                SIGNIF_LEGEND,
                f"Note: std err by the delta method ({self.label} x std err of "
                f"coef); z and P>|z| test coef = 0; the interval is exp of the "
                f"coefficient's {how} interval.{self.tests_note}",
            ]
        )

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text(ECHO_ROWS, ECHO_WHERE)


def check_method(method: str) -> str:
    if method not in OR_METHODS:
        raise InvalidParameterError(
            f"method must be 'wald' or 'profile'; got {method!r}"
        )
    return method


def odds_ratio_table(
    term_names: list[str],
    wald: WaldTable,
    conf_int: Any = None,
    method: str = "wald",
    label: str = "odds ratio",
    reference: str | None = None,
    tests_note: str = "",
) -> OddsRatioTable:
    """Odds ratios from a Wald table; ``conf_int`` (k × 2, coefficient scale)
    replaces the Wald interval (the profile bounds); ``label`` names the
    ratio's column (``"RRR"`` for relative-risk ratios, against the class
    ``reference``); ``tests_note`` ends the printed note."""
    check_method(method)
    ci = wald.conf_int if conf_int is None else np.asarray(conf_int, dtype=np.float64)
    with np.errstate(over="ignore"):
        ratio = np.exp(wald.params)
        bounds = np.exp(ci)
    return OddsRatioTable(
        list(term_names),
        ratio,
        ratio * wald.bse,
        wald.zvalues.copy(),
        wald.pvalues.copy(),
        bounds,
        wald.alpha,
        method,
        label,
        reference,
        tests_note,
    )


def table_rows(table: OddsRatioTable, rows: list[int]) -> OddsRatioTable:
    """The rows ``rows`` of ``table``."""
    return OddsRatioTable(
        [table.term_names[i] for i in rows],
        table.odds_ratio[rows],
        table.bse[rows],
        table.zvalues[rows],
        table.pvalues[rows],
        table.conf_int[rows],
        table.alpha,
        table.method,
        table.label,
        table.reference,
        table.tests_note,
    )
