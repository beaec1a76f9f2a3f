"""The text form of linear hypotheses: ``"rank3 = rank4, gre = 0"`` read
as ``(R, q)`` for :mod:`._hypothesis`'s Wald tests.

Convention (owned here):

* A linear hypothesis ``R β = q`` (β in display order: intercept first,
  then the features, as ``params``) given as text is one or
  more equations separated by ``,`` or ``;`` (or a list of strings), each a
  linear expression in the term names, e.g. ``"rank3 = rank4"``,
  ``"gre = 0, gpa = 0"``, ``"2*gpa - rank2 = 1"``. An expression without
  ``=`` means ``= 0``. A chain of equalities ``e0 = e1 = … = em`` (R's
  ``car::linearHypothesis`` users write it; statsmodels' text constraints do
  not take it) is the ``m`` restrictions ``e_j = e_{j+1}``: ``"a = b = c =
  0"`` is ``a - b = 0, b - c = 0, c = 0`` (three restrictions, so a, b and c
  are all 0), and ``"a = b = c"`` is two (the three are equal). Term names
  are matched literally (longest first), so names with brackets, dots or
  spaces work as printed; text starting with a digit is a number unless a
  term name that is not itself a number starts there (``1:x1``, a
  multinomial model's slope of ``x1`` for class 1, is that term, while
  ``2*x1`` stays 2 times ``x1``); a name that is a number (a column named
  ``0``), or any name, can be quoted with backticks: ``"`0` = `1`"``; a
  quoted name may hold ``=``, ``,`` and ``;`` (``"`dose=high` = 0"``),
  and so may a name as printed (``"I(x >= 3) = 0"``,
  ``"C(g, Treatment('w'))[T.u] = 0"``). An equation may stand in one
  pair of parentheses (statsmodels' ``"(x1 = 0), (x2 = 0)"``); parentheses
  inside an expression are not read.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._messages import name_list
from .._typing import FloatArray

__all__ = ["parse_constraints"]

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_WORD = re.compile(r"[^\s+\-*=`]+")
#: The terms an unknown term's message names before it counts the rest.
_TERMS_SHOWN = 10


def _tokens(text: str, names: list[str]) -> list[tuple[str, Any]]:
    ordered = sorted(range(len(names)), key=lambda j: -len(names[j]))
    # names a number would shadow: '1:x1' starts like the number 1
    digit_led = [
        j
        for j in ordered
        if _NUMBER.match(names[j]) and not _NUMBER.fullmatch(names[j])
    ]
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0 or text[i + 1 : end] not in names:
                raise InvalidParameterError(
                    f"unknown quoted term name in hypothesis {text!r}; names: {names}"
                )
            out.append(("name", names.index(text[i + 1 : end])))
            i = end + 1
            continue
        led = _name_at(text, i, names, digit_led) if ch in "0123456789." else None
        if led is not None:
            out.append(("name", led))
            i += len(names[led])
            continue
        m = _NUMBER.match(text, i)
        if m:
            number = float(m.group(0))
            if not np.isfinite(number):
                raise InvalidParameterError(
                    f"the number {m.group(0)!r} in hypothesis {text!r} is beyond "
                    "the range of float64 (about 1.8e308)"
                )
            out.append(("num", number))
            i = m.end()
            continue
        for j in ordered:
            if text.startswith(names[j], i) and not _glued(text, i, names[j]):
                out.append(("name", j))
                i += len(names[j])
                break
        else:
            if ch in "+-*":
                out.append(("op", ch))
                i += 1
            else:
                raise InvalidParameterError(_unparsed(text, i, names))
    return out


def _name_at(text: str, i: int, names: list[str], candidates: list[int]) -> int | None:
    """The index of the first of ``candidates`` (longest first) that
    ``text`` holds as a whole word at ``i``, or None."""
    for j in candidates:
        if text.startswith(names[j], i) and not _glued(text, i, names[j]):
            return j
    return None


def _glued(text: str, i: int, name: str) -> bool:
    """Whether ``name`` at ``text[i:]`` is only the start of a longer word
    (``gre`` in ``gree`` or ``x1`` in ``x10``): then it is not that term."""
    end = i + len(name)
    word = str.isalnum
    return (
        end < len(text)
        and (word(name[-1]) or name[-1] == "_")
        and (word(text[end]) or text[end] == "_")
    )


def _unparsed(text: str, i: int, names: list[str]) -> str:
    """The message for text that is neither a term, a number nor an operator
    at position ``i``: the unknown word, the closest known terms, all terms."""
    start = i
    while start > 0 and _WORD.match(text[start - 1]):
        start -= 1
    m = _WORD.match(text, start)
    word = m.group(0) if m else text[i:]
    close = difflib.get_close_matches(word, names, n=3, cutoff=0.5)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    return (
        f"unknown term {word!r} in hypothesis {text.strip()!r}{hint}. The model "
        f"has {name_list(names, 'terms', shown=_TERMS_SHOWN)} (quote a name with "
        "backticks, e.g. `name`); numbers and '+', '-', '*' are allowed"
    )


def _linear(text: str, names: list[str]) -> tuple[FloatArray, float]:
    """``(a, c)`` with ``expression = aᵀβ + c``."""
    toks = _tokens(text, names)
    a, c = np.zeros(len(names)), 0.0
    i, sign, expect_term = 0, 1.0, True
    if not toks:
        raise InvalidParameterError(f"empty side in hypothesis near {text!r}")
    while i < len(toks):
        kind, val = toks[i]
        if expect_term and kind == "op" and val in "+-":
            sign *= -1.0 if val == "-" else 1.0
            i += 1
            continue
        if not expect_term:
            if kind != "op" or val not in "+-":
                raise InvalidParameterError(
                    f"expected '+' or '-' in hypothesis {text!r}"
                )
            sign = -1.0 if val == "-" else 1.0
            expect_term = True
            i += 1
            continue
        coef, name = sign, None
        while True:
            kind, val = toks[i]
            if kind == "num":
                coef *= val
            elif kind == "name" and name is None:
                name = val
            else:
                raise InvalidParameterError(f"malformed term in hypothesis {text!r}")
            i += 1
            if i < len(toks) and toks[i] == ("op", "*"):
                i += 1
                if i >= len(toks):
                    raise InvalidParameterError(f"dangling '*' in hypothesis {text!r}")
                continue
            break
        if name is None:
            c += coef
        else:
            a[name] += coef
        expect_term = False
    if expect_term:
        raise InvalidParameterError(f"hypothesis {text!r} ends with an operator")
    return a, c


def _held(names: list[str], separators: str) -> dict[str, list[str]]:
    """The names holding one of ``separators``, by first character, longest
    first (as the terms are matched): what :func:`_split` keeps whole."""
    held: dict[str, list[str]] = {}
    for name in sorted(names, key=len, reverse=True):
        if any(c in name for c in separators):
            held.setdefault(name[0], []).append(name)
    return held


def _split(text: str, separators: str, held: dict[str, list[str]]) -> list[str]:
    """``text`` split at each of ``separators`` outside backticks and outside
    the term names that hold one (``held``, :func:`_held`): a quoted name
    such as `` `a=b` `` or `` `x, y` `` stays one piece, and so does a name
    as printed, such as ``I(x >= 3)`` (a comparison in a formula) or
    ``C(g, Treatment('w'))[T.u]``."""
    pieces, start, quoted, i = [], 0, False, 0
    while i < len(text):
        ch = text[i]
        name = "" if quoted else _starts_name(text, i, held.get(ch, ()))
        if name:
            i += len(name)
            continue
        if ch == "`":
            quoted = not quoted
        elif ch in separators and not quoted:
            pieces.append(text[start:i])
            start = i + 1
        i += 1
    pieces.append(text[start:])
    return pieces


def _starts_name(text: str, i: int, names: Any) -> str:
    """The first of ``names`` that ``text`` holds as a whole word at ``i``
    (not the end of a longer word before it, nor the start of one after
    it), or ``""``."""
    if not names or (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
        return ""
    for name in names:
        if text.startswith(name, i) and not _glued(text, i, name):
            return name
    return ""


def _unwrapped(equation: str) -> str:
    """``equation`` without one pair of parentheses around the whole of it:
    statsmodels' ``f_test``/``wald_test`` documents ``"(x1 = 0), (x2 = 0)"``."""
    text = equation.strip()
    if not (text.startswith("(") and text.endswith(")")):
        return equation
    depth, quoted = 0, False
    for i, ch in enumerate(text):  # the first "(" must close at the end
        quoted = quoted != (ch == "`")
        depth += 0 if quoted else (ch == "(") - (ch == ")")
        if depth == 0 and i < len(text) - 1:
            return equation  # "(a) = (b)": names with parentheses
    return text[1:-1]


def parse_constraints(
    hypothesis: Any, names: list[str]
) -> tuple[FloatArray, FloatArray]:
    """``(R, q)`` from text such as ``"rank3 = rank4, gre = 0"`` (see module docs)."""
    parts = [hypothesis] if isinstance(hypothesis, str) else list(hypothesis)
    commas, equals = _held(names, ",;"), _held(names, "=")
    equations = [_unwrapped(e) for part in parts for e in _split(part, ",;", commas)]
    equations = [e for e in equations if e.strip()]
    if not equations:
        raise InvalidParameterError("the hypothesis is empty")
    rows, rhs = [], []
    for eq in equations:
        pieces = _split(eq, "=", equals)
        if len(pieces) > 2 and not all(p.strip() for p in pieces[1:-1]):
            raise InvalidParameterError(
                f"hypothesis {eq.strip()!r}: one '=' separates the two sides "
                "(e.g. 'gpa = 0'), not '=='"
            )
        sides = [_linear(side, names) for side in pieces]
        if len(sides) == 1:  # an expression alone means "= 0"
            sides.append((np.zeros(len(names)), 0.0))
        # a chain e0 = e1 = ... = em is the m restrictions e_j - e_{j+1} = 0
        for (a_l, c_l), (a_r, c_r) in zip(sides[:-1], sides[1:], strict=True):
            row = a_l - a_r
            if not np.any(row):
                raise InvalidParameterError(
                    f"hypothesis {eq.strip()!r} involves no coefficient"
                    + (" in one of its equalities" if len(sides) > 2 else "")
                )
            rows.append(row)
            rhs.append(c_r - c_l)
    return np.vstack(rows), np.asarray(rhs)
