"""Checks of hyper-parameters: declared constraints and one error naming them.

Convention: an estimator declares ``_parameter_constraints`` (a list of
accepted forms per parameter: :class:`Interval`, :class:`Options`, a type,
``None`` or a predicate whose docstring describes it) and calls
:func:`validate_params`, which raises :class:`InvalidParameterError` in
scikit-learn's wording. Data checks live in :mod:`logistic._validation`.
A float parameter given as an integer is accepted only within float64's
range: beyond it (``alpha=10**400``) ``float`` raises ``OverflowError``, so
it is refused here, the value shown shortened.

Convention (owned here): whether a number, or a sequence of them, is beyond
float64's range is told by :func:`as_float64`, which reads such an integer
(``10**400``) as ``inf``: the float parameters here, ``path``'s ``alphas``,
``LogisticRegressionCV``'s grids, a model file's number fields
(:func:`logistic.io._fields.is_finite_number`) and the data checks of
:mod:`logistic._validation` (weights, offsets, class weights, an object X)
use it.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, NoReturn

import numpy as np

from ._exceptions import InvalidParameterError
from ._messages import integer_text

__all__ = [
    "Constraint",
    "Interval",
    "Options",
    "as_float64",
    "is_class_weight",
    "is_random_state",
    "validate_params",
]


def as_float64(values: Any) -> np.ndarray:
    """``np.asarray(values, dtype=np.float64)``, except that an integer beyond
    float64's range (``10**400``, which Python ints and JSON allow: the
    conversion raises ``OverflowError``) is read as ``inf`` (``-inf`` below
    it) in its place, the shape kept, so a finiteness check refuses it and
    can name where it is. Any other error of the conversion (``TypeError``,
    ``ValueError``) is raised."""
    try:
        return np.asarray(values, dtype=np.float64)
    except OverflowError:
        items = np.asarray(values, dtype=object)
    return np.asarray(np.vectorize(_beyond_as_inf, otypes=[np.float64])(items))


def _beyond_as_inf(v: Any) -> float:
    try:
        return float(v)
    except OverflowError:  # an integer: its sign is known exactly
        return float("inf") if v > 0 else float("-inf")


class Interval(NamedTuple):
    """A real or integer interval constraint, e.g. ``Interval(float, 0, None)``."""

    kind: type
    low: float | None
    high: float | None
    closed: str = "both"  # "both", "left", "right", "neither"

    def accepts(self, v: Any) -> bool:
        integral = self.kind is numbers.Integral or self.kind is int
        t = type(v)
        if t is float or t is int:  # exactly these types: no ABC checks
            if integral and t is float:
                return False
        elif isinstance(v, bool):
            return False
        elif integral:
            if not isinstance(v, numbers.Integral):
                return False
        elif not isinstance(v, numbers.Real):
            return False
        if not integral and isinstance(v, int) and not np.isfinite(as_float64(v)):
            return False  # not a float: float(v) raises OverflowError (10**400)
        lo_ok = self.low is None or (
            v >= self.low if self.closed in ("both", "left") else v > self.low
        )
        hi_ok = self.high is None or (
            v <= self.high if self.closed in ("both", "right") else v < self.high
        )
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        kind = "an int" if self.kind in (int, numbers.Integral) else "a float"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        lo = "-inf" if self.low is None else repr(self.low)
        hi = "inf" if self.high is None else repr(self.high)
        return f"{kind} in the range {left}{lo}, {hi}{right}"


class Options(NamedTuple):
    """A constraint to a finite set of values."""

    values: tuple[Any, ...]

    def accepts(self, v: Any) -> bool:
        return any(v is o or (type(v) is type(o) and v == o) for o in self.values)

    def __str__(self) -> str:
        return "a str among {" + ", ".join(repr(o) for o in self.values) + "}"


Constraint = Interval | Options | type | None | Callable[[Any], bool]


def _accepts(c: Any, v: Any) -> bool:
    if c is None:
        return v is None
    if isinstance(c, (Interval, Options)):
        return c.accepts(v)
    if isinstance(c, type):
        return isinstance(v, c) and not (c is not bool and isinstance(v, bool))
    return bool(c(v))


def _describe(c: Any) -> str:
    if c is None:
        return "None"
    if isinstance(c, type):
        return f"an instance of '{c.__name__}'"
    if isinstance(c, (Interval, Options)):
        return str(c)
    return getattr(c, "__doc__", None) or "a valid value"


def validate_params(
    owner: str, params: Mapping[str, Any], constraints: Mapping[str, list[Any]]
) -> None:
    """Raise :class:`InvalidParameterError` for the first parameter that violates
    its constraints.

    The message matches scikit-learn's: "The 'C' parameter of LogisticRegression
    must be a float in the range (0.0, inf) or None. Got -1 instead."
    """
    for name, allowed in constraints.items():
        v = params[name]
        for c in allowed:
            if _accepts(c, v):
                break
        else:
            _refuse(owner, name, v, allowed)


def _refuse(owner: str, name: str, v: Any, allowed: list[Any]) -> NoReturn:
    """Raise the error of ``v`` violating every constraint in ``allowed``."""
    # each description once: bool and np.bool_ are both "an instance of 'bool'"
    descs = list(dict.fromkeys(_describe(c) for c in allowed))
    text = descs[0] if len(descs) == 1 else ", ".join(descs[:-1]) + " or " + descs[-1]
    shown, why = repr(v), ""
    if type(v) is int:
        shown = integer_text(v)
        if not np.isfinite(as_float64(v)):
            why = " (beyond float64's range, ±1.8e308)"
    raise InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {text}. Got {shown} instead{why}."
    )


def is_random_state(v: Any) -> bool:
    """an int ≥ 0, a numpy Generator or RandomState, or None"""
    if v is None or isinstance(v, (np.random.Generator, np.random.RandomState)):
        return True
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and int(v) >= 0


def is_class_weight(v: Any) -> bool:
    """a dict, 'balanced' or None"""
    return v is None or isinstance(v, dict) or (isinstance(v, str) and v == "balanced")
