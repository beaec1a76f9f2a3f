"""The result of marginal effects over a grid of set values
(:mod:`logistic.inference._margins_grid`): one set of effects per point,
Stata's ``margins, dydx(*) at(gre=(200(100)800))``, with the joint
delta-method covariance of every effect at every point.

Conventions (owned here):

* The effects are flattened point by point (entry ``g p + j``: point ``g``,
  feature ``j``), as the multinomial effects are class by class; arrays are
  ``(points, p)``, pandas objects a DataFrame of points (rows, by label) by
  features (columns); ``summary_frame()`` and ``margeff_cov`` are indexed by
  (point, feature).
* ``margeff_cov`` is ``J V Jᵀ`` over all of them (``J`` the stacked
  Jacobians): its diagonal blocks are each point's own effects' covariance,
  and :meth:`MarginalEffectsGrid.difference` uses the blocks between points.
* Printed, one block per point titled ``at gre=200, rank=2`` (Stata prints
  ``_at`` blocks the same way); the Markdown and HTML tables alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import FloatArray
from ._coef_table import shown_name
from ._margins_results import FRAME_BOUNDS, LABELS, MarginalEffects, point_pair
from ._wald import wald_frame

__all__ = ["EffectsOverPoints", "MarginalEffectsGrid"]


class EffectsOverPoints(MarginalEffects):
    """What the two- and K-class effects over a grid share: built from each
    point's effects (``parts``, whose options, names, levels, covariance
    type and notes the first gives; ``margeff_options["atexog"]`` is the
    list of points), the :attr:`points`, :attr:`point_labels` and
    :attr:`by_point` they keep, the effects flattened point by point in
    blocks of equal size (so :meth:`point_difference`), and no "set values"
    lines in the table (each block's title says what its point sets).
    :class:`MarginalEffectsGrid` and
    :class:`~._multinomial_grid.MultinomialMarginalEffectsGrid` (before
    :class:`~._multinomial_margins.MultinomialMarginalEffects` in its bases)
    build on it; ``kwargs`` are what their own base takes besides."""

    def __init__(
        self,
        parts: list[Any],
        effects: FloatArray,
        cov: FloatArray,
        jacobian: FloatArray,
        *,
        points: list[dict[Any, Any]],
        labels: list[str],
        **kwargs: Any,
    ) -> None:
        first = parts[0]
        options = dict(first.margeff_options)
        options["atexog"] = [dict(pt) for pt in points]
        super().__init__(
            effects,
            cov,
            jacobian,
            names=first.names,
            discrete=np.zeros(0, np.intp)
            if first.dummy_idx is None
            else first.dummy_idx,
            levels=first._levels,
            options=options,
            cov_type=first.cov_type,
            nobs=first.nobs,
            covariance=first._cov_label,
            separation=first.separation,
            **kwargs,
        )
        self.title = first.title
        self.points = [dict(pt) for pt in points]
        self.point_labels = list(labels)
        self.by_point = list(parts)

    def point_difference(self, a: int, b: int) -> tuple[FloatArray, FloatArray]:
        """Every effect at point ``a`` minus at point ``b`` (0-based, checked
        by :func:`point_pair`) and the delta-method standard errors, flat in
        a point's own order. Entry by entry: an effect that is not estimable
        (NaN) leaves the others' differences alone (a matrix product would
        not), and a variance that is not finite gives a NaN error."""
        a, b = point_pair(a, b, len(self.points))
        n = self._effects.size // len(self.points)
        ia, ib = a * n + np.arange(n), b * n + np.arange(n)
        V = self._cov
        values = self._effects[ia] - self._effects[ib]
        var = V[ia, ia] + V[ib, ib] - 2.0 * V[ia, ib]
        se = np.sqrt(np.where(np.isfinite(var), np.maximum(var, 0.0), np.nan))
        return values, se

    def _set_values(self) -> list[tuple[str, str]]:
        return []  # each block's title says what its point sets


class MarginalEffectsGrid(EffectsOverPoints):
    """Marginal effects at each point of a grid of set values, with
    delta-method standard errors and their joint covariance.

    Built by :meth:`InferenceResults.get_margeff` when ``atexog`` is a grid
    (a list of values for a column, or a list of mappings).

    Attributes
    ----------
    margeff, margeff_se, zvalues (alias tvalues), pvalues : ndarray or DataFrame
        Of shape (points, p): a DataFrame indexed by the points' labels with
        a column per feature when the results are named.
    margeff_cov : ndarray or DataFrame of shape (points p, points p)
        ``J V Jᵀ`` over the effects flattened point by point (``g p + j``).
    jacobian : ndarray of shape (points p, k)
        ``∂ margeff / ∂ params`` in ``params`` order (intercept first).
    points : list of dict
        The values each point sets on every row, as given (a feature given by
        its 0-based index is named).
    point_labels : list of str
        ``gre=200, rank=2``: the points' labels.
    by_point : list of MarginalEffects
        Each point's effects on their own (the same numbers).
    names : list of str
        The p features.
    dummy_idx, margeff_options, method, at, cov_type, nobs, separation
        As :class:`MarginalEffects` (``margeff_options["atexog"]`` is the
        list of points).
    """

    def __init__(
        self,
        parts: list[MarginalEffects],
        effects: FloatArray,
        cov: FloatArray,
        jacobian: FloatArray,
        *,
        points: list[dict[Any, Any]],
        labels: list[str],
    ) -> None:
        super().__init__(
            parts,
            effects,
            cov,
            jacobian,  # in display order already: fit_intercept=False keeps it
            points=points,
            labels=labels,
            fit_intercept=False,
            pandas=parts[0]._pd,
        )

    def _shape(self, values: FloatArray) -> FloatArray:
        return np.asarray(values).reshape(len(self.points), len(self.names)).copy()

    def _series(self, values: FloatArray) -> Any:
        """Flat point-by-point values as (points, p)."""
        table = self._shape(values)
        if self._pd is None:
            return table
        return self._pd.DataFrame(table, index=self.point_labels, columns=self.names)

    def _index(self) -> Any:
        import pandas as pd

        return pd.MultiIndex.from_product(
            [self.point_labels, self.names], names=["point", "feature"]
        )

    @property
    def margeff_cov(self) -> Any:
        """``J V Jᵀ`` over every effect at every point (point by point)."""
        if self._pd is None:
            return self._cov.copy()
        index = self._index()
        return self._pd.DataFrame(self._cov, index=index, columns=index)

    def conf_int(self, alpha: float = 0.05) -> Any:
        """``margeff ± z_{1-α/2} margeff_se``: shape (points, p, 2), or a
        DataFrame indexed by (point, feature) with columns 0, 1 when named."""
        ci = self.wald_table(alpha).conf_int
        if self._pd is None:
            return ci.reshape(len(self.points), len(self.names), 2)
        return self._pd.DataFrame(ci, index=self._index(), columns=[0, 1])

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame indexed by (point, feature), the point by its
        label, with statsmodels' columns (``dy/dx`` …, ``Std. Err.``, ``z``,
        ``Pr(>|z|)``, ``Conf. Int. Low``, ``Cont. Int. Hi.``)."""
        try:
            import pandas  # noqa: F401
        except ImportError as exc:  # pragma: no cover - pandas is optional
            raise ImportError(
                "summary_frame() needs pandas (pip install pandas)"
            ) from exc
        return wald_frame(
            self.wald_table(alpha),
            self._index(),
            columns=(LABELS[self.method], "Std. Err.", "z", "Pr(>|z|)", *FRAME_BOUNDS),
            caller="summary_frame()",
        )

    def difference(self, a: int, b: int) -> tuple[Any, Any]:
        """Each feature's effect at point ``a`` minus its effect at point
        ``b`` (0-based, in :attr:`points` order) and the delta-method standard
        errors of those differences (a Series each when named, else arrays)."""
        values, se = self.point_difference(a, b)
        if self._pd is None:
            return values, se
        series = self._pd.Series
        return series(values, index=self.names), series(se, index=self.names)

    def _blocks(self) -> list[tuple[str | None, int]]:
        """One block per point, titled ``at gre=200, rank=2``."""
        p = len(self.names)
        return [
            (f"at {shown_name(label)}", g * p)
            for g, label in enumerate(self.point_labels)
        ]

    def __repr__(self) -> str:
        return (
            f"<MarginalEffectsGrid method={self.method!r}, at={self.at!r}, "
            f"cov_type={self.cov_type!r}, p={len(self.names)}, "
            f"points={len(self.points)}>"
        )
