"""Partial results of row blocks summed in block order, arrays added in place.

Convention: :func:`fold_in_order` gives the bits of
:func:`logistic.backends._reduce.tree_sum` (a left fold, the same additions
in the same order) with one accumulator for the whole pass; the in-memory
backend folds its blocks' results with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._reduce import tree_sum

__all__ = ["fold_in_order"]

_NONE = object()  # no further block result


def _is_flat(part: Any) -> bool:
    """Whether a partial result is a tuple of floats and float64 arrays."""
    return isinstance(part, tuple) and all(
        isinstance(v, float | int)
        or (isinstance(v, np.ndarray) and v.dtype == np.float64)
        for v in part
    )


def fold_in_order(parts: Iterable[Any]) -> Any:
    """Left fold in block order, like :func:`tree_sum`, adding arrays in place.

    Gives the same bits as ``tree_sum`` (the same additions in the same order)
    without a new array per addition, and consumes ``parts`` as it goes: a
    generator's block results are dropped once added, so a pass allocates
    one accumulator and each block's own result (a p × p Hessian sum freed
    before the next block's is made reuses its memory, where a new sum per
    addition made the allocator return and re-fault pages: ~6 000 page
    faults, 5-10 % of a w8a fit). Anything but a flat tuple of floats and
    float64 arrays goes to ``tree_sum`` itself.
    """
    it = iter(parts)
    try:
        first = next(it)
    except StopIteration:
        return tree_sum(())  # its error
    second = next(it, _NONE)
    if second is _NONE:  # one block: nothing to add
        return first
    it = itertools.chain((second,), it)
    if not _is_flat(first):
        return tree_sum(itertools.chain((first,), it))
    acc: list[Any] | None = None
    for part in it:
        if acc is None:  # a copy: the first block's arrays may be kept elsewhere
            acc = [v.copy() if isinstance(v, np.ndarray) else v for v in first]
        for i, v in enumerate(part):
            a = acc[i]
            if (
                isinstance(a, np.ndarray)
                and isinstance(v, np.ndarray)
                and (v.dtype == np.float64 and v.shape == a.shape)
            ):
                a += v
            else:
                acc[i] = a + v
    return first if acc is None else tuple(acc)
