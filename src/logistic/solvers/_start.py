"""A fit's starting point, and the value and gradient there.

At ``θ = 0`` without an offset the objective knows ``J(0)`` and ``∇J(0)``
from its data-statistics pass (``start_value_and_gradient``), so a fit from
zero reads the data one time fewer. Every other start, and every view
without the method (another model's objective), evaluates.

With an offset a fit starts from the null model's intercept
(:func:`intercept_start`): at ``θ = 0`` the logits are the offsets, and
where they lie beyond ~±36 every probability is 0 or 1 to rounding, so the
first steps have no curvature to go by (Newton's Hessian is singular there,
newton-cg's steps overflow, fista's and gd's steps crawl), and the
intercept alone has to cross the offset.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from logistic._null_intercept import null_intercept
from logistic._typing import FloatArray

__all__ = ["intercept_start", "known_start", "start_value_and_gradient"]

#: How near the null model's intercept a start comes (Newton's last step at
#: most this, relative): the solver takes it from there, so the 1-D fit's
#: last passes to rounding would be wasted.
START_TOL = 1e-3


def intercept_start(objective: Any) -> float:
    """The intercept a fit of ``objective`` from ``w = 0`` starts at: the
    null model's (:func:`logistic._null_intercept.null_intercept`, exact
    for any finite offset) where the rows carry an offset, else 0.

    Where ``J(0)`` and ``∇J(0)`` are known without a pass (no offset), 0 at
    once; elsewhere one pass of label and offset sums decides (and then a
    pass a Newton step of the 1-D problem, none for one offset on every
    row)."""
    if not objective.fit_intercept:
        return 0.0
    if known_start(objective, np.zeros(objective.n_params)) is not None:
        return 0.0
    null = null_intercept(objective.data, rough=START_TOL)
    return null.intercept if null.offset and math.isfinite(null.intercept) else 0.0


def known_start(objective: Any, theta: FloatArray) -> tuple[float, FloatArray] | None:
    """``(J(θ), ∇J(θ))`` from the statistics pass where ``objective`` has them
    for this ``θ``, else None (no pass either way)."""
    known = getattr(objective, "start_value_and_gradient", None)
    return None if known is None else known(theta)


def start_value_and_gradient(
    objective: Any, theta: FloatArray
) -> tuple[float, FloatArray]:
    """``(J(θ), ∇J(θ))`` at a solver's start: from the statistics pass where
    ``objective`` has it for this ``θ``, else by one evaluation."""
    got = known_start(objective, theta)
    if got is not None:
        return got
    f, g = objective.value_and_gradient(theta)
    return f, g
