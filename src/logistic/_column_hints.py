"""What to tell a user whose column is not in a file's header.

Convention (owned here): the hint that follows ``column 'y' not found in
f.csv`` (:func:`logistic.columns.require_columns`) says, most specific first:

* **Spaces in the header.** A requested name that is a header name without
  its leading or trailing whitespace (``a, b, y`` written with a space after
  each comma gives the columns ``'a'``, ``' b'``, ``' y'``): the hint names
  the header's exact text and the fix, removing the spaces in the header
  line. Columns are never renamed behind the user's back: ``' y'`` and
  ``'y'`` are different names.
* **Names separated by spaces.** A requested name whose words are each a
  column (``--features "gre gpa rank"``, a Stata varlist): the hint says
  that list options separate names with commas and writes the list so.
* **A close spelling** otherwise: a name equal but for case, else (one
  absent name) the closest by :func:`difflib.get_close_matches`.
* **The wrong delimiter.** A header read as one column whose text splits
  into several fields on another delimiter (``x1 x2 y`` read with ``,``):
  the hint names that delimiter as the option to pass (``--sep ' '``,
  ``--sep '\\t'``, ``--sep ';'``), tried in the order tab, ``;``, ``|``,
  ``,``, space and keeping the one that gives the most fields (a space
  last: names may hold spaces). A header whose fields are separated by runs
  of spaces (an aligned table) cannot be read with any one-character
  delimiter, and the hint says so.

Every function returns text to append to the message (``""`` for none) and
only reads the names it is given: nothing here reads a file.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence

__all__ = [
    "absent_column_hint",
    "comma_name_hint",
    "delimiter_hint",
    "form_shown",
    "runs_of_spaces",
    "space_list_hint",
    "spaced_name_hint",
    "unicode_form_hint",
]

#: Delimiters a one-column header is split on, in order of preference.
_DELIMITERS = ("\t", ";", "|", ",", " ")
_DELIMITER_NAMES = {
    "\t": "tabs",
    ";": "semicolons",
    "|": "'|'",
    ",": "commas",
    " ": "spaces",
}


def absent_column_hint(
    absent: Sequence[str],
    available: Sequence[str],
    delimiter: str | None,
    delimiter_option: str = "delimiter",
) -> str:
    """The hint after ``column ... not found in FILE`` (see the module doc):
    a spaced header name or a close spelling, then a delimiter hint.

    Examples
    --------
    >>> absent_column_hint(["Y"], ["x", "y"], ",")
    " (did you mean 'y'?)"
    >>> absent_column_hint(["y"], ["x1 x2 y"], ",", "--sep")[-57:]
    "--sep ' ' (the header holds 3 fields separated by spaces)"
    """
    hint = (
        spaced_name_hint(absent, available)
        or comma_name_hint(absent, available)
        or space_list_hint(absent, available)
        or unicode_form_hint(absent, available)
    )
    if not hint and absent:
        name = absent[0]
        close = [a for a in available if a.lower() == name.lower()]
        if not close and len(absent) == 1:  # a typo; many absent: the wrong file
            close = difflib.get_close_matches(name, list(available), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    return hint + delimiter_hint(available, delimiter, delimiter_option, absent)


def comma_name_hint(absent: Sequence[str], available: Sequence[str]) -> str:
    """`` ('a,b' is one column ...)`` when the absent names are the parts of
    a column name holding a comma (a list option splits at commas; ``\\,``
    keeps one), else ``""``.

    >>> print(comma_name_hint(["a", "b"], ["a,b", "c"])[-36:])
    write that comma as \\, as in 'a\\,b')
    >>> comma_name_hint(["a"], ["a,b", "c"])
    ''
    """
    for column in available:
        parts = [p.strip() for p in column.split(",") if p.strip()]
        if len(parts) > 1 and all(p in absent for p in parts):
            escaped = column.replace(",", "\\,")
            return (
                f" ({column!r} is one column, its name holds a comma: write that "
                f"comma as \\, as in '{escaped}')"
            )
    return ""


def space_list_hint(absent: Sequence[str], available: Sequence[str]) -> str:
    """`` ('a b' is 2 columns separated by spaces ...)`` when an absent name's
    words are each a column (a Stata varlist given to a list option, which
    separates names with commas), else ``""``.

    >>> space_list_hint(["gre gpa"], ["admit", "gre", "gpa"])[-36:]
    'separates them with commas: gre,gpa)'
    >>> space_list_hint(["first name"], ["first", "last"])
    ''
    """
    known = set(available)
    for name in absent:
        words = name.split()
        if len(words) > 1 and all(w in known for w in words):
            return (
                f" ({name!r} is {len(words)} columns separated by spaces; a list of "
                f"columns separates them with commas: {','.join(words)})"
            )
    return ""


def form_shown(text: str) -> str:
    """``text`` as a message names it beside a look-alike: ``repr``, or
    ``ascii`` (its code points escaped: ``'cafe\\u0301'``) where it is not
    in NFC or holds a zero-width format character, which would read as its
    twin (``'café'`` and ``'café'``)."""
    if text.isascii():
        return repr(text)
    plain = unicodedata.is_normalized("NFC", text) and not any(
        unicodedata.category(c) == "Cf" for c in text
    )
    return repr(text) if plain else ascii(text)


def _form_of(text: str) -> str:
    if unicodedata.is_normalized("NFC", text):
        return "one character (NFC)"
    if unicodedata.is_normalized("NFD", text):
        return "a letter and a combining accent (NFD)"
    return "another Unicode form"


def unicode_form_hint(given: Sequence[str], known: Sequence[str]) -> str:
    """`` (... differ only in their Unicode form ...)`` when a given text and a
    known one look alike, their code points differing only by Unicode
    normalization (an accented letter as one character, NFC, or as a letter
    and a combining accent, NFD, as files from macOS often hold them); else
    ``""``. Texts are compared exactly, so the hint says why they differ,
    naming each with its code points escaped where it is not NFC
    (:func:`form_shown`) and how each writes its accents.

    >>> "look alike" in unicode_form_hint(["re\u0301gion"], ["r\u00e9gion", "x"])
    True
    >>> unicode_form_hint(["r\u00e9gion"], ["r\u00e9gion"])
    ''
    """
    forms = {unicodedata.normalize("NFC", k): k for k in known}
    for text in given:
        twin = forms.get(unicodedata.normalize("NFC", text))
        if twin is not None and twin != text:
            return (
                f" ({form_shown(text)} and {form_shown(twin)} look alike but "
                "differ in their Unicode form: the first writes its accents as "
                f"{_form_of(text)}, the second as {_form_of(twin)}; write both "
                "alike, e.g. convert text to NFC with Python's "
                "unicodedata.normalize)"
            )
    return ""


def spaced_name_hint(absent: Sequence[str], available: Sequence[str]) -> str:
    """`` (the header writes it ' y', with leading whitespace; ...)`` when
    absent names are header names without the header's leading or trailing
    whitespace; else ``""`` (a name with spaces that the header writes
    without them gets the close spelling instead).

    >>> print(spaced_name_hint(["y"], ["a", " y"]))  # doctest: +NORMALIZE_WHITESPACE
     (the header writes it ' y', with leading whitespace; names are matched
    exactly: remove the whitespace around the names in the header line)
    >>> spaced_name_hint(["b", "y"], ["a", " b ", "y "])[:60]
    " (the header writes them ' b ', 'y ', with whitespace around"
    >>> spaced_name_hint(["z"], ["a", " y"])
    ''
    >>> spaced_name_hint([" y"], ["a", "y"])
    ''
    """
    spaced = []
    for name in absent:
        if name == name.strip():  # the header's name has the spaces
            spaced += [a for a in available if a != name and a.strip() == name]
    if not spaced:
        return ""
    lead = any(a != a.lstrip() for a in spaced)
    trail = any(a != a.rstrip() for a in spaced)
    if lead and trail:
        what = "whitespace around the name" + ("s" if len(spaced) > 1 else "")
    else:
        what = f"{'leading' if lead else 'trailing'} whitespace"
    listed = ", ".join(repr(a) for a in spaced[:5]) + (", ..." if spaced[5:] else "")
    pronoun = "it" if len(spaced) == 1 else "them"
    return (
        f" (the header writes {pronoun} {listed}, with {what}; names are matched "
        "exactly: remove the whitespace around the names in the header line)"
    )


def runs_of_spaces(option: str = "--sep") -> str:
    """What to do with a file whose columns are aligned by runs of spaces
    (no one-character delimiter reads it: a single space makes empty fields
    between the values), in the words of ``option``."""
    return (
        f"its fields are separated by runs of spaces, which no {option} reads; "
        "rewrite the file with one delimiter (a comma) between fields"
    )


def delimiter_hint(
    available: Sequence[str],
    delimiter: str | None,
    option: str = "delimiter",
    absent: Sequence[str] = (),
) -> str:
    """``; the header was read as one column with delimiter ',' ...`` when the
    header is one column that another delimiter splits into several fields
    (or that holds one of ``, ; TAB |``); else ``""``. Spaces count only when
    one of the ``absent`` names is among the fields they separate (a single
    column's name may hold spaces).

    >>> delimiter_hint(["x1 x2 y"], ",", "--sep", ["y"])
    "; the header was read as one column with delimiter ',': pass --sep ' ' \
(the header holds 3 fields separated by spaces)"
    >>> delimiter_hint(["x1;x2;y"], ",", "sep")[-64:]
    "pass sep=';' (the header holds 3 fields separated by semicolons)"
    >>> delimiter_hint(["x1  x2  y"], ",", "--sep", ["y"])[-43:]
    'with one delimiter (a comma) between fields'
    >>> delimiter_hint(["first name"], ",", "--sep", ["y"])
    ''
    """
    if len(available) != 1:
        return ""
    header = available[0]
    head = f"; the header was read as one column with delimiter {delimiter!r}"
    best, most = None, 1
    for sep in _DELIMITERS if delimiter is not None else ():  # a CSV file's
        fields = [f.strip() for f in header.split(sep) if f.strip()]
        if sep == " " and not any(n.strip() in fields for n in absent):
            continue
        if sep != delimiter and len(fields) > most:
            best, most = sep, len(fields)
    if best is None:
        if any(s in header for s in ",;\t|"):
            return f"{head}: pass the right {option}"
        return ""
    if best == " " and "  " in header.strip():
        return f"{head}: {runs_of_spaces(option)}"
    shown = f"{option} {best!r}" if option.startswith("-") else f"{option}={best!r}"
    return (
        f"{head}: pass {shown} (the header holds {most} fields separated by "
        f"{_DELIMITER_NAMES[best]})"
    )
