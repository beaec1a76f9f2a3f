"""Solvers. Importing this package registers every built-in solver.

See :mod:`logistic.solvers._base` for the contract all solvers share.
"""

from __future__ import annotations

from . import (  # noqa: F401  (registration)
    coordinate_descent,
    firth,
    gradient_descent,
    lbfgs,
    newton,
    newton_cg,
    proximal,
)
from ._base import SOLVERS, Capabilities, Solver, SolverResult, get_solver, register

__all__ = [
    "SOLVERS",
    "Capabilities",
    "Solver",
    "SolverResult",
    "get_solver",
    "register",
]
