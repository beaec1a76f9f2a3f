"""Checks every section of a model file uses: the error naming the file and
field, a finite number, a list of finite numbers, the bound of a row count,
and text without control characters.

Convention (owned here): a field that holds a number is checked with
:func:`is_finite_number` (or :func:`_finite_list`), never with a bare
``float(v)`` or ``np.isfinite(v)``: JSON integers have no size limit, and
one beyond float64 (``10**400``) makes ``float`` raise ``OverflowError``,
one beyond 64 bits (``2**64``) makes ``np.isfinite`` raise ``TypeError``.
An integer within float64's range is the number it writes (``2**64`` is
1.8e19); one beyond it (:func:`logistic._constraints.as_float64` tells) is
refused as a wrong field.

Convention (owned here): a dtype a file names (``model.coef_dtype``,
``model.classes.dtype``) is read in this machine's byte order
(:func:`native_dtype`). The numbers are decimal text, so the ``<`` or ``>``
of the spelling only records the byte order of the machine that wrote it
(``coef.dtype.str`` is ``">f8"`` on a big-endian one): such a file is valid
and loads everywhere, and no loaded array is of the other byte order (every
numpy operation on one would swap bytes, and a save would name it again).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from .._constraints import as_float64
from .._exceptions import ModelFormatError

__all__ = [
    "PLAIN_NUMBER_TYPES",
    "text_field",
    "LONE_SURROGATE",
    "MAX_ROWS",
    "_bad",
    "_field",
    "_finite_list",
    "_jsonable",
    "check_depth",
    "check_no_control",
    "is_finite_number",
    "native_dtype",
]

#: The largest row count a model file may state.
MAX_ROWS = 2**63


def _bad(path: str, what: str) -> ModelFormatError:
    return ModelFormatError(f"model file {path}: {what}")


def native_dtype(spelling: str) -> np.dtype:
    """The dtype ``spelling`` names (checked by the caller against the
    spellings its field allows), in this machine's byte order: ``">f8"``
    is float64 on every machine."""
    return np.dtype(spelling).newbyteorder("=")


def _field(
    d: Any, key: str, types: type | tuple[type, ...], path: str, where: str
) -> Any:
    """``d[key]`` of one of ``types`` (a bool is no int here), or the error
    naming the field ``where + key``."""
    if not isinstance(d, dict) or key not in d:
        raise _bad(path, f"missing field '{where}{key}'")
    value = d[key]
    if isinstance(value, bool) and bool not in (
        types if isinstance(types, tuple) else (types,)
    ):
        raise _bad(path, f"field '{where}{key}' has the wrong type (bool)")
    if not isinstance(value, types):
        raise _bad(
            path, f"field '{where}{key}' has the wrong type ({type(value).__name__})"
        )
    return value


def is_finite_number(value: Any) -> bool:
    """Whether ``value`` is a JSON number (an int or a float, not a bool)
    that reads as a finite float64: an integer of any size is read by
    :func:`~logistic._constraints.as_float64` (beyond float64's range: inf), so
    no value raises."""
    if isinstance(value, float):
        return math.isfinite(value)
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and bool(np.isfinite(as_float64(value)))
    )


def _jsonable(value: Any) -> Any:
    """Plain JSON types from numpy scalars/arrays, tuples and nested containers."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        if set(map(type, value)) <= {str}:  # names: a million in 0.04 s
            return list(value)
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int)):
        return value
    return None  # not representable (e.g. a Generator): stored as null


#: The types of a JSON number as ``json.loads`` reads it and as the C encoder
#: writes it (``bool`` excluded): a list of only these is read or written whole.
PLAIN_NUMBER_TYPES = frozenset({int, float})


def _finite_list(value: Any, n: int, path: str, where: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != n:
        got = len(value) if isinstance(value, list) else type(value).__name__
        raise _bad(path, f"field '{where}' must be a list of {n} numbers, got {got}")
    # the set of the items' types first (C speed over a million numbers);
    # an item of another type (a float subclass) is tested one by one
    if not set(map(type, value)) <= PLAIN_NUMBER_TYPES and not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        raise _bad(path, f"field '{where}' must hold numbers only")
    arr = as_float64(value)  # an integer beyond float64's range: inf, refused
    if not np.all(np.isfinite(arr)):
        raise _bad(path, f"field '{where}' holds non-finite values")
    return arr


#: Characters no name, label, level or term of a model file may hold: the C0
#: and C1 controls and DEL (a terminal acts on them: ESC starts an escape
#: sequence, a line break or carriage return forges a line of output), the
#: Unicode line and paragraph separators, and the bidirectional formatting
#: controls (they reorder the text shown around them). Other characters that
#: ``str.isprintable`` refuses (a no-break space, a zero-width space, letters
#: newer than Python's Unicode tables) occur in real column names and control
#: nothing: they are kept.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
#: What a model file's text cannot hold as it is: :data:`CONTROL` and lone
#: surrogates (an undecodable byte of a file name, which UTF-8 cannot encode).
_UNSTORABLE = re.compile(CONTROL.pattern[:-1] + "\ud800-\udfff]")
#: A lone surrogate alone: what no string of a model file may hold, free text
#: included (UTF-8 cannot encode it, so no command could print it).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escaped(text: str) -> str:
    """``text`` with each character a model file refuses (:data:`CONTROL`,
    a lone surrogate) written as ``repr`` writes it (``\\n``, ``\\udcff``),
    every other character kept (a no-break space, an ideographic space): a
    data file's name as the model file records it."""
    return _UNSTORABLE.sub(lambda m: repr(m.group())[1:-1], text)


_NESTED = (str, dict, list)
_IS_NESTED = frozenset(_NESTED).__contains__


def _has_control(text: str, refused: re.Pattern[str] = _UNSTORABLE) -> bool:
    """Whether ``text`` may hold a character of ``refused`` (by default a
    :data:`CONTROL` character or a lone surrogate; the characters it holds are
    ones ``isprintable`` refuses): for ASCII text one C-speed test,
    ``isprintable`` refusing exactly its C0 controls and DEL."""
    if text.isascii():
        return not text.isprintable()
    return refused.search(text) is not None


def _where(at: Any) -> str:
    """A field's name from its lazily built path ``(parent, key)``."""
    parts = []
    while isinstance(at, tuple):
        at, key = at
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return (at + "".join(reversed(parts))).removeprefix(".") or "(document)"


def _control_error(
    path: str, at: Any, text: str, match: re.Match[str], what: str = ""
) -> ModelFormatError:
    if CONTROL.match(match.group()) is None:  # a lone surrogate
        return _bad(
            path,
            f"field '{_where(at)}'{what} holds the lone surrogate "
            f"{match.group()!r} (character {match.start()} of {text!r:.60}), which "
            "UTF-8 text cannot hold (an undecodable byte of a name?). Rename the "
            "column, recode the value or the file name",
        )
    return _bad(
        path,
        f"field '{_where(at)}'{what} holds the control character "
        f"{match.group()!r} (character {match.start()} of {text!r:.60}); names, "
        "labels and terms must be printable text (a terminal would act on it). "
        "Rename the column, recode the value or the file name",
    )


def check_no_control(
    value: Any, path: str, where: str, refused: re.Pattern[str] = _UNSTORABLE
) -> None:
    """Refuse a control character (:data:`CONTROL`) or a lone surrogate (the
    characters of ``refused``: :data:`LONE_SURROGATE` alone for a section of
    free text) in any string of ``value`` (object keys included): a
    :class:`ModelFormatError` naming the file ``path``, the field (``where``,
    then keys and indices; ``""`` for the whole document) and the character.
    Numbers and other values are skipped."""
    stack: list[tuple[Any, Any]] = [(value, where)]
    while stack:
        v, at = stack.pop()
        kind = type(v)
        if kind is str:
            if match := refused.search(v):
                raise _control_error(path, at, v, match)
        elif kind is dict:
            for k, x in v.items():
                if isinstance(k, str) and (match := refused.search(k)):
                    raise _control_error(path, at, k, match, " has a key that")
                if type(x) in _NESTED:
                    stack.append((x, (at, k)))
        elif kind is list:
            try:  # a list of strings at C speed (feature names, levels)
                joined = "".join(v)
            except TypeError:  # not all strings: numbers, objects
                if any(map(_IS_NESTED, map(type, v))):  # C speed over numbers
                    stack.extend(
                        (x, (at, i)) for i, x in enumerate(v) if type(x) in _NESTED
                    )
            else:
                if _has_control(joined, refused):
                    for i, x in enumerate(v):
                        if match := refused.search(x):
                            raise _control_error(path, (at, i), x, match)


#: Deepest nesting of arrays and objects in a model file's free-form
#: ``training`` section (``training`` itself the first level). Its own fields
#: nest a few levels (``training.fit_statistics...``); deeper nesting is no
#: record of a fit, and past a few hundred levels a recursive reader (``save``,
#: ``summary --json``) runs out of stack.
MAX_DEPTH = 32
_DEEP = (dict, list)


def check_depth(value: Any, path: str, where: str, limit: int = MAX_DEPTH) -> Any:
    """``value`` (the section ``where``), refused where its arrays and objects
    nest more than ``limit`` levels: a :class:`ModelFormatError` naming the
    field that opens the level past the limit."""
    stack: list[tuple[Any, Any, int]] = [(value, where, 1)]
    while stack:
        v, at, depth = stack.pop()
        if depth > limit:
            raise _bad(
                path,
                f"field '{_where(at):.200}' nests arrays and objects more than "
                f"{limit} levels deep in '{where}'; a model file's '{where}' "
                f"nests at most {limit} (its own fields a few)",
            )
        items = v.items() if type(v) is dict else enumerate(v)
        stack.extend((x, (at, k), depth + 1) for k, x in items if type(x) in _DEEP)
    return value


def refuse_unknown(d: dict[str, Any], known: Any, where: str, path: str) -> None:
    """Refuse keys of ``d`` (the section ``where``) not in ``known``
    (``load(strict=True)``), naming them."""
    extra = sorted(str(k) for k in set(d) - set(known))
    if extra:
        raise _bad(path, f"unknown field(s) {extra} in '{where}' (strict loading)")


def text_field(doc: dict[str, Any], key: str, path: str) -> str:
    """``doc[key]``: a short printable string, else refused naming the field."""
    value = doc.get(key)
    if not isinstance(value, str) or len(value) > 100 or not value.isprintable():
        raise _bad(
            path,
            f"field '{key}' must be a short printable string (at most 100 "
            f"characters, no control characters), got {value!r:.40}",
        )
    return value
