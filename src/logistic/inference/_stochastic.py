"""Inference from a fit by a stochastic solver: approximate, and said so.

Convention (owned here): a fit whose solver takes mini-batch steps
(``capabilities.stochastic``: ``sgd``) and whose
stopping tolerance ``tol_`` is looser than the loosest default of the
deterministic solvers (:data:`~logistic._numerics.DEFAULT_TOL_FLOAT32`; the
stochastic default is 1e-3) stops at a point whose estimates can differ
from the maximum-likelihood estimate by a visible fraction of a standard
error, so its standard errors, z-values and p-values are those of a nearby
point, not the MLE's. Such a fit gets a :class:`~logistic.ConvergenceWarning`
when its inference is computed (``fit_inference``), an ``Estimates:
approximate (sgd)`` line in the summary header and a note naming the remedy
(refit with the default solver, or a smaller ``tol``). A stochastic fit run
to a deterministic solver's tolerance is not flagged: the stopping rule is
then the same. A ``partial_fit`` stream, which stops at no tolerance, gets
no inference at all (:func:`._checks.refuse_stream`).
"""

from __future__ import annotations

from typing import Any

from .._exceptions import ConvergenceWarning, warn
from .._numerics import DEFAULT_TOL, DEFAULT_TOL_FLOAT32

__all__ = [
    "header_value",
    "stochastic_note",
    "stochastic_solver",
    "warn_stochastic",
]


def stochastic_solver(model: Any) -> tuple[str, float | None] | None:
    """``(solver name, tol_)`` of a stochastic fit stopped by a tolerance
    looser than the deterministic solvers' (``tol_`` None when the model
    records none), else None."""
    from ..solvers import SOLVERS

    name = str(getattr(model, "solver_", "") or "")
    try:
        stochastic = bool(SOLVERS[name].capabilities.stochastic)
    except KeyError:
        return None
    if not stochastic:
        return None
    tol = getattr(model, "tol_", None)
    if tol is not None and float(tol) <= DEFAULT_TOL_FLOAT32:
        return None
    return name, None if tol is None else float(tol)


def header_value(found: tuple[str, float | None]) -> str:
    """The summary header's ``Estimates`` cell: ``approximate (sgd)`` (the
    tolerance is in the note)."""
    return f"approximate ({found[0]})"


def stochastic_note(found: tuple[str, float | None]) -> str:
    """The warning's and the summary note's text."""
    name, tol = found
    stop = (
        f"stopped when the gradient's max-norm fell below tol={tol:g}"
        if tol is not None
        else "has no stopping rule of the deterministic solvers"
    )
    return (
        f"solver={name!r} is stochastic and {stop} (the deterministic solvers "
        f"stop at {DEFAULT_TOL:g} for float64 data): the coefficients are an "
        "approximation of the maximum-likelihood estimate, so the standard "
        "errors, z-values, p-values and intervals are approximate too. For "
        "inference refit with the default solver (solver='auto'), or with a "
        "smaller tol."
    )


def warn_stochastic(model: Any) -> tuple[str, float | None] | None:
    """Warn (:class:`~logistic.ConvergenceWarning`) that inference from this
    fit is approximate; what :func:`stochastic_solver` found, or None."""
    found = stochastic_solver(model)
    if found is not None:
        warn(stochastic_note(found), ConvergenceWarning)
    return found
