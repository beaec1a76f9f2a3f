"""Column names the formula parser reads in another form than the data's.

Convention (owned here): a name inside a call or ``I()`` (``np.log(µg)``,
also backquoted, which formulaic unquotes when the name is a Python name) is
read by Python's parser, which folds identifiers to their NFKC form: the
micro sign ``µ`` (U+00B5) becomes the Greek ``μ`` (U+03BC), the ligature
``ﬁ`` becomes ``fi``, full-width letters ASCII ones. The formula then names a
column the data do not have, one that prints like the data's; a name
written alone as a term (``y ~ µg``) is looked up as it is.
:func:`folded_hint` names the data column and the remedy for the "not a
column" message of :mod:`._formula`.
"""

from __future__ import annotations

import unicodedata

__all__ = ["folded_hint"]


def folded_hint(name: str, columns: list[str]) -> str | None:
    """The words for ``name``, not a column, that is the NFKC form of one of
    ``columns`` (their code points escaped, as they print alike); None when
    no column folds to it."""
    folded = [
        c for c in columns if c != name and unicodedata.normalize("NFKC", c) == name
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
