"""Declared, typed solver options.

Convention (owned here): each solver declares its options as a frozen
dataclass (``Solver.Options``), or a dataclass frozen by its own
``__setattr__`` and ``__delattr__`` (``NewtonOptions``), whose fields carry a
type annotation, a default and optionally a lower bound
(``field(metadata={"min": ...})``, or ``{"above": ...}`` for a bound the
value must exceed); a float option must be finite.
:func:`parse_options` turns the keyword arguments a solver was given into
that dataclass: an unknown name is an :class:`InvalidParameterError` naming it
and listing the valid ones, a value of the wrong type or below its bound is
one naming the option, the value and what is allowed. ``bool`` is not an
``int`` here; an ``int`` is accepted where a ``float`` is declared.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import numbers
import types
import typing
from typing import Any

from .._exceptions import InvalidParameterError
from .._numerics import MAX_BACKTRACKS, STALL_PATIENCE

__all__ = ["NoOptions", "LoopOptions", "LineSearchOptions", "parse_options"]


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """A solver without options."""


@dataclasses.dataclass(frozen=True)
class LoopOptions:
    """Options of the base loop.

    patience : iterations without progress before the floating-point floor is
        tested (see :class:`~logistic.solvers._iterative.IterativeSolver`).
    """

    patience: int = dataclasses.field(default=STALL_PATIENCE, metadata={"min": 1})


@dataclasses.dataclass(frozen=True)
class LineSearchOptions(LoopOptions):
    """Options of solvers that backtrack (:mod:`._linesearch`).

    max_backtracks : rejected trial steps before the line search gives up.
    """

    max_backtracks: int = dataclasses.field(default=MAX_BACKTRACKS, metadata={"min": 1})


def _allowed(annotation: Any) -> tuple[type, ...]:
    """The runtime types an annotation admits (``X | None`` → ``(X, NoneType)``)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        out: tuple[type, ...] = ()
        for arg in typing.get_args(annotation):
            out += _allowed(arg)
        return out
    return (annotation,)


def _coerce(
    solver: str, name: str, value: Any, annotation: Any, bounds: Any
) -> Any:
    allowed = _allowed(annotation)
    if value is None and type(None) in allowed:
        return None
    if bool in allowed and isinstance(value, bool):
        return value
    if (
        int in allowed
        and isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
    ):
        value = int(value)
    elif (
        float in allowed
        and isinstance(value, numbers.Real)
        and not isinstance(value, bool)
    ):
        value = float(value)
    else:
        spelled = " or ".join(
            "None" if t is type(None) else t.__name__ for t in allowed
        )
        raise InvalidParameterError(
            f"solver {solver!r}: option {name!r} must be {spelled}; got {value!r}."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameterError(
            f"solver {solver!r}: option {name!r} must be a finite number; got "
            f"{value!r}."
        )
    low, above = bounds.get("min"), bounds.get("above")
    if low is not None and not value >= low:
        raise InvalidParameterError(
            f"solver {solver!r}: option {name!r} must be >= {low}; got {value!r}."
        )
    if above is not None and not value > above:
        raise InvalidParameterError(
            f"solver {solver!r}: option {name!r} must be > {above}; got {value!r}."
        )
    return value


@functools.cache
def _declared(declared: type) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields and resolved type hints of an ``Options`` class (resolving
    the hints costs ≈ 50 µs, paid once per class instead of once per fit)."""
    fields = {f.name: f for f in dataclasses.fields(declared)}
    return fields, typing.get_type_hints(declared)


def parse_options(solver: str, declared: type, given: dict[str, Any]) -> Any:
    """``declared(**given)`` after checking every name, type and bound.

    Parameters
    ----------
    solver : str
        The solver's name (for messages).
    declared : frozen dataclass type
        The solver's ``Options``.
    given : dict
        Options as passed by the caller.

    Returns
    -------
    An instance of ``declared``.
    """
    fields, hints = _declared(declared)
    for name in given:
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            valid = ", ".join(repr(n) for n in sorted(fields)) or "none"
            raise InvalidParameterError(
                f"solver {solver!r} has no option {name!r}.{hint} Its options are: "
                f"{valid}."
            )
    values = {
        name: _coerce(solver, name, value, hints[name], fields[name].metadata)
        for name, value in given.items()
    }
    return declared(**values)
