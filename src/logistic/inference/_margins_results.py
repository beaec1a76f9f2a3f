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

from .._typing import FloatArray
from ._cell_text import pvalue_text
from ._order import display_order
from ._separation_notes import FIRTH, separated_margins_note
from ._summary import shown_name
from ._wald import WaldTable, wald_frame, wald_table

__all__ = ["FRAME_BOUNDS", "LABELS", "MarginalEffects"]

#: Column header of each kind (statsmodels' ``summary_frame`` names).
LABELS = {
    "dydx": "dy/dx",
    "eyex": "d(lny)/d(lnx)",
    "dyex": "dy/d(lnx)",
    "eydx": "d(lny)/dx",
}
#: statsmodels' ``summary_frame`` names of the bounds (its spelling kept).
FRAME_BOUNDS = ("Conf. Int. Low", "Cont. Int. Hi.")


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

    def summary(self, alpha: float = 0.05) -> str:
        """The table as text: effect, std err, z, P>|z| and the interval;
        discrete changes marked ``(d)``."""
        table = self.wald_table(alpha)  # checks alpha before the header uses it
        label, width, head = self._layout(alpha)
        lines = self._heading("Logistic regression marginal effects")
        values = self.margeff_options.get("atexog") or {}
        if values:
            lines.append(
                "Set on every row: "
                + ", ".join(f"{name}={_shown(v)}" for name, v in values.items())
            )
        lines += ["=" * len(head), head, "-" * len(head)]
        lines += self._row_lines(table, label, width)
        lines.append("=" * len(head))
        if self.dummy_idx is not None:
            lines.append(self._discrete_note())
        return "\n".join(lines + [f"Note: {n}" for n in self.notes])

    @property
    def notes(self) -> list[str]:
        """The table's notes: the separation of the fit, when its MLE does not
        exist (:func:`._separation_notes.separated_margins_note`)."""
        if self.separation is None:
            return []
        return [separated_margins_note(self.separation, self.separation_remedy)]

    def _layout(self, alpha: float) -> tuple[list[str], int, str]:
        """The text table's row labels (discrete changes marked ``(d)``), their
        width and the header line."""
        marks = set() if self.dummy_idx is None else set(self.dummy_idx.tolist())
        label = [
            f"{shown_name(n)} (d)" if j in marks else shown_name(n)
            for j, n in enumerate(self.names)
        ]
        width = max([len(s) for s in label] + [12])
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        head = (
            f"{'':<{width}} {LABELS[self.method]:>13} {'std err':>10} {'z':>8} "
            f"{'P>|z|':>8} {lo:>10} {hi:>10}"
        )
        return label, width, head

    def _heading(self, title: str) -> list[str]:
        nobs = self.nobs if isinstance(self.nobs, int) else f"{self.nobs:.10g}"
        return [
            title,
            f"Method: {self.method}    At: {self.at}    Covariance: {self._cov_label}"
            f"    No. observations: {nobs}",
        ]

    @staticmethod
    def _row_lines(
        t: WaldTable, label: list[str], width: int, start: int = 0
    ) -> list[str]:
        """One line per label for entries ``start, start + 1, …`` of ``t``; an
        effect of an aliased column (no estimate: NaN) reads ``NA`` throughout,
        as its row in the coefficient table."""
        return [
            f"{name:<{width}} {t.params[i]:>13.6g} {t.bse[i]:>10.4g} "
            f"{t.zvalues[i]:>8.3f} {pvalue_text(t.pvalues[i]):>8} "
            f"{t.conf_int[i, 0]:>10.4g} {t.conf_int[i, 1]:>10.4g}"
            if np.isfinite(t.params[i])
            else f"{name:<{width}} {'NA':>13} {'NA':>10} {'NA':>8} {'NA':>8} "
            f"{'NA':>10} {'NA':>10}"
            for i, name in enumerate(label, start)
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


def _shown(value: Any) -> str:
    """A value set on every row: a number as ``%g``, a level as its text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)
