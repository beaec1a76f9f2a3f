"""The value and gradient at a solver's starting point.

At ``θ = 0`` without an offset the objective knows ``J(0)`` and ``∇J(0)``
from its data-statistics pass (``start_value_and_gradient``), so a fit from
zero reads the data one time fewer. Every other start, and every view
without the method (another model's objective), evaluates.
"""

from __future__ import annotations

from typing import Any

from logistic._typing import FloatArray

__all__ = ["known_start", "start_value_and_gradient"]


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
