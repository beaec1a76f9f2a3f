"""Rare classes of a target of more than two classes, and its labels (or a
one-hot encoded column's levels) spelt several ways.

A class is rare below :data:`RARE_CLASS_ROWS` rows or below
:data:`RARE_CLASS_SHARE` of the rows (and a tenth of an even split): often a
typo or a stray value. Levels that differ only in case and surrounding
spaces (``'Yes'``, ``'yes '``) are twins, almost always one answer spelt
several ways; so are levels that differ only in their Unicode form, which
no one sees on screen: an accent composed (``'\u00e9'``) or decomposed
(``'e'`` + U+0301, as macOS writes names), full-width letters (``'ｙｅｓ'``)
or a zero-width character (:func:`twin_key`: NFKC, zero-width format
characters dropped). The command line warns of both (``cli._common``), and
of twin levels of a feature (:func:`twin_level_warnings`); labels are
written as :func:`logistic._labels.label_text` writes them, and a twin
that differs only in its Unicode form with its code points escaped
(:func:`twin_shown`: ``'e\u0301'``), else two names would read the same.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from ._column_hints import form_shown
from ._labels import label_text

__all__ = [
    "RARE_CLASS_ROWS",
    "RARE_CLASS_SHARE",
    "rare_class_text",
    "rare_classes",
    "twin_groups",
    "twin_key",
    "twin_level_warnings",
    "twin_reason",
    "twin_shown",
]

#: A class of a target of more than two classes is "rare" below this many rows
#: or below :data:`RARE_CLASS_SHARE` of the rows and a tenth of an even split
#: (so a target of many classes, each under 1 %, is not all rare): often a
#: typo or a stray value (one ``Yes`` among ``yes``/``no`` makes a three-class
#: model).
RARE_CLASS_ROWS = 5
RARE_CLASS_SHARE = 0.01


def rare_classes(levels: Sequence[Any], counts: Sequence[int]) -> list[int]:
    """Indices of the rare classes (:data:`RARE_CLASS_ROWS`,
    :data:`RARE_CLASS_SHARE`) among more than two ``levels`` with row
    ``counts``; empty for two classes or fewer."""
    n = sum(int(c) for c in counts)
    if len(levels) <= 2 or n == 0:
        return []
    share = min(RARE_CLASS_SHARE * n, 0.1 * n / len(levels))
    return [
        k for k, c in enumerate(counts) if int(c) < RARE_CLASS_ROWS or int(c) < share
    ]


def _plain_key(text: str) -> str:
    return text.strip().casefold()


def twin_key(text: str) -> str:
    """What twin levels share: ``text`` without case, surrounding spaces,
    zero-width format characters (U+200B, U+200D, U+FEFF, a soft hyphen)
    and differences of Unicode form (NFKC: a composed or decomposed accent,
    full-width letters and digits)."""
    if text.isascii():
        return _plain_key(text)
    folded = unicodedata.normalize("NFKC", text)
    return _plain_key("".join(c for c in folded if unicodedata.category(c) != "Cf"))


def twin_groups(levels: Sequence[Any]) -> list[list[int]]:
    """Indices of ``levels`` that differ only in case, surrounding spaces or
    Unicode form (:func:`twin_key`: ``'Yes'``, ``'yes '``, ``'YES'``;
    ``'\u00e9'``, ``'e\u0301'``), one list per such group of two or more, in
    level order: each is a class of its own, almost always one answer spelt
    several ways."""
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(levels):
        groups.setdefault(twin_key(label_text(v)), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def twin_reason(texts: Sequence[str]) -> str:
    """How twin ``texts`` differ: ``"case or spaces"``, or, where some differ
    in more, ``"case, spaces or Unicode form (...)"``."""
    if len({_plain_key(t) for t in texts}) == 1:
        return "case or spaces"
    return (
        "case, spaces or Unicode form (an accent composed or decomposed, "
        "full-width or zero-width characters)"
    )


def twin_shown(text: str) -> str:
    """A twin level as a warning names it: ``repr``, or ``ascii`` (its code
    points escaped: ``'e\\u0301'``) where its Unicode form is not NFC or it
    holds a zero-width character, which would read as its twin
    (:func:`logistic._column_hints.form_shown`)."""
    return form_shown(text)


def twin_level_warnings(columns: Sequence[dict[str, Any]]) -> list[str]:
    """A warning per group of twin levels (:func:`twin_groups`) of each
    one-hot encoded column of a file encoding's ``columns``: each is a level
    with a coefficient of its own, and a level of a few rows separates the
    fit (``'Yes'`` among ``'yes'``/``'no'``)."""
    out = []
    for spec in columns:
        if spec.get("kind") != "categorical":
            continue
        levels = spec["levels"]
        for group in twin_groups(levels):
            texts = [label_text(levels[i]) for i in group]
            shown = ", ".join(f"{twin_shown(t):.60}" for t in texts)
            out.append(
                f"column {spec['name']!r:.60}: the levels {shown} differ only in "
                f"{twin_reason(texts)}, so each is a level of its own (a "
                "coefficient each); if they are one value, correct those values "
                "in the file"
            )
    return out


def rare_class_text(levels: Sequence[Any], counts: Sequence[int], k: int) -> str:
    """``class 'Yes' has 1 row of 200 (0.5%); the others: 'no' (74), 'yes'
    (125)``, and when the class equals another up to case and surrounding
    spaces, ``'Yes' differs from 'yes' only in case or spaces``."""
    text = [label_text(v) for v in levels]
    n = sum(int(c) for c in counts)
    c = int(counts[k])
    others = [i for i in range(len(levels)) if i != k]
    shown = ", ".join(f"{text[i]!r:.60} ({int(counts[i])})" for i in others[:10])
    if len(others) > 10:
        shown += f", ... ({len(others) - 10} more)"
    out = (
        f"class {text[k]!r:.60} has {c} row{'s' if c != 1 else ''} of {n} "
        f"({100 * c / n:.2g}%); the others: {shown}"
    )
    group = next((g for g in twin_groups(levels) if k in g), [k])
    twin = next((i for i in group if i != k), None)
    if twin is not None:
        out += (
            f"; {twin_shown(text[k]):.60} differs from {twin_shown(text[twin]):.60} "
            f"only in {twin_reason([text[k], text[twin]])}"
        )
    return out
