"""Other languages' formula spellings, refused naming the one written here.

Convention (owned here): a formula is formulaic's (Wilkinson-Rogers, as R and
patsy write it, categorical columns as ``C(x)``); the spellings of R and
Stata that users bring with them are recognised and refused in one line that
names the equivalent:

* R's ``factor(x)`` / ``as.factor(x)``: ``C(x)`` (:func:`refuse_r_factor`,
  before the formula is parsed: no column is named ``factor(x)``);
* Stata's factor-variable prefixes ``i.x``, ``ib4.x``, ``b4.x``, ``c.x``
  (:func:`stata_prefix_hint`): formulaic reads ``i.rank`` as a column named
  ``i.rank``, so the hint is given only when the data have no such column,
  in place of a "did you mean 'rank'?", which would turn a categorical
  variable into a number; ``ib4.x`` is ``C(x, Treatment(4))``;
* Stata's interaction operators ``a#b`` and ``a##b``
  (:func:`stata_interaction_hint`): ``a:b`` and ``a*b``;
* R's comparison as a term, ``y ~ gre > 600`` (R evaluates it; formulaic
  has no operator ``>``): ``I(gre > 600)`` (:func:`comparison_hint`).
"""

from __future__ import annotations

import re

from .._exceptions import InvalidParameterError

__all__ = [
    "comparison_hint",
    "refuse_r_factor",
    "stata_interaction_hint",
    "stata_prefix_hint",
]

#: R's ``factor(x)`` / ``as.factor(x)``, which formulas spell ``C(x)``.
_R_FACTOR = re.compile(r"(?<![\w.])(as\.factor|factor)\(\s*([^()]*?)\s*\)")

#: Stata's factor-variable operators on a variable: ``i.``, ``ib#.``, ``b#.``
#: and ``c.`` (``ib(last).x`` is a call to formulaic, refused as one).
_STATA_PREFIX = re.compile(r"^(?P<op>i|c|i?b(?P<base>\d+))\.(?P<name>[A-Za-z_]\w*)$")


#: A comparison written as a term, outside ``I(...)``: ``gre >= 600``.
_COMPARISON = re.compile(r"([A-Za-z_][\w.]*)\s*(>=|<=|==|!=|>|<)\s*(-?[\w.]+)")


def refuse_r_factor(formula: str) -> None:
    """R's ``factor(rank)``: one line suggesting ``C(rank)``."""
    match = _R_FACTOR.search(formula)
    if match is not None:
        raise InvalidParameterError(
            f"--formula {formula!r}: {match.group(0)!r} is R's spelling; a "
            f"categorical column is written C({match.group(2)}) here (e.g. "
            f"'admit ~ gre + C(rank)'), and C({match.group(2)}, Treatment(level)) "
            "chooses the reference level"
        )


def stata_prefix_hint(name: str) -> str | None:
    """What a formula name that is not a column (``i.rank``, ``ib4.rank``,
    ``c.gpa``) is written as here, when it is Stata's factor-variable
    spelling; None otherwise."""
    match = _STATA_PREFIX.match(name)
    if match is None:
        return None
    op, base, column = match.group("op"), match.group("base"), match.group("name")
    if op == "c":
        meant = f"a continuous variable is written {column} here"
    elif base is None:
        meant = f"a categorical variable is written C({column}) here"
    else:
        meant = (
            f"a categorical variable with base level {base} is written "
            f"C({column}, Treatment({base})) here"
        )
    return f"{name!r} is Stata's factor-variable spelling; {meant}"


def stata_interaction_hint(formula: str) -> str | None:
    """The remedy for Stata's ``#`` and ``##`` in a formula, or None."""
    if "#" not in re.sub(r"`[^`]*`", "", formula):
        return None
    return "'#' and '##' are Stata's interactions; write a:b for a#b and a*b for a##b"


def comparison_hint(formula: str, reason: str) -> str | None:
    """The remedy for a comparison written as a term (R's ``y ~ gre > 600``),
    which formulaic's parser refuses as an unknown operator (``reason``, its
    message), or None."""
    if not re.match(r"Unknown operator '[<>=!]", reason):
        return None
    match = _COMPARISON.search(re.sub(r"`[^`]*`", "", formula))
    example = (
        "I(x > 3)"
        if match is None
        else f"I({match.group(1)} {match.group(2)} {match.group(3)})"
    )
    return (
        "a comparison is a term written inside I(...) here, a 0/1 indicator "
        f"(e.g. {example})"
    )
