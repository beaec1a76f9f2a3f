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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._typing import FloatArray
from ._wald import WaldTable, wald_frame

__all__ = ["OddsRatioTable", "odds_ratio_table", "table_rows"]

OR_METHODS = ("wald", "profile")


@dataclass(frozen=True)
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
) -> OddsRatioTable:
    """Odds ratios from a Wald table; ``conf_int`` (k × 2, coefficient scale)
    replaces the Wald interval (the profile bounds); ``label`` names the
    ratio's column (``"RRR"`` for relative-risk ratios)."""
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
    )
