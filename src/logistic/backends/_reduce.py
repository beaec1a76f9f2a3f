"""Elementwise summation of partial sums (floats, arrays, tuples of those).

Convention: partial results are added left to right in block order, so a
reduction is deterministic for a fixed blocking.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def add(a: Any, b: Any) -> Any:
    """Add two partial results of the same structure."""
    if isinstance(a, tuple):
        return tuple(add(x, y) for x, y in zip(a, b, strict=True))
    return a + b


def tree_sum(parts: Iterable[Any]) -> Any:
    """Sum partial results in the order given (left fold).

    Raises
    ------
    ValueError
        If ``parts`` is empty.
    """
    it = iter(parts)
    try:
        total = next(it)
    except StopIteration:
        raise ValueError("cannot reduce an empty sequence of blocks") from None
    for part in it:
        total = add(total, part)
    return total
