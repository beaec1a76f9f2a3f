"""The printed summary of a multinomial fit: fit statistics, one block per equation.

Convention (owned here):

* One block per equation ``k = 1 … K-1``, titled ``"{target}: {level_k} vs
  {reference}"`` (the log-odds of ``classes[k]`` against ``classes[0]``;
  ``"{level_k} vs {reference}"`` when the target's name is unknown: the
  command line knows it, a fit in Python does not). Its rows are the
  intercept first, then the features, as in the binary table and
  ``odds_ratios()`` (:func:`._order.equations_display_order`; the results'
  arrays keep the objective's order, intercept last).
* A fit whose MLE does not exist (``separation_`` complete or
  quasi-complete) is shown as the binary summary shows one: ``Converged``
  says ``no finite MLE (separation)`` and a note says why; the pseudo R²
  and the LR test's p-value are shown, evaluated where the fit stopped (the
  log-likelihood tends to a finite supremum under separation), with the
  note of :func:`logistic.inference._summary.separated_lr_note`.
  ``estimates_only`` (the command line's choice for such fits) prints the
  coefficients (or RRRs) alone: standard errors of a point on a diverging
  path (~1e4 and more) test nothing.
* A cluster covariance from no more clusters than parameters carries the
  note of :func:`logistic.inference._covariance.few_clusters`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._messages import pad_text, text_width
from .._separation_kinds import SEPARATION_FOUND
from ._cell_text import (
    ECHO_ROWS,
    ECHO_WHERE,
    fixed,
    hidden_rows,
    markdown_text,
    nobs_text,
    pvalue_text,
    sig4,
)
from ._coef_table import shown_name
from ._covariance import few_clusters
from ._order import equations_display_order
from ._separation_notes import (
    NO_FINITE_MLE,
    UNCHECKED_PENALTY,
    separated_lr_note,
    unchecked_note,
)
from ._table_markup import Block, html_tables, markdown_tables

__all__ = ["MultinomialSummary", "equation_title"]


def equation_title(level: Any, reference: Any, target: str | None = None) -> str:
    """``"species: versicolor vs setosa"`` (``"versicolor vs setosa"`` without
    the target's name)."""
    head = f"{target}: " if target else ""
    return f"{head}{level} vs {reference}"


class MultinomialSummary:
    """Printable summary: fit statistics, then one block per equation, as
    text (``str``), Markdown (``as_markdown``) or HTML (``as_html``, which
    notebooks show); each rendering carries the same cells.

    Attributes
    ----------
    header : list of (str, str)
    columns : list of str
        ``["", "coef" or "RRR", "std err", "z", "P>|z|", lower, upper]``, or
        ``["", "coef" or "RRR"]`` with ``estimates_only``.
    blocks : list of (str, list of list)
        ``(title, rows)`` per equation; a row is the term name and the
        numbers of ``columns[1:]``, the intercept first.
    notes : list of str
    """

    def __init__(
        self,
        results: Any,
        alpha: float = 0.05,
        rrr: bool = False,
        estimates_only: bool = False,
        title: str | None = None,
    ) -> None:
        r = results
        estimate, bse, ci = r.params, r.bse, r.conf_int(alpha)
        shape, q = r.params.shape, len(r.term_names)
        shown = equations_display_order(shape[0], q, r.fit_intercept)
        if rrr:  # odds_ratios() rows are in display order: back to the arrays'
            table = r.odds_ratios(alpha)
            flat = np.empty_like(shown)
            flat[shown] = np.arange(shown.size)
            estimate = table.odds_ratio[flat].reshape(shape)
            bse = table.bse[flat].reshape(shape)
            ci = table.conf_int[flat].reshape(*shape, 2)
        separated = r.separation in SEPARATION_FOUND  # not "unchecked"
        self.title = title or "Multinomial logistic regression results"
        self.header = _header(r, separated)
        first = "RRR" if rrr else "coef"
        lo, hi = alpha / 2.0, 1.0 - alpha / 2.0
        self.columns = ["", first, "std err", "z", "P>|z|", f"[{lo:g}", f"{hi:g}]"]
        if estimates_only:
            self.columns = self.columns[:2]
        order = shown[:q]  # one equation's terms, intercept first
        target = getattr(r, "target_name", None)

        def row(e: int, j: int) -> list[Any]:
            values = [float(estimate[e, j])]
            if not estimates_only:
                values += [float(v[e, j]) for v in (bse, r.zvalues, r.pvalues)]
                values += [float(ci[e, j, 0]), float(ci[e, j, 1])]
            return [r.term_names[j], *values]

        self.blocks: list[tuple[str, list[list[Any]]]] = [
            (
                equation_title(name, r.classes[0], target),
                [row(e, j) for j in order],
            )
            for e, name in enumerate(r.equations)
        ]
        self.notes: list[str] = []
        if rrr:
            self.notes.append(
                f"Relative-risk ratios exp(coef) against {r.classes[0]}"
                + (
                    "."
                    if estimates_only
                    else "; std err by the delta method (RRR x se); z and P>|z| "
                    "test coef = 0; intervals are exp of the coefficient's."
                )
            )
        if getattr(r, "null_has_intercept", True) is False:
            self.notes.append(
                f"null model: every logit 0, no intercept (LL-null, pseudo R-sq. and "
                f"the LR test compare with each class at 1/{len(r.classes)}, beside "
                "the offset if any; the columns do not span the constant)."
            )
        if r.cov_type == "cluster":
            caveat = few_clusters(r.cov_info.get("n_groups"), r.k_params)
            if caveat is not None:
                self.notes.append(caveat)
        if separated:
            self.notes.append(
                f"Separation ({r.separation}): the MLE does not exist; "
                + (
                    "the estimates are a point on a diverging path and have no "
                    "standard errors. "
                    if estimates_only
                    else "the coefficients along the separating direction "
                    "diverge, and their estimates, standard errors and Wald tests "
                    "are meaningless. "
                )
                + "Use a penalty."
            )
            self.notes.append(
                separated_lr_note(bool(r.converged), "Pseudo R-sq. and LLR p-value")
            )
        elif getattr(r, "separation_unchecked", False):
            self.notes.append(unchecked_note(UNCHECKED_PENALTY))

    def _cells(self, row: list[Any]) -> list[str]:
        """A row's text cells: the term's name, p as R prints it, the other
        numbers to 4 significant digits."""
        p_at = self.columns.index("P>|z|") - 1 if "P>|z|" in self.columns else -1
        name, *numbers = row
        return [
            name,
            *(pvalue_text(v) if k == p_at else sig4(v) for k, v in enumerate(numbers)),
        ]

    def as_text(self, max_rows: int | None = None, where: str = "") -> str:
        """The text table; with ``max_rows``, the first that many rows of each
        equation and a line counting the others (``where`` says where they
        are)."""
        width = max(
            text_width(shown_name(row[0])) for _, rows in self.blocks for row in rows
        )
        head = f"{'':<{width}} " + " ".join(f"{c:>10}" for c in self.columns[1:])
        stats = [f"{k:<20} {pad_text(v, 16, '>')}" for k, v in self.header]
        rule = max(len(head), *(text_width(line) for line in stats))
        lines = [self.title, "=" * rule, *stats]
        for title, rows in self.blocks:
            lines += ["-" * rule, title, head]
            hidden = 0 if max_rows is None else max(0, len(rows) - max_rows)
            for row in rows[: len(rows) - hidden]:
                name, *cells = self._cells(row)
                numbers = " ".join(f"{c:>10}" for c in cells)
                lines.append(f"{pad_text(shown_name(name), width)} {numbers}")
            if hidden:
                lines.append(hidden_rows(hidden, len(rows), where, " of this equation"))
        lines.append("=" * rule)
        lines += self.notes
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text(ECHO_ROWS, ECHO_WHERE)

    def as_markdown(self) -> str:
        """GitHub-flavoured Markdown: the statistics table, then one table per
        equation under its title (pipes in cells escaped)."""
        columns = ["term", *self.columns[1:]]
        blocks = [
            Block(title, columns, [self._cells(row) for row in rows])
            for title, rows in self.blocks
        ]
        tail = [f"\n**Note:** {markdown_text(n)}" for n in self.notes]
        return markdown_tables(self.title, self.header, blocks, tail)

    def as_html(self, max_rows: int | None = None, where: str = "") -> str:
        """HTML: a statistics table, then one coefficient table per equation
        captioned by its title (every text escaped); with ``max_rows``, as
        :meth:`as_text`."""
        import html  # here: a text summary needs no html module

        blocks = [
            Block(title, list(self.columns), [self._cells(row) for row in rows],
                  of=" of this equation")
            for title, rows in self.blocks
        ]  # fmt: skip
        tail = [f"<p><b>Note:</b> {html.escape(n)}</p>" for n in self.notes]
        return html_tables(self.title, self.header, blocks, tail, max_rows, where)

    def _repr_html_(self) -> str:
        return self.as_html(ECHO_ROWS, ECHO_WHERE)


def _header(r: Any, separated: bool) -> list[tuple[str, str]]:
    """Fit statistics; a separated fit's ``Converged`` says its MLE does not
    exist."""
    cov = r.cov_type
    if r.cov_info.get("n_groups"):
        cov += f" ({r.cov_info['n_groups']} groups)"
    return [
        ("No. observations", nobs_text(r.nobs)),
        ("Reference class", str(r.classes[0])),
        ("Df model", f"{r.df_model:g}"),
        ("Df residuals", nobs_text(float(r.df_resid))),
        ("Covariance type", cov),
        ("Log-likelihood", fixed(r.llf, 4)),
        ("LL-null", fixed(r.llnull, 4)),
        ("Pseudo R-sq.", fixed(r.pseudo_rsquared, 4)),
        (f"LR chi2({r.df_model:g})", fixed(r.llr, 2)),
        ("LLR p-value", pvalue_text(r.llr_pvalue)),
        ("AIC", fixed(r.aic, 2)),
        ("BIC", fixed(r.bic, 2)),
        ("Converged", NO_FINITE_MLE if separated else str(r.converged)),
    ]
