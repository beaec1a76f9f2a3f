"""The result of :func:`logistic.inference._predictive_margins.predictive_margins`:
one average predicted probability per point of a grid, with delta-method
standard errors, z, p-values and intervals, under the names of
:class:`~logistic.inference.MarginalEffects` (whose renderings it keeps: a
row per point, labelled by the values it sets)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import FloatArray
from ._margins_results import MarginalEffects, point_pair

__all__ = ["MarginsOverPoints", "PredictiveMargins"]

#: What the margins are, as the table's header says it (two and K classes).
_AT_WORDS = {
    "overall": "average over the rows",
    "mean": "at the column means",
    "median": "at the column medians",
    "zero": "at every feature 0",
}


class MarginsOverPoints(MarginalEffects):
    """What the two- and K-class predictive margins share: a margin per
    point (and class), the :attr:`points` each sets, :attr:`predicted` as
    statsmodels' name for the margins, and no "set values" lines in the
    table (each row's label says what its point sets).
    :class:`PredictiveMargins` and
    :class:`~._multinomial_predictive.MultinomialPredictiveMargins` (before
    :class:`~._multinomial_margins.MultinomialMarginalEffects` in its bases)
    build on it."""

    predictive = True

    def __init__(
        self,
        margins: FloatArray,
        cov: FloatArray,
        jacobian: FloatArray,
        *,
        points: list[dict[Any, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(margins, cov, jacobian, **kwargs)
        self.points = [dict(pt) for pt in points]

    @property
    def predicted(self) -> Any:
        """The margins (statsmodels' ``get_prediction`` name)."""
        return self.margeff

    def _set_values(self) -> list[tuple[str, str]]:
        return []  # each row is a point: its label says what it sets


class PredictiveMargins(MarginsOverPoints):
    """Predictive margins (Stata's ``margins`` without ``dydx``): the average
    predicted probability with covariates set to each point's values.

    Built by :meth:`InferenceResults.predictive_margins`. Arrays have one
    entry per point, in the order of :attr:`points`; pandas objects are
    indexed by each point's label (``gre=200, gpa=3``).

    Attributes
    ----------
    margeff, predicted : ndarray or Series
        The margins (``predicted`` is the same array).
    margeff_se, zvalues, pvalues : ndarray or Series
        Delta-method standard errors, and z and p of each margin against 0
        (Stata prints them; a probability is rarely tested against 0).
    margeff_cov : ndarray or DataFrame
        The covariance of the margins, ``J V Jᵀ``: a difference of two
        points ``a - b`` has variance ``V_aa + V_bb - 2 V_ab``.
    jacobian : ndarray of shape (points, k)
        ``∂ margin / ∂ params`` in ``params`` order (intercept first).
    points : list of dict
        The values each point sets on every row, as given (a feature given
        by its 0-based index is named).
    names : list of str
        The points' labels.
    """

    title = "Logistic regression predictive margins"

    def difference(self, a: int, b: int) -> tuple[float, float]:
        """The difference of the margins of points ``a`` and ``b`` (0-based,
        in :attr:`points` order) and its delta-method standard error (Stata's
        ``margins ..., pwcompare`` for one pair)."""
        a, b = point_pair(a, b, len(self.names))
        # entry by entry: a point that is not estimable (NaN) leaves the
        # differences of the others alone (a contrast's product would not)
        V = self._cov
        value = float(self._effects[a] - self._effects[b])
        var = float(V[a, a] + V[b, b] - 2.0 * V[a, b])
        return value, float(np.sqrt(max(var, 0.0))) if np.isfinite(var) else np.nan

    def _header(self) -> list[tuple[str, Any]]:
        nobs = self.nobs if isinstance(self.nobs, int) else f"{self.nobs:.10g}"
        return [
            ("Expression", "Pr(y = 1)"),
            ("At", f"{self.at} ({_AT_WORDS.get(self.at, self.at)})"),
            ("Covariance", self._cov_label),
            ("No. observations", nobs),
        ]

    def __repr__(self) -> str:
        return (
            f"<PredictiveMargins at={self.at!r}, cov_type={self.cov_type!r}, "
            f"points={len(self.names)}>"
        )
