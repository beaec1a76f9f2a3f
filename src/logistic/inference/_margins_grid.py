"""Marginal effects over a grid of set values: Stata's ``margins, dydx(*)
at(gre=(200(100)800))``, R marginaleffects' ``avg_slopes(m, newdata =
datagrid(...))``.

Conventions (owned here; a guide in docs/marginal-effects.md, "Effects over
a grid"):

* ``atexog`` is a grid when a value is a list of values (a list, tuple,
  ``range``, 1-D array, pandas Series or Index) or when it is a list of
  mappings; its points are :func:`._predictive_margins.grid_points`' (every
  combination, the first key varying slowest; at most
  :data:`._predictive_margins.MAX_POINTS`), and :data:`MAX_EFFECTS` bounds
  points × features (the joint covariance holds their square). A mapping of
  single values is one point and keeps ``get_margeff``'s
  :class:`MarginalEffects`.
* Each point's effects are ``get_margeff``'s with the point as ``atexog``
  (every ``method``, ``at``, ``dummy`` and ``categorical``; a one-hot term
  set to its reference level as :func:`._margins.with_references`), one
  pass over the rows a point (two with ``dummy=True``). The joint
  covariance is ``J V Jᵀ`` of the stacked Jacobians with the results'
  ``V``; an effect that is not estimable (NaN) has NaN rows and columns
  there too.
* A warning that several points raise is given once.
* A formula taken per variable
  (:func:`logistic.tabular._formula_margins.formula_margins`) passes its own
  ``effects_at(g)`` to :func:`stack_effects`, so both routes share the
  stacking.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from .._exceptions import InvalidParameterError, warn
from ._margins_grid_results import MarginalEffectsGrid
from ._margins_results import MarginalEffects
from ._order import display_order
from ._prediction_interval import sandwich

__all__ = ["MAX_EFFECTS", "is_grid", "marginal_effects_grid", "stack_effects"]

#: The most effects (points × features) one call evaluates: their covariance
#: holds the square (128 MB here).
MAX_EFFECTS = 4000


def _check_effects(points: int, features: int) -> None:
    """Refuse a grid of more than :data:`MAX_EFFECTS` effects."""
    if points * features > MAX_EFFECTS:
        raise InvalidParameterError(
            f"atexog asks for {points} points of {features} effects each; at "
            f"most {MAX_EFFECTS} effects (points x features) are evaluated in "
            "one call (their covariance holds the square): give fewer values"
        )


E = TypeVar("E")


def each_point(
    points: list[dict[Any, Any]],
    effects_at: Callable[[int], E],
    size: Callable[[E], int],
) -> list[E]:
    """``effects_at(g)`` for every point ``g``, in order, shared by the two-
    and K-class grids: no points is refused; a warning several points raise
    is given once, at the user's line, after the last point; and once the
    first point's effects give their number (``size``, per point), a grid
    over :data:`MAX_EFFECTS` is refused before the other points' passes."""
    if not points:
        raise InvalidParameterError("atexog makes no points: give at least one value")
    parts: list[E] = []
    seen: set[tuple[type[Warning], str]] = set()
    held: list[warnings.WarningMessage] = []
    for g in range(len(points)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            me = effects_at(g)
        for w in caught:
            key = (w.category, str(w.message))
            if key not in seen:
                seen.add(key)
                held.append(w)
        _check_effects(len(points), size(me))
        parts.append(me)
    for w in held:  # once each, at the user's line
        warn(str(w.message), w.category)
    return parts


def _is_list(value: Any) -> bool:
    if isinstance(value, (str, bytes, bool, int, float, np.generic)):
        return False
    if isinstance(value, np.ndarray) or (
        not isinstance(value, Mapping) and hasattr(value, "__array__")
    ):
        return bool(np.ndim(value) > 0)  # a 0-d array is one value
    return isinstance(value, (Sequence, range))


def is_grid(atexog: Any) -> bool:
    """Whether ``atexog`` asks for a grid of points (module docstring)."""
    if isinstance(atexog, Mapping):
        return any(_is_list(v) for v in atexog.values())
    return isinstance(atexog, Sequence) and not isinstance(atexog, (str, bytes))


def stack_effects(
    results: Any,
    points: list[dict[Any, Any]],
    effects_at: Callable[[int], MarginalEffects],
) -> MarginalEffectsGrid:
    """The :class:`MarginalEffectsGrid` of ``effects_at(g)``, the effects at
    ``points[g]``, with their joint covariance (module docstring)."""
    from ._predictive_margins import point_labels

    parts = each_point(points, effects_at, lambda me: len(me.names))
    effects = np.concatenate(
        [np.asarray(me._effects, dtype=np.float64) for me in parts]
    )
    jac = np.vstack([me.jacobian for me in parts])  # display order
    k = jac.shape[1]
    intercept = bool(results.fit_intercept)
    perm = display_order(k - int(intercept), intercept)
    cov = sandwich(results, jac, perm)  # centred where a Firth fit is far from 0
    missing = ~np.isfinite(effects)
    cov[missing, :] = np.nan
    cov[:, missing] = np.nan
    labels = point_labels(points)
    return MarginalEffectsGrid(parts, effects, cov, jac, points=points, labels=labels)


def marginal_effects_grid(
    results: Any,
    atexog: Any,
    references: Mapping[str, str] | None = None,
    **options: Any,
) -> MarginalEffectsGrid:
    """``results.get_margeff(**options)`` at each point of the grid
    ``atexog`` (module docstring); ``references``: each one-hot term's
    reference level, which a point may set (by default the model's
    ``encoding_``, :func:`._margins.model_references`)."""
    from ._margins import _atexog, marginal_effects, model_references, with_references
    from ._predictive_margins import _named, grid_points

    names = list(results.feature_names)
    points = grid_points(atexog)
    _check_effects(len(points), len(names))
    if references is None:
        references = model_references(getattr(results, "model", None))
    settings = [with_references(point, names, references) for point in points]
    for setting in settings:  # every point checked before the first pass
        _atexog(setting, names)
    named = [{_named(k, names): v for k, v in pt.items()} for pt in points]

    def effects_at(g: int) -> MarginalEffects:
        return marginal_effects(results, atexog=settings[g], **options)

    return stack_effects(results, named, effects_at)
