"""The Hosmer-Lemeshow test's groups: the number asked for, checked, and the
cut points of Stata's and R's rules (the conventions: :mod:`._goodness`,
"Grouping rule"), and Stata's ``_pctile`` that the margins' medians share.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._messages import integer_text
from .._typing import FloatArray

__all__ = ["TooManyGroups", "check_groups", "r_cuts", "stata_cuts", "stata_percentile"]

F64 = np.float64


class TooManyGroups(InvalidParameterError):
    """More Hosmer-Lemeshow groups asked for than there are observations;
    :meth:`named` words it for another name of the parameter (``--groups``)."""

    def __init__(self, groups: int, observations: float, name: str = "groups"):
        self.groups, self.observations = groups, observations
        super().__init__(
            f"{name} must be at most the number of observations "
            f"({observations:.15g}: rows of positive weight, or their total "
            f"weight where larger) or 10; got {integer_text(groups)}"
        )

    def named(self, name: str) -> TooManyGroups:
        """The same refusal naming the parameter ``name``."""
        return TooManyGroups(self.groups, self.observations, name)


def check_groups(groups: Any) -> int:
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise InvalidParameterError(f"groups must be an integer >= 3; got {groups!r}")
    if groups < 3:
        raise InvalidParameterError(f"groups must be an integer >= 3; got {groups}")
    return int(groups)


def stata_percentile(v: FloatArray, cum: FloatArray, P: float) -> float:
    """Stata's ``_pctile`` of sorted values ``v`` whose cumulative weights are
    ``cum``, at the cumulative weight ``P``: the first value whose cumulative
    weight reaches ``P``, averaged with the next where it equals ``P`` (to
    1e-12 of the total weight, so that scaling every weight changes
    nothing)."""
    tol = 1e-12 * float(cum[-1])
    i = min(int(np.searchsorted(cum, P - tol, side="left")), v.size - 1)
    if abs(float(cum[i]) - P) <= tol and i + 1 < v.size:
        return 0.5 * float(v[i] + v[i + 1])
    return float(v[i])


def stata_cuts(p: FloatArray, cum: FloatArray, g: int) -> FloatArray:
    """Inner cut points ``c_1 … c_{g-1}`` by Stata's ``_pctile`` definition."""
    total = float(cum[-1])
    P = total * np.arange(1, g) / g
    tol = 1e-12 * total  # stata_percentile's rule, for every cut at once
    i = np.minimum(np.searchsorted(cum, P - tol, side="left"), p.size - 1)
    tie = (np.abs(cum[i] - P) <= tol) & (i + 1 < p.size)
    cuts = p[i].astype(F64, copy=True)
    cuts[tie] = 0.5 * (p[i[tie]] + p[i[tie] + 1])
    return cuts


def r_cuts(p: FloatArray, cum: FloatArray, g: int) -> FloatArray:
    """Inner breaks of ``unique(quantile(p, seq(0, 1, 1/g)))`` (type 7), with
    frequency weights as repeated rows; every quantile in one step (a loop
    over them took 11 s for a million groups where Stata's cuts take 0.5 s)."""
    total = float(cum[-1])
    probs = np.arange(g + 1) * (1.0 / g)  # R's seq(0, 1, 1/g)
    index = 1.0 + max(total - 1.0, 0.0) * probs  # R's type 7, as quantile.default
    lo, hi = np.floor(index), np.ceil(index)

    def at(position: FloatArray) -> FloatArray:  # 1-based, in the repeated rows
        i = np.searchsorted(cum, position, side="left")
        return np.asarray(p[np.minimum(i, p.size - 1)], dtype=F64)

    q, upper = at(lo), at(hi)
    h = index - lo
    mixed = (index > lo) & (upper != q)
    qs = np.where(mixed, (1.0 - h) * q + h * upper, q)
    breaks = np.unique(qs)
    return breaks[1:-1]
