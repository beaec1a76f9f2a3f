"""Column names a formula cannot use inside a call, named with the remedy.

Convention (owned here), two cases, each worded for the message of
:mod:`._formula` that meets it:

* a name inside a call or ``I()`` (``np.log(µg)``,
also backquoted, which formulaic unquotes when the name is a Python name) is
read by Python's parser, which folds identifiers to their NFKC form: the
micro sign ``µ`` (U+00B5) becomes the Greek ``μ`` (U+03BC), the ligature
``ﬁ`` becomes ``fi``, full-width letters ASCII ones. The formula then names a
column the data do not have, one that prints like the data's; a name
written alone as a term (``y ~ µg``) is looked up as it is.
:func:`folded_hint` names the data column and the remedy for the "not a
column" message;
* a data column named like a function the formula calls (``C``, ``I``,
``center``, ``log``, ``np``): formulaic evaluates a call with the data's
columns in scope, so the column hides the function (``C(C)``: "'Series'
object is not callable"). :func:`shadowed_hint` names it for formulaic's
error.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["folded_hint", "shadowed_hint"]

#: A called function's name (``C(``, ``np.log(``: ``np``), outside backquotes.
_CALLED = re.compile(r"(?<![\w.`])([A-Za-z_]\w*)(?:\.\w+)?\s*\(")


def folded_hint(name: str, columns: list[str]) -> str | None:
    """The words for ``name``, not a column, that is the NFKC form of one of
    ``columns`` (their code points escaped, as they print alike); None when
    no column folds to it, or only one whose accents differ in form (NFD
    against NFC: :func:`logistic._column_hints.unicode_form_hint` says it)."""
    folded = [  # an accent's NFC/NFD forms alone: the file's Unicode form hint
        c
        for c in columns
        if unicodedata.normalize("NFKC", c) == name
        and unicodedata.normalize("NFC", c) != name
    ]
    if not folded:
        return None
    column = folded[0]
    return (
        f": the data column {column!r} ({ascii(column)}) is read as {name!r} "
        f"({ascii(name)}) inside a call or I(), as Python reads names (in their "
        "NFKC form); rename the column (written alone as a term it is read as "
        "it is)"
    )


def shadowed_hint(formula: str, columns: Any) -> str:
    """``"; the data column 'C' has the name of the function C() ..."`` for
    the functions ``formula`` calls that are also columns; ``""`` if none."""
    names = set(map(str, columns))
    called = [n for n in dict.fromkeys(_CALLED.findall(formula)) if n in names]
    if not called:
        return ""
    shown = ", ".join(repr(n) for n in called)
    one = len(called) == 1
    return (
        f"; the data column{'' if one else 's'} {shown} "
        f"{'has the name' if one else 'have the names'} of "
        f"{'a function' if one else 'functions'} the formula calls, which a column "
        f"of that name hides inside the formula: rename the column{'' if one else 's'}"
    )
