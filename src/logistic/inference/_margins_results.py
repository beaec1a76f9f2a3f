"""The result of a marginal-effects computation (:mod:`logistic.inference._margins`):
effects, delta-method covariance, z, p-values and intervals under statsmodels'
names, and their text and frame renderings.

Owned here: the column headers of each kind (``LABELS``) and statsmodels'
``summary_frame`` bound names (``FRAME_BOUNDS``); the multinomial result
(:mod:`logistic.inference._multinomial_margins`) subclasses
:class:`MarginalEffects`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._messages import pad_text, text_width
from .._typing import FloatArray
from ._cell_text import (
    ECHO_ROWS,
    ECHO_WHERE,
    markdown_text,
    pvalue_text,
)
from ._coef_table import shown_name
from ._order import display_order
from ._separation_notes import FIRTH, separated_margins_note
from ._table_markup import Block, html_tables, markdown_tables
from ._wald import WaldTable, wald_frame, wald_table

__all__ = ["FRAME_BOUNDS", "LABELS", "MarginalEffects", "point_pair"]

#: Column header of each kind (statsmodels' ``summary_frame`` names).
LABELS = {
    "dydx": "dy/dx",
    "eyex": "d(lny)/d(lnx)",
    "dyex": "dy/d(lnx)",
    "eydx": "d(lny)/dx",
    "pr": "Margin",
}
#: statsmodels' ``summary_frame`` names of the bounds (its spelling kept).
FRAME_BOUNDS = ("Conf. Int. Low", "Cont. Int. Hi.")
#: The text table's widths of the number columns (effect, std err, z, P>|z|,
#: the two bounds).
_WIDTHS = (13, 10, 8, 8, 10, 10)


class MarginalEffects:
    """Marginal effects with delta-method standard errors (statsmodels' names).

    Built by :meth:`InferenceResults.get_margeff`. Arrays are per feature in
    the model's order (no intercept); pandas Series/DataFrames indexed by
    feature name when the results are named.

    Attributes
    ----------
    margeff, margeff_se, zvalues (alias tvalues), pvalues : ndarray or Series
        Of shape (p,).
    margeff_cov : ndarray or DataFrame of shape (p, p)
        ``J V Jᵀ``.
    jacobian : ndarray of shape (p, k)
        ``∂ margeff / ∂ params`` in ``params`` order (intercept first).
    margeff_options : dict
        ``method``, ``at``, ``atexog`` (the value set of each column, by
        name; a term set by its level appears as its level columns),
        ``dummy``, ``categorical``.
    dummy_idx : ndarray of int or None
        Feature indices whose effect is a discrete change (None if none).
    names : list of str
    cov_type : str
    separation : str or None
        The fit's separation where its MLE does not exist (``"complete"``,
        ``"quasi-complete"``, ``"suspected"``): the effects and their
        standard errors are then meaningless, and ``notes`` says why.
    nobs : int or float
        An int when it is a whole number.

    The constructor's ``covariance`` is the header's name of the covariance,
    as the fit's summary writes it (``HC0, sampling weights``; default
    ``cov_type``: :func:`._summary.covariance_label`).
    """

    #: What the separation note tells the user to do.
    separation_remedy = FIRTH
    #: Whether these are predictive margins (the separation note's words).
    predictive = False

    def __init__(
        self,
        effects: FloatArray,
        cov: FloatArray,
        jacobian: FloatArray,
        *,
        names: list[str],
        discrete: np.ndarray,
        levels: bool = False,
        options: dict[str, Any],
        cov_type: str,
        nobs: int | float,
        fit_intercept: bool,
        pandas: Any = None,
        covariance: str | None = None,
        separation: str | None = None,
    ) -> None:
        self._effects = effects
        self._cov = cov
        perm = display_order(jacobian.shape[1] - int(fit_intercept), fit_intercept)
        self.jacobian = jacobian[:, perm]
        self.names = list(names)
        self.dummy_idx = np.sort(discrete) if discrete.size else None
        self._levels = levels
        self.margeff_options = options
        self.method = str(options["method"])
        self.at = str(options["at"])
        self.cov_type = cov_type
        self._cov_label = covariance or cov_type
        self.nobs = nobs
        # whether the tables are labelled pandas objects; the module itself is
        # imported when one is built (a module cannot be pickled or copied)
        self._labelled = pandas is not None
        self._table = wald_table(effects, cov)
        self.separation = separation

    @property
    def _pd(self) -> Any:
        """pandas when the effects are labelled by feature name, else None."""
        if not self._labelled:
            return None
        import pandas

        return pandas

    def _series(self, values: FloatArray) -> Any:
        if self._pd is None:
            return values.copy()
        return self._pd.Series(values, index=list(self.names))

    @property
    def margeff(self) -> Any:
        """The effects, one per feature."""
        return self._series(self._effects)

    @property
    def margeff_cov(self) -> Any:
        """Delta-method covariance ``J V Jᵀ`` of the effects."""
        if self._pd is None:
            return self._cov.copy()
        return self._pd.DataFrame(self._cov, index=self.names, columns=self.names)

    @property
    def margeff_se(self) -> Any:
        """Standard errors ``sqrt(diag(J V Jᵀ))``."""
        return self._series(self._table.bse)

    @property
    def zvalues(self) -> Any:
        """``margeff / margeff_se``."""
        return self._series(self._table.zvalues)

    tvalues = zvalues

    @property
    def pvalues(self) -> Any:
        """Two-sided normal p-values ``2 Φ(-|z|)``."""
        return self._series(self._table.pvalues)

    def wald_table(self, alpha: float = 0.05) -> WaldTable:
        """The effects' :class:`~logistic.inference.WaldTable` (plain arrays)."""
        return wald_table(self._effects, self._cov, alpha)

    def conf_int(self, alpha: float = 0.05) -> Any:
        """``margeff ± z_{1-α/2} margeff_se``, shape (p, 2) (a DataFrame with
        columns 0, 1 when named)."""
        ci = self.wald_table(alpha).conf_int
        if self._pd is None:
            return ci
        return self._pd.DataFrame(ci, index=self.names, columns=[0, 1])

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame with statsmodels' columns: the kind's label
        (``dy/dx``, ...), ``Std. Err.``, ``z``, ``Pr(>|z|)``,
        ``Conf. Int. Low`` and ``Cont. Int. Hi.`` (statsmodels' spelling)."""
        label = LABELS[self.method]
        return wald_frame(
            self.wald_table(alpha),
            self.names,
            columns=(label, "Std. Err.", "z", "Pr(>|z|)", *FRAME_BOUNDS),
            caller="summary_frame()",
        )

    #: The title above the table (text, Markdown caption, HTML caption).
    title = "Logistic regression marginal effects"

    def _blocks(self) -> list[tuple[str | None, int]]:
        """The table's blocks: each one's title (None: untitled) and the index
        of its first effect; the two-class table is one block."""
        return [(None, 0)]

    def summary(self, alpha: float = 0.05) -> str:
        """The table as text: effect, std err, z, P>|z| and the interval;
        discrete changes marked ``(d)``; HTML and Markdown: :meth:`as_html`,
        :meth:`as_markdown`."""
        table = self.wald_table(alpha)  # checks alpha before the header uses it
        label, width, head = self._layout(alpha)
        lines = [self.title, "    ".join(f"{k}: {v}" for k, v in self._header())]
        lines += [f"{k}: {v}" for k, v in self._set_values()]
        for title, start in self._blocks():
            lines += ["=" * len(head)] + ([title] if title else [])
            lines += [head, "-" * len(head)]
            lines += self._row_lines(table, label, width, start)
        lines.append("=" * len(head))
        return "\n".join(lines + self._footer())

    def as_markdown(self, alpha: float = 0.05) -> str:
        """The table of :meth:`summary` as GitHub-flavoured Markdown: the
        header as a table of statistics, then each block's table under its
        title (pipes in cells escaped); the rows' column is headed ``term``,
        or ``point`` for predictive margins, whose rows are the grid's points."""
        rows = "point" if self.predictive else "term"
        blocks = self._markup_blocks(alpha, [rows, *self._columns(alpha)])
        header = self._header() + self._set_values()
        tail = [f"\n{markdown_text(n)}" for n in self._footer()]
        return markdown_tables(self.title, header, blocks, tail)

    def as_html(
        self, alpha: float = 0.05, max_rows: int | None = None, where: str = ""
    ) -> str:
        """The table of :meth:`summary` as HTML: the header as a table of
        statistics, then one table per block captioned by its title (every
        text escaped); with ``max_rows``, the first that many rows of each
        block and a line counting the others (``where`` says where they are).
        Jupyter shows its first rows (``_repr_html_``)."""
        import html  # here: a text table needs no html module

        blocks = self._markup_blocks(alpha, ["", *self._columns(alpha)])
        header = self._header() + self._set_values()
        tail = [f"<p>{html.escape(n)}</p>" for n in self._footer()]
        return html_tables(self.title, header, blocks, tail, max_rows, where)

    def _markup_blocks(self, alpha: float, columns: list[str]) -> list[Block]:
        """Each block's rows as text cells under ``columns``, for
        :mod:`._table_markup`."""
        table = self.wald_table(alpha)  # checks alpha before the header uses it
        label, _, _ = self._layout(alpha)
        return [
            Block(title or "", columns, self._row_cells(table, label, start),
                  of=" of this block" if title else "")
            for title, start in self._blocks()
        ]  # fmt: skip

    def _repr_html_(self) -> str:
        return self.as_html(max_rows=ECHO_ROWS, where=ECHO_WHERE)

    @property
    def notes(self) -> list[str]:
        """The table's notes: the separation of the fit, when its MLE does not
        exist (:func:`._separation_notes.separated_margins_note`)."""
        if self.separation is None:
            return []
        note = separated_margins_note(
            self.separation, self.separation_remedy, self.predictive
        )
        return [note]

    def _footer(self) -> list[str]:
        """The lines under the table: what ``(d)`` marks, then the notes."""
        marks = [] if self.dummy_idx is None else [self._discrete_note()]
        return marks + [f"Note: {n}" for n in self.notes]

    def _header(self) -> list[tuple[str, Any]]:
        nobs = self.nobs if isinstance(self.nobs, int) else f"{self.nobs:.10g}"
        return [
            ("Method", self.method),
            ("At", self.at),
            ("Covariance", self._cov_label),
            ("No. observations", nobs),
        ]

    def _set_values(self) -> list[tuple[str, str]]:
        """The values set on every row (``atexog``), as one header item."""
        values = self.margeff_options.get("atexog") or {}
        if not values:
            return []
        shown = ", ".join(f"{name}={_shown(v)}" for name, v in values.items())
        return [("Set on every row", shown)]

    def _columns(self, alpha: float) -> list[str]:
        """The headers of the number columns."""
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        return [LABELS[self.method], "std err", "z", "P>|z|", lo, hi]

    def _layout(self, alpha: float) -> tuple[list[str], int, str]:
        """The text table's row labels (discrete changes marked ``(d)``), their
        width and the header line."""
        marks = set() if self.dummy_idx is None else set(self.dummy_idx.tolist())
        label = [
            f"{shown_name(n)} (d)" if j in marks else shown_name(n)
            for j, n in enumerate(self.names)
        ]
        width = max([text_width(s) for s in label] + [12])
        head = f"{'':<{width}} " + " ".join(
            f"{c:>{w}}" for c, w in zip(self._columns(alpha), _WIDTHS, strict=True)
        )
        return label, width, head

    @staticmethod
    def _row_cells(t: WaldTable, label: list[str], start: int = 0) -> list[list[str]]:
        """The cells of one row per label for entries ``start, start + 1, …``
        of ``t``: the label, then the numbers as the text table prints them; an
        effect of an aliased column (no estimate: NaN) reads ``NA`` throughout,
        as its row in the coefficient table."""
        return [
            [
                name, f"{t.params[i]:.6g}", f"{t.bse[i]:.4g}", f"{t.zvalues[i]:.3f}",
                pvalue_text(t.pvalues[i]), f"{t.conf_int[i, 0]:.4g}",
                f"{t.conf_int[i, 1]:.4g}",
            ]  # fmt: skip
            if np.isfinite(t.params[i])
            else [name, *["NA"] * 6]
            for i, name in enumerate(label, start)
        ]

    @classmethod
    def _row_lines(
        cls, t: WaldTable, label: list[str], width: int, start: int = 0
    ) -> list[str]:
        """The text lines of :meth:`_row_cells`, aligned under the header."""
        return [
            pad_text(name, width)
            + " "
            + " ".join(f"{c:>{w}}" for c, w in zip(cells, _WIDTHS, strict=True))
            for name, *cells in cls._row_cells(t, label, start)
        ]

    def _discrete_note(self) -> str:
        if self.margeff_options.get("variables"):
            return (
                "(d) discrete change: a level name[T.level] against the reference "
                "level, or a 0/1 variable from 0 to 1; every term of the variable "
                "follows"
            )
        if self._levels:
            return (
                "(d) discrete change from 0 to 1; a level name[T.level] against the "
                "reference level, the term's other columns 0"
            )
        return "(d) discrete change of the column from 0 to 1"

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<MarginalEffects method={self.method!r}, at={self.at!r}, "
            f"cov_type={self.cov_type!r}, p={len(self.names)}>"
        )


def _shown(value: Any, digits: int = 6) -> str:
    """A value set on every row: a number as ``%g`` (``digits`` significant
    digits), a level as its text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.{digits}g}"
    return str(value)


def point_pair(a: Any, b: Any, n: int) -> tuple[int, int]:
    """The 0-based indices ``a`` and ``b`` of two of ``n`` grid points, as
    ``difference(a, b)`` of the grids' results takes them (integers, not
    booleans), or the refusal naming the range."""
    from .._exceptions import InvalidParameterError

    for i in (a, b):
        if (
            not isinstance(i, (int, np.integer))
            or isinstance(i, bool)
            or not 0 <= int(i) < n
        ):
            raise InvalidParameterError(
                f"difference() takes point indices 0 to {n - 1}; got {i!r}"
            )
    return int(a), int(b)

