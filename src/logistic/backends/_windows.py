"""Row blocks reduced over a pool's threads in windows, folded in block order.

Convention: a window gives each of ``k`` threads one contiguous run of
blocks (one task a thread, one hand-off to the workers a window); its
results are folded, in block order, into the pass's accumulator before the
next window starts. Up to ``WINDOW_BLOCKS`` blocks a thread are one window;
of more, the first window holds one block a thread and the size of its
results sets the later windows' length: as many blocks as keep the
partial results alive at once within ``PARTIAL_BYTES``, and at least
``WINDOW_BLOCKS`` a thread (results of unknown size: exactly that many). A
value+gradient pass (a p-vector a block) is then two windows; windows of
``WINDOW_BLOCKS`` a thread throughout would make it ``blocks / (k ·
WINDOW_BLOCKS)`` (six over dense1m's 96 blocks on 2 CPUs).

Why few windows: every window ends with the caller waiting for the workers
and starts with waking them, and a woken thread is often placed on its
waker's CPU (a guest kernel that packs tasks onto few vCPUs does so on
purpose), where the two threads then share one CPU until the scheduler
moves one: several ms, longer than a window of ``WINDOW_BLOCKS`` 8 MiB
blocks (2.5 ms a thread). On a 2-vCPU VM a dense1m pass waited 13-17 ms a
pass on run queues with six windows and ~0.1-10 ms with two (30 → 25-27
ms a pass; pinning the two threads to distinct CPUs: 23.6 ms, no wait).

The windows never change the sums: the fold adds the same results in the
same order (a left fold in block order) whatever the windows' lengths.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from ._fold import fold_in_order as _fold

if TYPE_CHECKING:
    from .._typing import Block

__all__ = ["PARTIAL_BYTES", "WINDOW_BLOCKS", "Pool", "reduce_windows"]

T = TypeVar("T")


class Pool(Protocol):
    """Threads that run ``[fn(a) for a in args]`` (the in-memory backend's
    :class:`logistic.backends._workers.Workers`)."""

    def map(self, fn: Callable[[Any], T], args: list[Any]) -> list[T]: ...


#: Least blocks a thread processes between two folds after the first window
#: (and exactly this many when a result's size is unknown).
WINDOW_BLOCKS = 8
#: Partial results alive at once, at most (beyond ``WINDOW_BLOCKS`` a
#: thread): 4 MiB, half a row-loop block, holds a pass's p-vectors for p up
#: to ~5 000 at 96 blocks; p × p Hessian sums of p ≥ ~200 keep
#: ``WINDOW_BLOCKS`` a thread.
PARTIAL_BYTES = 4 * 2**20


def result_bytes(part: Any) -> int | None:
    """Bytes of one block's result: an array, a float, None (0 bytes), or a
    tuple or dataclass instance (the column statistics) of those; None for
    anything else (its size is not known)."""
    if isinstance(part, np.ndarray):
        return int(part.nbytes)
    if isinstance(part, float | int):
        return 8
    if part is None:
        return 0
    if dataclasses.is_dataclass(part) and not isinstance(part, type):
        fields = [getattr(part, f.name) for f in dataclasses.fields(part)]
    elif isinstance(part, tuple):
        fields = list(part)
    else:
        return None
    sizes = [result_bytes(v) for v in fields]
    if any(s is None for s in sizes):
        return None
    return sum(s for s in sizes if s is not None)


def window_blocks(part_bytes: int | None, k: int) -> int:
    """Blocks a thread processes in a window after the first, given one
    result's bytes: the most that keep ``k`` threads' results within
    ``PARTIAL_BYTES``, and at least ``WINDOW_BLOCKS``."""
    if part_bytes is None:
        return WINDOW_BLOCKS
    return max(WINDOW_BLOCKS, PARTIAL_BYTES // max(1, part_bytes * k))


def _split(lo: int, hi: int, k: int) -> list[range]:
    """``lo:hi`` in ``k`` contiguous runs of nearly equal length."""
    bounds = [lo + (hi - lo) * i // k for i in range(k + 1)]
    return [range(bounds[i], bounds[i + 1]) for i in range(k)]


def reduce_windows(
    pool: Pool, fn: Callable[[Block, int], T], blocks: list[Block], k: int
) -> T:
    """``fn(block, i)`` summed over ``blocks`` in block order, in windows
    over ``k`` of ``pool``'s threads (module docstring)."""

    def run(r: range) -> list[T]:
        return [fn(blocks[i], i) for i in r]

    # one window where WINDOW_BLOCKS a thread hold every block (no probe)
    hi = len(blocks) if len(blocks) <= k * WINDOW_BLOCKS else k
    parts = pool.map(run, _split(0, hi, k))
    first = [p for run_parts in parts for p in run_parts]
    per_thread = window_blocks(result_bytes(first[0]), k)
    acc: list[Any] = [_fold(first)]
    lo = hi
    while lo < len(blocks):
        hi = min(len(blocks), lo + k * per_thread)
        parts = pool.map(run, _split(lo, hi, k))
        acc = [_fold(acc + [p for run_parts in parts for p in run_parts])]
        lo = hi
    return acc[0]
