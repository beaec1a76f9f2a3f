"""Linear combinations of the coefficients, each estimated and tested alone:
statsmodels' ``t_test`` (with ``use_t=False``: normal tests, as for its
``Logit``) and Stata's ``lincom``.

Convention (owned here): for each restriction ``r_i β = q_i`` (a row of
``R`` and its ``q``, written as :mod:`._hypothesis` reads them: text such as
``"rank3 - rank4"`` or ``"2*gpa - rank2 = 1"``, or a matrix),

* the estimate ``r_i β̂`` and its standard error ``sqrt(r_i V r_iᵀ)``, ``V``
  the results' covariance (of their ``cov_type``);
* ``z_i = (r_i β̂ - q_i) / se_i`` and the two-sided normal p-value;
* the interval ``r_i β̂ ± z_{1-α/2} se_i``: of the combination itself, not
  of its difference from ``q_i`` (statsmodels' ``conf_int``);
* odds ratios ``exp(r_i β̂)`` with ``exp``'d bounds and the delta-method
  standard error (:mod:`._odds`; Stata's ``lincom ..., or``): the ratio of
  the odds of two levels is ``exp`` of the difference of their coefficients.

Each row is its own test, as in statsmodels' ``t_test``; the joint test of
all the rows is :func:`._hypothesis.wald_test`. Rows need not be independent.
A row is named by its combination in the term names (``rank3 - rank4``,
``2*gpa - rank2 = 1``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import FloatArray
from ._coef_table import (
    SIGNIF_LEGEND,
    shown_name,
    significance_stars,
    table_cells,
    table_line,
    table_widths,
)
from ._hypothesis import restrictions
from ._odds import OddsRatioTable, odds_ratio_table
from ._wald import WaldTable, wald_frame, wald_table

__all__ = ["ContrastResults", "contrasts"]


def combination_text(
    row: FloatArray, q: float, names: list[str], equation: bool = False
) -> str:
    """One restriction as text in the term names: ``rank3 - rank4``,
    ``2*gpa - rank2 = 1`` (a coefficient of ±1 is left out; ``= 0`` too,
    unless ``equation``: ``rank3 - rank4 = 0``, as ``logistic test`` lists
    the restrictions tested)."""
    terms = []
    for j in np.flatnonzero(row):
        size = abs(float(row[j]))
        name = names[j] if size == 1 else f"{size:g}*{names[j]}"
        terms.append(("-" if row[j] < 0 else "+", name))
    if not terms:
        text = "0"
    else:
        text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
        text += "".join(f" {sign} {name}" for sign, name in terms[1:])
    return text if q == 0 and not equation else f"{text} = {q:g}"


@dataclass(frozen=True, repr=False)
class ContrastResults:
    """Linear combinations ``R β`` of a fit's coefficients, each with its
    test of ``= q`` (see the module docs).

    Attributes
    ----------
    names : list of str
        Each row's combination as text.
    R : ndarray of shape (m, k)
    q : ndarray of shape (m,)
    effect : ndarray of shape (m,)
        ``R β̂``.
    sd : ndarray of shape (m,)
        Standard errors ``sqrt(diag(R V Rᵀ))``.
    covariance : str
        The covariance the errors use, as the summary's header names it.
    """

    names: list[str]
    R: FloatArray
    q: FloatArray
    effect: FloatArray
    sd: FloatArray
    covariance: str

    def wald_table(self, alpha: float = 0.05) -> WaldTable:
        """The rows as a :class:`WaldTable`: ``params`` the combinations,
        ``zvalues`` and ``pvalues`` the tests of ``= q``, ``conf_int`` the
        combinations' intervals."""
        table = wald_table(self.effect - self.q, np.diag(self.sd**2), alpha)
        return table._replace(
            params=self.effect.copy(), conf_int=table.conf_int + self.q[:, None]
        )

    @property
    def zvalues(self) -> FloatArray:
        """``(R β̂ - q) / sd``."""
        return self.wald_table().zvalues

    tvalue = statistic = zvalues

    @property
    def pvalues(self) -> FloatArray:
        """Two-sided normal p-values of ``R β = q``, row by row."""
        return self.wald_table().pvalues

    pvalue = pvalues

    def conf_int(self, alpha: float = 0.05) -> FloatArray:
        """``R β̂ ± z_{1-α/2} sd``, shape (m, 2)."""
        return self.wald_table(alpha).conf_int

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame indexed by combination: ``coef``, ``std err``,
        ``z``, ``P>|z|`` (statsmodels' names) and the bounds named as in the
        coefficient table, ``[0.025`` and ``0.975]`` (statsmodels'
        ``ContrastResults.summary_frame`` names them ``Conf. Int. Low`` and
        ``Conf. Int. Upp.``)."""
        return wald_frame(
            self.wald_table(alpha), self.names, index_name="combination",
            caller="summary_frame()",
        )  # fmt: skip

    def odds_ratios(self, alpha: float = 0.05) -> OddsRatioTable:
        """``exp(R β̂)`` with ``exp``'d bounds (Stata's ``lincom ..., or``)."""
        note = ""
        if np.any(self.q):
            note = " (A row written = q: they test coef = q, the ratio = exp(q).)"
        return odds_ratio_table(self.names, self.wald_table(alpha), tests_note=note)

    def summary(self, alpha: float = 0.05) -> str:
        """The rows as text, in the layout of the coefficient table."""
        t = self.wald_table(alpha)
        rows = [
            [shown_name(name), t.params[i], t.bse[i], t.zvalues[i], t.pvalues[i],
             t.conf_int[i, 0], t.conf_int[i, 1], significance_stars(t.pvalues[i])]
            for i, name in enumerate(self.names)
        ]  # fmt: skip
        cells = table_cells(rows)
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        columns = ["", "coef", "std err", "z", "P>|z|", lo, hi, ""]
        widths = table_widths(columns, cells)
        head = table_line(columns, widths)
        lines = [
            f"Linear combinations of the coefficients (covariance: {self.covariance})",
            "=" * len(head), head, "-" * len(head),
            *(table_line(c, widths) for c in cells),
            "=" * len(head),
            "z and P>|z| test each row = its right-hand side (0 unless written); "
            "the interval is the combination's.",
            SIGNIF_LEGEND,
        ]  # fmt: skip
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        k = self.R.shape[1]
        return f"<ContrastResults: {len(self.names)} combination(s) of {k} terms>"


def contrasts(
    params: FloatArray,
    cov: FloatArray,
    R: Any,
    q: Any,
    names: list[str],
    covariance: str,
    form: Callable[[FloatArray], FloatArray] | None = None,
) -> ContrastResults:
    """The :class:`ContrastResults` of ``R β = q`` (text or a matrix; see
    :mod:`._hypothesis`) for ``params`` with covariance ``cov``, both in
    the order of ``names``; ``form`` as :func:`._hypothesis.wald_test`'s."""
    params = np.asarray(params, dtype=np.float64)
    R, q = restrictions(params, R, q, names)
    used = np.any(R != 0, axis=0)  # aliased (NaN) coefficients are never used
    Ru, b, V = R[:, used], params[used], np.asarray(cov, dtype=np.float64)
    V = V[np.ix_(used, used)]
    if form is None:
        variance = np.einsum("ij,jk,ik->i", Ru, V, Ru)
    else:
        variance = np.diag(form(R)).copy()
    sd = np.sqrt(np.clip(variance, 0.0, None))
    labels = [combination_text(r, float(c), names) for r, c in zip(R, q, strict=True)]
    return ContrastResults(labels, R, q, Ru @ b, sd, covariance)
