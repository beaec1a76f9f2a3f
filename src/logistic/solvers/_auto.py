"""``solver="auto"``: pick a registered solver from the problem's shape and penalty.

Convention: the choice reads capability flags and the data's shape only,
never solver internals, and is recorded by the estimator in ``solver_``.
Current rule (see docs/benchmarks.md for the measurements behind it):

* an L1 term → the first registered solver with ``supports_l1``;
* Firth's penalty → the solver with ``firth``;
* dense data with n_features ≤ 1000 and n_samples ≥ n_features → "newton";
* otherwise (wide or sparse) → "lbfgs".
"""

from __future__ import annotations

from typing import Any

import scipy.sparse as sp

from ._base import SOLVERS

__all__ = ["choose_solver"]


def _first(flag: str) -> str | None:
    for name, cls in SOLVERS.items():
        if getattr(cls.capabilities, flag):
            return name
    return None


def choose_solver(X: Any, *, penalty: str | None, l1: float) -> str:
    """Name of the solver ``auto`` uses for this X and penalty."""
    if penalty == "firth":
        name = _first("firth")
        if name is not None:
            return name
    if l1 > 0:
        name = _first("supports_l1")
        if name is not None:
            return name
    n, p = X.shape
    if not sp.issparse(X) and p <= 1000 and n >= p:
        return "newton"
    return "lbfgs"
