"""Elementwise summation of partial sums (floats, arrays, tuples of those).

Convention: partial results are added left to right in block order, so a
reduction is deterministic for a fixed blocking. A streaming backend reports
each pass to its ``progress`` callable as :func:`pass_progress` builds it.
"""

from __future__ import annotations

import time
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


def pass_progress(
    n_pass: int, rows: int, t0: float, **extra: float
) -> dict[str, float]:
    """The progress record of a pass that began at ``t0`` (``time.perf_counter``):
    ``pass``, ``rows``, ``seconds``, ``rows_per_s``, then ``extra``."""
    dt = time.perf_counter() - t0
    return {
        "pass": n_pass,
        "rows": rows,
        "seconds": dt,
        "rows_per_s": rows / dt if dt > 0 else float("inf"),
        **extra,
    }
