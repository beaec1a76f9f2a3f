"""Lists and long texts in messages: one readable line, whatever the data hold.

Convention (owned here): a message that names things from the data (columns,
levels, values) names at most a few and counts the rest
(:func:`name_list`: ``"1,276 columns: 'a', 'b', 'c', … and 1,273 more"``),
and no line written to stderr is longer than :data:`MAX_LINE` characters
(:func:`cap_line` cuts it and says how much was left out, cutting first
in its middle any word of more than :data:`LONG_WORD` characters, such as
a column name 10,000 characters long, so that the rest of the message
survives). Only the standard
library is used: any layer may import this module.

Examples
--------
>>> name_list(["a", "b", "c", "d", "e"], "columns", shown=3)
"5 columns: 'a', 'b', 'c', … and 2 more"
>>> name_list(["x"], "columns")
"column 'x'"
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = [
    "MAX_LINE",
    "EXTRAS",
    "LONG_WORD",
    "cap_line",
    "count_text",
    "extra_needed",
    "import_extra",
    "integer_text",
    "name_list",
    "option_value",
    "pad_text",
    "printable",
    "printable_line",
    "short_text",
    "text_width",
]

#: The longest line a message may print (characters).
MAX_LINE = 2000


def option_value(names: Sequence[str], shown: int | None = None) -> str:
    """Column names as the value of a column-list option (``--drop``,
    ``--include``), ready to paste into a shell: commas inside a name escaped
    (``a\\,b``, as the options read them), the whole quoted where the shell
    would split or expand it (``'Unnamed: 0'``). ``shown``: at most that many
    names, then ``,...`` (a hint, not a value to paste as is)."""
    import shlex

    picked = list(names if shown is None else names[:shown])
    text = ",".join(n.replace(",", "\\,") for n in picked)
    more = ",..." if shown is not None and len(names) > shown else ""
    return shlex.quote(text + more)


def _singular(what: str) -> str:
    return what[:-1] if what.endswith("s") else what


def name_list(names: Sequence[object], what: str = "columns", shown: int = 5) -> str:
    """``"column 'x'"``, ``"2 columns: 'x', 'y'"`` or ``"1,276 columns: 'a', 'b',
    'c', … and 1,273 more"``: at most ``shown`` names, each at most 60
    characters, and a count of the rest."""
    items = [short_text(repr(str(n))) for n in names]
    if len(items) == 1:
        return f"{_singular(what)} {items[0]}"
    head = ", ".join(items[:shown])
    rest = len(items) - shown
    more = f", … and {rest:,} more" if rest > 0 else ""
    return f"{len(items):,} {what}: {head}{more}"


def short_text(text: str, limit: int = 60) -> str:
    """``text`` (a name from the data) cut to ``limit`` characters, ending
    with ``…`` where cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str) -> str:
    """``text`` with each unprintable character (line breaks, tabs, terminal
    escapes, other control characters) written as Python's escape
    (``a\\nb``, ``o\\x1b[1m.json``): a name from the command line, a file or
    a model file shown as it is spelt, never acted on by the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


_LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")


def printable_line(text: str) -> str:
    """``text`` on one line (each run of line breaks and tabs one space), its
    other unprintable characters escaped as :func:`printable` escapes them
    (``o\\x1b[1m.json``, a bidi override ``\\u202e``): an error line that
    quotes a file name, a value or a file's content is shown as spelt, never
    acted on by the terminal."""
    return printable(_LINE_BREAKS.sub(" ", text).strip())


def text_width(text: str) -> int:
    """The terminal columns ``text`` takes, as terminals and rich count them:
    2 for an East Asian wide or full-width character (``等``, ``Ａ``, most
    emoji), 0 for a combining mark (the accent of ``e`` + U+0301) or a
    zero-width format character, 1 for any other. Text tables align their
    columns by it, not by ``len``: a term ``等级[T.一级]`` is 8 characters
    wide on screen 12.

    >>> text_width("gpa"), text_width("等级"), text_width("e\u0301")
    (3, 4, 1)
    """
    if text.isascii():
        return len(text)
    width = 0
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            width += 2
        elif unicodedata.category(c) not in ("Mn", "Me", "Cf"):
            width += 1
    return width


def pad_text(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` terminal columns
    (:func:`text_width`), left-aligned (``"<"``) or right-aligned (``">"``),
    as ``format(text, f"{align}{width}")`` pads ASCII text."""
    fill = max(0, width - text_width(text))
    return " " * fill + text if align == ">" else text + " " * fill


#: A word (a run without spaces) longer than this, in a line over the limit,
#: is cut in its middle by :func:`cap_line`: a name from the data.
LONG_WORD = 200


def _shorter_word(match: re.Match[str]) -> str:
    word = match.group(0)
    head, tail = word[:120], word[-30:]
    return f"{head}…[{len(word) - 150:,} characters]…{tail}"


def cap_line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` on one line (line breaks become spaces), at most ``limit``
    characters. In a longer text each word (a run without spaces) of more
    than :data:`LONG_WORD` characters, such as a column or level name
    thousands of characters long, is first cut in its middle, saying how many
    characters it left out, so that what the message says after the name (a
    count, the rows, the remedy) is kept; a text still too long is cut and
    ends with how many characters were left out."""
    flat = " ".join(text.split("\n")) if "\n" in text else text
    if len(flat) <= limit:
        return flat
    flat = re.sub(rf"\S{{{LONG_WORD + 1},}}", _shorter_word, flat)
    if len(flat) <= limit:
        return flat
    cut = limit - 40
    return f"{flat[:cut]} … ({len(flat) - cut:,} more characters)"


#: The magnitude from which counts (:func:`count_text`) and tables' fixed
#: decimals (:func:`logistic.inference._cell_text.fixed`) print 6
#: significant digits: a sum of weights of 1e160 would print 161 digits.
FULL_DIGITS_LIMIT = 1e15


def count_text(value: float) -> str:
    """A count or a sum of weights: whole numbers in full (1500000, never
    1.5e+06), others with 10 significant digits; 6 significant digits from
    :data:`FULL_DIGITS_LIMIT` on (``1e+160``)."""
    if not abs(value) < FULL_DIGITS_LIMIT:
        return f"{value:.6g}"
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def integer_text(value: int, digits: int = 20) -> str:
    """An integer from a file in a message: in full up to ``digits`` digits,
    else its leading digits, an ellipsis and its number of digits
    (``123456789012345678… (31 digits)``), never cut silently to a smaller
    number that reads as another one."""
    text = str(value)
    size = len(text.lstrip("-"))
    if size <= digits:
        return text
    return f"{text[: digits - 2 + len(text) - size]}… ({size:,} digits)"


#: The optional modules, by top-level name: the extra of pyproject.toml that
#: installs each and what pip would install alone.
EXTRAS = {
    "typer": ("cli", "typer"),
    "click": ("cli", "typer"),
    "rich": ("cli", "rich"),
    "pyarrow": ("cli", "pyarrow"),
    "formulaic": ("cli", "formulaic"),
    "matplotlib": ("plot", "matplotlib"),
    "sympy": ("derive", "sympy"),
    "sklearn": ("sklearn", "scikit-learn"),
    "dask": ("dask", "'dask[distributed]'"),
    "distributed": ("dask", "'dask[distributed]'"),
    "onnx": ("onnx", "onnx"),
    "onnxruntime": ("onnx", "onnxruntime"),
}


def extra_needed(who: str, exc: BaseException) -> str | None:
    """What to install, for ``exc`` a failed import of a module of an
    optional extra: ``"<who> needs the 'cli' extra, not installed: pip
    install 'logistic[cli]' (from a clone: pip install '.[cli]') or pip
    install pyarrow (No module named 'pyarrow')"``; None for another module,
    and for an extra's module that is installed but failed to import (a name
    it lacks: too old a version), which is no missing extra."""
    if not isinstance(exc, ModuleNotFoundError):
        return None
    name = exc.name or ""
    extra = EXTRAS.get(name.partition(".")[0])
    if extra is None:
        return None
    key, package = extra
    return (
        f"{who} needs the '{key}' extra, not installed: pip install "
        f"'logistic[{key}]' (from a clone: pip install '.[{key}]') or pip "
        f"install {package} ({exc})"
    )


def import_extra(module: str, who: str) -> Any:
    """``module`` imported, or a ModuleNotFoundError saying which extra
    installs it (:func:`extra_needed`, ``who`` the caller that needs it; the
    error's ``name`` kept); a failed import of a module of no extra propagates
    as it is."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        text = extra_needed(who, exc)
        if text is None:  # a module of no extra (one the installed one imports)
            raise
        raise ModuleNotFoundError(text, name=exc.name) from None
