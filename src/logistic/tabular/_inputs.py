"""Which columns of a data file a stored encoding reads, and which as text.

Convention (owned here): at predict, the columns a model one-hot encodes
from text are read as text (:func:`text_input_columns`), so their levels
compare as the strings seen at fit time whatever one batch holds: a batch
whose ``cat`` values are all ``007`` or all ``True`` still gives ``"007"``
and ``"True"``, not the number 7 or the boolean ``true``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["input_columns", "text_input_columns"]


def input_columns(encoding: dict[str, Any]) -> list[str]:
    """Every column a stored encoding reads: features, target, weights,
    offset and grouped counts (none for LibSVM)."""
    if encoding["kind"] == "libsvm":
        return []
    if encoding["kind"] == "formula":
        names = list(encoding["variables"])
    else:
        names = [c["name"] for c in encoding["columns"]]
    names += [encoding.get(r) for r in ("target", "weights", "offset")]
    names += list((encoding.get("binomial") or {}).values())
    return [n for n in dict.fromkeys(names) if n]


def text_input_columns(encoding: dict[str, Any]) -> list[str]:
    """The columns a stored encoding one-hot encodes from text: read them as
    text at predict (:func:`logistic.tabular.read_data`'s ``text_columns``),
    so that a batch whose values all look like numbers or booleans (``007``,
    ``True``) gives the strings seen at fit time, not ``7`` or ``true``.
    A formula's ``C(column)`` counts when its stored levels are strings
    (levels of a column read as numbers at fit stay numbers)."""
    if encoding["kind"] == "columns":
        return [c["name"] for c in encoding["columns"] if c["kind"] == "categorical"]
    if encoding["kind"] != "formula":
        return []
    names = []
    for spec in (encoding.get("factors") or {}).values():
        if spec["kind"] == "categorical" and all(
            isinstance(level, str) for level in spec["levels"]
        ):
            names.append(spec["column"])
    return list(dict.fromkeys(names))
