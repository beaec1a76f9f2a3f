"""What ``logistic margins --at-value`` sets: one value per feature for
marginal effects, or lists of values (a grid) for predictive margins.

Conventions (owned here):

* ``--at-value COL=VALUE`` sets feature ``COL`` (as ``summary`` names it,
  ``gpa``, ``C(rank)[T.2]``) or a one-hot term by its level (``rank=2`` or
  ``C(rank)=2``) on every row; a formula taken per variable sets the raw
  variable (its texts are checked by the library).
* VALUE may be several values (a grid: predictive margins with ``--method
  pr``, the effects at each point otherwise, :mod:`._margins_grid`): a
  list ``200,300,400``, a range ``200:800:100`` (start, stop, step; the stop
  included where the steps reach it), Stata's numlist ``200(100)800`` or its
  list ``(2 3 4)``, and ``*`` is every level of a categorical term, its
  reference first (Stata's ``margins rank``). Repeated ``--at-value``
  options make the grid of every combination, the first option varying
  slowest. :func:`at_values` reads one value per option (the single table
  of effects); a value it cannot read as one number or level is refused
  with the spellings of a grid.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ._codes import EX_USAGE, CLIError

__all__ = ["at_grid", "at_values", "check_multiclass"]

_NUM = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
#: ``start:stop:step``.
_RANGE = re.compile(rf"^\s*({_NUM})\s*:\s*({_NUM})\s*:\s*({_NUM})\s*$")
#: Stata's numlist ``start(step)stop``.
_NUMLIST = re.compile(rf"^\s*({_NUM})\s*\(\s*({_NUM})\s*\)\s*({_NUM})\s*$")


def check_multiclass(mf: Any, at: str) -> None:
    """A model of more than two classes: effects (and predictive margins) on
    each class probability (:mod:`logistic.inference._multinomial_margins`,
    :mod:`logistic.inference._multinomial_predictive`), which take ``--at``
    overall, mean or zero (exit 2 otherwise); ``--at-value`` as for two
    classes."""
    from ..inference._multinomial_margins import ATS
    from ._multiclass import is_multiclass

    if not is_multiclass(mf.model):
        return
    if at not in ATS:
        raise CLIError(
            f"--at {at}: a model of more than two classes takes --at {', '.join(ATS)}",
            EX_USAGE,
        )


def _split(item: str) -> tuple[str, str]:
    name, eq, text = item.rpartition("=")
    if not eq or not name:
        raise CLIError(f"--at-value must be COL=VALUE; got {item!r}", EX_USAGE)
    return name, text


def _range(name: str, text: str) -> list[float] | None:
    """The numbers of a range ``start:stop:step`` or ``start(step)stop``, or
    None when ``text`` is neither."""
    from ..inference._predictive_margins import MAX_POINTS

    match = _RANGE.match(text)
    if match:
        start, stop, step = (float(v) for v in match.groups())
    else:
        match = _NUMLIST.match(text)
        if not match:
            return None
        start, step, stop = (float(v) for v in match.groups())
    if not all(math.isfinite(v) for v in (start, stop, step, stop - start)):
        raise CLIError(
            f"--at-value {name}={text}: the range's start, stop, step and span "
            "(stop - start) must be finite numbers",
            EX_USAGE,
        )
    if step == 0 or (stop - start) * step < 0:
        raise CLIError(
            f"--at-value {name}={text}: the step must be nonzero and lead from the "
            "start to the stop (start:stop:step, e.g. 200:800:100)",
            EX_USAGE,
        )
    steps = (stop - start) / step * (1 + 1e-12) + 1e-9  # inf for a tiny step
    if not steps < MAX_POINTS:
        raise CLIError(
            f"--at-value {name}={text} makes more than {MAX_POINTS} values; at most "
            f"{MAX_POINTS} points are evaluated: take a larger step",
            EX_USAGE,
        )
    count = int(math.floor(steps)) + 1
    # start + i*step, not a running sum, and 12 digits: 0.1:0.3:0.1 ends at 0.3
    return [float(f"{start + i * step:.12g}") for i in range(count)]


def _unwrapped(text: str) -> str:
    """Stata's parenthesised list ``(2 3 4)`` or ``(200(100)800)`` as ``2,3,4``
    or ``200(100)800``; other text as it is."""
    inner = text.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        return text
    inner = inner[1:-1].strip()
    if _NUMLIST.match(inner) or _RANGE.match(inner) or "(" in inner:
        return inner
    return ",".join(p for p in re.split(r"[\s,]+", inner) if p)


def _texts(name: str, text: str) -> list[str]:
    """A comma-separated list's values (each stripped; none empty)."""
    parts = [p.strip() for p in text.split(",")]
    if any(not p for p in parts):
        raise CLIError(
            f"--at-value {name}={text}: an empty value in the list (give values "
            "separated by commas, e.g. 200,300,400)",
            EX_USAGE,
        )
    return parts


def _is_list(text: str) -> bool:
    return "," in text or text.strip() == "*" or bool(
        _RANGE.match(text) or _NUMLIST.match(text)
    )


def _number(name: str, text: str) -> float:
    import numpy as np

    from .._number_text import number_value

    value = number_value(text)
    if value is None or not np.isfinite(value):
        raise CLIError(
            f"--at-value {name}=VALUE needs a finite number as VALUE; got {text!r}",
            EX_USAGE,
        )
    return value


def _unknown(name: str, item: str, names: list[str]) -> CLIError:
    """The error for ``--at-value`` naming no feature (with the spelling of a
    level, or of several values, where that is what was meant)."""
    from ..inference._margins import level_terms

    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    examples = list(level_terms(names).values())
    levels = (
        f"; a categorical term is set by its level, e.g. {examples[0]}"
        if examples
        else ""
    )
    if "=" in name and "=" not in "".join(names):  # Stata's at(gpa=3.5 gre=600)
        each = " ".join(f"--at-value {p}" for p in re.split(r"[\s,;]+", item) if p)
        levels = f"; give one COL=VALUE per --at-value: {each}"
    return CLIError(
        f"--at-value names {name!r}, which is not a feature of the model "
        f"({shown}){levels}",
        EX_USAGE,
    )


def at_values(
    items: list[str] | None,
    names: list[str],
    levels: dict[str, list[str]] | None = None,
) -> dict[str, float | str] | None:
    """``["gpa=3.5", "rank=2"]`` → ``{"gpa": 3.5, "rank": "2"}``: a feature's
    number, or the level of a one-hot term (``rank`` or ``C(rank)``, matched
    to its columns by the library; its reference level, known from
    ``levels``, as every level column at 0); names checked against the
    features. One value each: a list is refused, naming ``--method pr``."""
    from .._exceptions import InvalidParameterError
    from ..inference._margins import sets_a_level, with_references

    if not items:
        return None
    references = {term: values[0] for term, values in (levels or {}).items()}
    out: dict[str, float | str] = {}
    for item in items:
        name, text = _split(item)
        if sets_a_level(name, names):  # a level's text as it is (spaces, commas)
            try:
                out.update(with_references({name: text}, names, references))
            except InvalidParameterError as exc:
                said = str(exc).replace("atexog", "--at-value", 1)
                raise CLIError(said, EX_USAGE) from None
            continue
        if name not in names:
            raise _unknown(name, item, names)
        if _is_list(text) or "(" in text or " " in text.strip():
            raise CLIError(
                f"--at-value {name}={text}: VALUE must be one number, or a grid "
                "of values written as a list (2,3,4), a range (2:4:1) or Stata's "
                "(2 3 4)",
                EX_USAGE,
            )
        out[name] = _number(name, text)
    return out


def _term_levels(name: str, levels: dict[str, list[str]]) -> list[str] | None:
    """The levels of the one-hot term ``name`` (``rank`` or ``C(rank)``)."""
    if name in levels:
        return levels[name]
    wrapped = [
        t for t in levels if t.startswith("C(") and t[2:-1].split(",")[0] == name
    ]
    return levels[wrapped[0]] if len(wrapped) == 1 else None


def at_grid(
    items: list[str] | None,
    names: list[str],
    levels: dict[str, list[str]],
    variables: list[Any] | None = None,
) -> dict[str, list[Any]] | None:
    """``["gre=200:800:100", "rank=*"]`` → ``{"gre": [200.0, ...], "rank":
    ["1", "2", "3", "4"]}``, the grid of ``--method pr`` (module docstring).
    ``names``: the model's features; ``levels``: its one-hot terms' levels,
    reference first (:func:`logistic.tabular._formula_margins.one_hot_levels`);
    ``variables``: a formula's variables when it is taken per variable (the
    values then set the raw variable: numbers as given, checked by the
    library)."""
    from ..inference._margins import sets_a_level

    if not items:
        return None
    out: dict[str, list[Any]] = {}
    for item in items:
        name, text = _split(item)
        if name in out:
            raise CLIError(
                f"--at-value {name} is given twice: give its values in one option "
                f"({name}=a,b,c)",
                EX_USAGE,
            )
        if variables is not None:
            by_name = {v.column: v for v in variables}
            by_name.update({v.label: v for v in variables})
            known = by_name.get(name)
            same = [k for k in out if by_name.get(k) is known]
            if known is not None and same:  # rank=2 and C(rank)=3: one variable
                raise CLIError(
                    f"--at-value {name} sets the variable {known.column!r}, which "
                    f"--at-value {same[0]} sets already: give its values in one "
                    f"option ({same[0]}=a,b,c)",
                    EX_USAGE,
                )
            kind_levels = None if known is None else known.levels
            term_levels = None if kind_levels is None else [str(v) for v in kind_levels]
            numeric = known is not None and kind_levels is None
        else:
            a_level = sets_a_level(name, names)
            term_levels = _term_levels(name, levels) if a_level else None
            numeric = name in names
            if not numeric and not a_level:
                raise _unknown(name, item, names)
        if text.strip() == "*":
            if term_levels is None:
                raise CLIError(
                    f"--at-value {name}=*: '*' is every level of a categorical "
                    f"term, and {name!r} is not one; give its values (a,b,c or "
                    "start:stop:step)",
                    EX_USAGE,
                )
            out[name] = list(term_levels)
            continue
        if term_levels is not None and text in term_levels:  # one level, as written
            out[name] = [text]
            continue
        text = _unwrapped(text)
        ranged = _range(name, text)
        values: list[Any] = ranged if ranged is not None else _texts(name, text)
        if numeric and ranged is None:
            values = [_number(name, v) for v in values]
        out[name] = values
    return out
