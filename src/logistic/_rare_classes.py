"""Rare classes of a target of more than two classes, and its labels (or a
one-hot encoded column's levels) spelt several ways.

A class is rare below :data:`RARE_CLASS_ROWS` rows or below
:data:`RARE_CLASS_SHARE` of the rows (and a tenth of an even split): often a
typo or a stray value. Levels that differ only in case and surrounding
spaces (``'Yes'``, ``'yes '``) are twins, almost always one answer spelt
several ways. The command line warns of both (``cli._common``), and of
twin levels of a feature (:func:`twin_level_warnings`); labels are written
as :func:`logistic._labels.label_text` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._labels import label_text

__all__ = [
    "RARE_CLASS_ROWS",
    "RARE_CLASS_SHARE",
    "rare_class_text",
    "rare_classes",
    "twin_groups",
    "twin_level_warnings",
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


def twin_groups(levels: Sequence[Any]) -> list[list[int]]:
    """Indices of ``levels`` that differ only in case and surrounding spaces
    (``'Yes'``, ``'yes '``, ``'YES'``), one list per such group of two or
    more, in level order: each is a class of its own, almost always one
    answer spelt several ways."""
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(levels):
        groups.setdefault(label_text(v).strip().casefold(), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


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
            shown = ", ".join(f"{label_text(levels[i])!r:.60}" for i in group)
            out.append(
                f"column {spec['name']!r:.60}: the levels {shown} differ only in "
                "case or spaces, so each is a level of its own (a coefficient "
                "each); if they are one value, correct those values in the file"
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
            f"; {text[k]!r:.60} differs from {text[twin]!r:.60} only in case or spaces"
        )
    return out
