"""The margins of :class:`~logistic.inference.InferenceResults`: marginal
effects (``get_margeff``; over a grid of set values, :mod:`._margins_grid`)
and predictive margins (``predictive_margins``). A base of the results.

Convention (owned here): ``get_margeff`` returns a
:class:`~logistic.inference.MarginalEffects` for ``atexog`` of one value per
column (or None), and a :class:`~logistic.inference.MarginalEffectsGrid`
(a subclass) for a grid: a list of values for a column, or a list of
mappings (:func:`._margins_grid.is_grid`); the overloads say so to a type
checker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

if TYPE_CHECKING:
    from ._margins_grid_results import MarginalEffectsGrid
    from ._margins_results import MarginalEffects
    from ._predictive_results import PredictiveMargins

__all__ = ["MarginsMethods"]

#: One value a column is set to (a number, or a one-hot term's level).
_Value = float | str
#: Several values of a column: the grid's axis.
_Values = list[Any] | tuple[Any, ...] | range | np.ndarray


class MarginsMethods:
    """Marginal effects and predictive margins of the results."""

    @overload
    def get_margeff(
        self,
        at: str = ...,
        method: str = ...,
        atexog: Mapping[Any, _Value] | None = ...,
        dummy: Any = ...,
        categorical: str = ...,
    ) -> MarginalEffects: ...

    @overload
    def get_margeff(
        self,
        at: str = ...,
        method: str = ...,
        *,
        atexog: Mapping[Any, _Values] | Sequence[Mapping[Any, Any]],
        dummy: Any = ...,
        categorical: str = ...,
    ) -> MarginalEffectsGrid: ...

    @overload
    def get_margeff(
        self,
        at: str,
        method: str,
        atexog: Mapping[Any, _Values] | Sequence[Mapping[Any, Any]],
        dummy: Any = ...,
        categorical: str = ...,
    ) -> MarginalEffectsGrid: ...  # the grid given third, by position

    @overload
    def get_margeff(
        self,
        at: str = ...,
        method: str = ...,
        atexog: Any = ...,
        dummy: Any = ...,
        categorical: str = ...,
    ) -> MarginalEffects: ...

    def get_margeff(
        self,
        at: str = "overall",
        method: str = "dydx",
        atexog: Any = None,
        dummy: Any = False,
        categorical: str = "levels",
    ) -> MarginalEffects:
        """Marginal effects with delta-method standard errors (statsmodels' name).

        ``at``: ``"overall"`` (average over the training rows; needs the data
        given to ``inference``), ``"mean"``, ``"median"`` or ``"zero"``;
        ``method``: ``"dydx"``, ``"eyex"``, ``"dyex"`` or ``"eydx"``;
        ``atexog``: ``{column name or index: value}`` fixed on every row, or
        a grid (a list of values for a column, every combination; or a list
        of mappings), Stata's ``margins, dydx(*) at(x=(1 2 3))``;
        ``dummy``: discrete changes of 0/1 columns (True, or a list of them);
        ``categorical``: ``"levels"`` (each ``name[T.level]`` against the
        reference, Stata) or ``"columns"`` (statsmodels). Returns a
        :class:`~logistic.inference.MarginalEffects`, or for a grid a
        :class:`~logistic.inference.MarginalEffectsGrid` (one set of effects
        per point, their joint covariance); see
        :mod:`logistic.inference._margins`, :mod:`._margins_grid` and
        docs/marginal-effects.md.
        """
        from ._margins import marginal_effects
        from ._margins_grid import is_grid, marginal_effects_grid

        options = {"at": at, "method": method, "dummy": dummy,
                   "categorical": categorical}  # fmt: skip
        if is_grid(atexog):
            return marginal_effects_grid(self, atexog, **options)
        return marginal_effects(self, atexog=atexog, **options)

    def predictive_margins(
        self, atexog: Any = None, at: str = "overall", references: Any = None
    ) -> PredictiveMargins:
        """Predictive margins: average predicted probabilities with columns set
        to values, over a grid (Stata's ``margins, at(...)``), with
        delta-method standard errors.

        ``atexog``: ``{column or one-hot term: value or list of values}`` (the
        grid of every combination; a term such as ``C(rank)`` or ``rank`` set
        by its level), a list of such mappings, or None (the average
        prediction); ``at``: ``"overall"`` (average over the training rows;
        needs the data given to ``inference``), ``"mean"`` (Stata's
        ``atmeans``), ``"median"`` or ``"zero"``; ``references``: ``{term:
        reference level}``, so that a point may set a term to its reference
        level (which has no column), by default from the model's
        ``encoding_`` (a DataFrame with text columns). Returns a
        :class:`~logistic.inference.PredictiveMargins`; see
        :mod:`logistic.inference._predictive_margins`.
        """
        from ._predictive_margins import predictive_margins

        return predictive_margins(self, atexog=atexog, at=at, references=references)
