"""Solvers. Importing this package declares every built-in solver by name.

See :mod:`logistic.solvers._base` for the contract all solvers share;
:func:`solve` is the one entry point of the fit path. ``SOLVERS`` knows every
built-in name at once and imports a solver's module the first time its class
is looked up (:mod:`._registry`), so a fit imports only the solver it runs.
A new built-in solver is one line of ``_BUILT_IN`` (its name and module) and
an ``@register`` on its class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._checkpoint import run_with_checkpoint
from .._exceptions import InvalidParameterError
from .._typing import FloatArray
from ._base import (
    SOLVERS,
    Capabilities,
    Fit,
    Solver,
    SolverResult,
    get_solver,
    register,
)
from ._iterative import IterativeSolver

__all__ = [
    "SOLVERS",
    "Capabilities",
    "Fit",
    "IterativeSolver",
    "Solver",
    "SolverResult",
    "get_solver",
    "register",
    "solve",
]

#: Built-in solver name -> the module whose import registers it, in the order
#: ``auto`` meets them when it looks for a capability (Firth, L1).
_BUILT_IN = {
    "newton-cd": "coordinate_descent",
    "firth": "firth",
    "gd": "gradient_descent",
    "sgd": "gradient_descent",
    "lbfgs": "lbfgs",
    "newton": "newton",
    "newton-cg": "newton_cg",
    "fista": "proximal",
    "newton-cd-columns": "column_newton",
}
for _name, _module in _BUILT_IN.items():
    SOLVERS.declare(_name, f"{__name__}.{_module}")


def solve(
    name: str,
    objective: Any,
    theta0: FloatArray,
    *,
    tol: float,
    max_iter: int,
    l1: float = 0.0,
    verbose: int = 0,
    random_state: Any = None,
    callback: Any = None,
    options: dict[str, Any] | None = None,
    view: Any = None,
    checkpoint: Any = None,
    stop_rule: Any = None,
) -> SolverResult:
    """Run the registered solver ``name`` on ``objective`` from ``theta0``.

    Parameters
    ----------
    name : str
        A registered solver (see ``SOLVERS``).
    objective : LogisticObjective
    theta0 : ndarray of shape (n_params,)
        Starting point, original scale, intercept last.
    tol, max_iter, l1, verbose, random_state : as for :class:`Solver`.
    callback : callable or None
        ``callback(entry)`` after every iteration with the history entry
        (``iter``, ``objective``, ``grad_max_norm``, ``step``, ``time``,
        ``n_passes``).
    options : dict or None
        The solver's declared options; an unknown name is an error.
    view : ScaledObjective or None
        The standardized view of ``objective``, built once per fit by the
        caller; None builds it here.
    checkpoint : Checkpointer or None
        Writes the state every iteration and resumes from an existing
        checkpoint (``checkpoint.resume``, ``checkpoint.force``).
    stop_rule : SeparationStop or None
        The separation stopping rule of an unpenalized binary fit
        (:mod:`logistic._separation_stop`), asked by the iterative solvers'
        loop; None for none.

    Returns
    -------
    SolverResult
    """
    if options is not None and not isinstance(options, Mapping):
        raise InvalidParameterError(
            f"options must be a dict (option name: value) for solver {name!r}; "
            f"got {type(options).__name__}"
        )
    solver = get_solver(name)(
        tol=tol,
        max_iter=max_iter,
        l1=l1,
        verbose=verbose,
        random_state=random_state,
        callback=callback,
        **(options or {}),
    )
    solver.stop_rule = stop_rule
    if checkpoint is None:
        return solver.solve(objective, theta0, view=view)
    return run_with_checkpoint(
        solver,
        objective,
        theta0,
        checkpoint,
        resume=checkpoint.resume,
        force=checkpoint.force,
        view=view,
    )
