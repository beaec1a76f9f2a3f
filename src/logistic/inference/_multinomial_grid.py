"""Marginal effects of a multinomial fit over a grid of set values: the
effects on every class probability at each point (Stata's ``margins,
dydx(*) at(x=(1 2 3))`` after ``mlogit``).

Conventions (owned here; the grids are :mod:`._margins_grid`'s, the effects
at one point :mod:`._multinomial_margins`'s):

* ``atexog`` is a grid as for two classes (:func:`._margins_grid.is_grid`:
  a list of values for a column or term, or a list of mappings; the points
  of :func:`._predictive_margins.grid_points`); a mapping of single values
  is one point and keeps ``get_margeff``'s
  :class:`~._multinomial_margins.MultinomialMarginalEffects`. The bound
  :data:`._margins_grid.MAX_EFFECTS` applies to points × features × classes
  (the joint covariance holds the square).
* Each point's effects are ``get_margeff(atexog=point, ...)`` (every
  ``method``, ``at``, ``dummy`` and ``categorical``), one pass over the rows
  a point. The effects are flattened point by point, each point class by
  class (index ``g K p + k p + l``): the stacked per-point layouts. The
  joint covariance is ``J V Jᵀ`` of the stacked Jacobians with the results'
  ``cov_params()``; a warning several points raise is given once.
* A formula taken per variable
  (:func:`logistic.tabular._formula_margins.formula_margins`) passes its own
  ``effects_at(g)`` to :func:`stack_multinomial`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._typing import FloatArray
from ._coef_table import shown_name
from ._margins_grid_results import EffectsOverPoints
from ._margins_results import FRAME_BOUNDS, LABELS
from ._multinomial_margins import MultinomialMarginalEffects
from ._wald import wald_frame

__all__ = [
    "MultinomialMarginalEffectsGrid",
    "multinomial_effects_grid",
    "stack_multinomial",
]

F64 = np.float64


def stack_multinomial(
    results: Any,
    points: list[dict[Any, Any]],
    effects_at: Callable[[int], MultinomialMarginalEffects],
) -> MultinomialMarginalEffectsGrid:
    """The grid of ``effects_at(g)``, the effects at ``points[g]``, with
    their joint covariance (module docstring)."""
    from ._margins_grid import each_point
    from ._predictive_margins import point_labels

    parts = each_point(points, effects_at, lambda me: len(me.names) * len(me.classes))
    effects = np.concatenate([np.asarray(me._effects, dtype=F64) for me in parts])
    jac = np.vstack([me.jacobian for me in parts])  # param_names order
    cov = jac @ results.cov_params() @ jac.T
    cov = 0.5 * (cov + cov.T)
    return MultinomialMarginalEffectsGrid(
        parts, effects, cov, jac, points=points, labels=point_labels(points)
    )


def multinomial_effects_grid(
    results: Any,
    atexog: Any,
    references: Mapping[str, str] | None = None,
    **options: Any,
) -> MultinomialMarginalEffectsGrid:
    """``results.get_margeff(**options)`` of a ``MultinomialInference`` at
    each point of the grid ``atexog`` (module docstring)."""
    from ._margins import _atexog, with_references
    from ._margins_grid import _check_effects
    from ._multinomial_margins import multinomial_margins
    from ._predictive_margins import _named, grid_points

    names = list(results._features)
    points = grid_points(atexog)
    _check_effects(len(points), len(names) * len(results.classes))
    if references is None:
        references = getattr(results, "_references", {})
    for point in points:  # every point checked before the first pass
        _atexog(with_references(point, names, references), names)
    named = [{_named(k, names): v for k, v in pt.items()} for pt in points]

    def effects_at(g: int) -> MultinomialMarginalEffects:
        return multinomial_margins(
            results, atexog=points[g], references=references, **options
        )

    return stack_multinomial(results, named, effects_at)


class MultinomialMarginalEffectsGrid(EffectsOverPoints, MultinomialMarginalEffects):
    """Marginal effects on every class probability at each point of a grid
    of set values, with delta-method standard errors and their joint
    covariance.

    Built by :meth:`MultinomialInference.get_margeff` when ``atexog`` is a
    grid.

    Attributes
    ----------
    margeff, margeff_se, zvalues (alias tvalues), pvalues : ndarray
        Of shape (points, p, K): point, feature, class.
    margeff_cov : ndarray of shape (G K p, G K p)
        ``J V Jᵀ`` over the effects flattened point by point, each point
        class by class (``g K p + k p + l``).
    jacobian : ndarray of shape (G K p, (K-1) q)
        ``∂ margeff / ∂ params`` in ``param_names`` order.
    points, point_labels : list of dict, list of str
        The values each point sets on every row, and their labels.
    by_point : list of MultinomialMarginalEffects
        Each point's effects on their own (the same numbers).
    names, classes, target_name, dummy_idx, margeff_options, method, at,
    cov_type, nobs, separation
        As :class:`MultinomialMarginalEffects` (``margeff_options["atexog"]``
        is the list of points).
    """

    def __init__(
        self,
        parts: list[MultinomialMarginalEffects],
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
            jacobian,
            points=points,
            labels=labels,
            classes=parts[0].classes,
            target_name=parts[0].target_name,
        )

    def _series(self, values: FloatArray) -> Any:
        """Flat values as (points, p, K)."""
        G, K, p = len(self.points), len(self.classes), len(self.names)
        return np.asarray(values).reshape(G, K, p).transpose(0, 2, 1).copy()

    def _class_rows(self, ks: list[int]) -> np.ndarray:
        G, K, p = len(self.points), len(self.classes), len(self.names)
        return np.asarray(
            [g * K * p + k * p + j for g in range(G) for k in ks for j in range(p)],
            dtype=np.intp,
        )

    def _restricted(self, ks: list[int], rows: np.ndarray) -> Any:
        out = super()._restricted(ks, rows)
        out.by_point = [me.for_classes([self.classes[k] for k in ks])
                        for me in self.by_point]  # fmt: skip
        return out

    def conf_int(self, alpha: float = 0.05) -> FloatArray:
        """``margeff ± z_{1-α/2} margeff_se``, shape (points, p, K, 2)."""
        G, K, p = len(self.points), len(self.classes), len(self.names)
        ci = self.wald_table(alpha).conf_int.reshape(G, K, p, 2)
        return ci.transpose(0, 2, 1, 3).copy()

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame indexed by (point, class, feature), the columns
        of :meth:`MultinomialMarginalEffects.summary_frame`."""
        import pandas as pd

        index = pd.MultiIndex.from_product(
            [self.point_labels, self.classes, self.names],
            names=["point", "class", "feature"],
        )
        return wald_frame(
            self.wald_table(alpha),
            index,
            columns=(LABELS[self.method], "Std. Err.", "z", "Pr(>|z|)", *FRAME_BOUNDS),
            caller="summary_frame()",
        )

    def difference(self, a: int, b: int) -> tuple[FloatArray, FloatArray]:
        """Every effect at point ``a`` minus at point ``b`` (0-based) and the
        delta-method standard errors, two arrays of shape (p, K)."""
        value, se = self.point_difference(a, b)
        shape = (len(self.classes), len(self.names))
        return value.reshape(shape).T.copy(), se.reshape(shape).T.copy()

    def _blocks(self) -> list[tuple[str | None, int]]:
        """One block per point and class, ``at gre=200: y = 2``."""
        target, p = shown_name(self.target_name or "y"), len(self.names)
        K = len(self.classes)
        return [
            (f"at {label}: {target} = {shown_name(c)}", (g * K + k) * p)
            for g, label in enumerate(self.point_labels)
            for k, c in enumerate(self.classes)
        ]

    def __repr__(self) -> str:
        return (
            f"<MultinomialMarginalEffectsGrid method={self.method!r}, at={self.at!r}, "
            f"cov_type={self.cov_type!r}, points={len(self.points)}, "
            f"p={len(self.names)}, K={len(self.classes)}>"
        )
