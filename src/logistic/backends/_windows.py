"""Row blocks reduced over a pool's threads in windows, folded in block order.

Convention: a window's blocks go to the pool as up to ``RUNS_PER_THREAD ·
k`` contiguous runs of nearly equal length, all queued at once (one
hand-off to the workers a window), each run taken by whichever of the ``k``
threads comes to it first, the caller included (:meth:`Workers.map`); its
results are folded, in block order, into the pass's accumulator before the
next window starts. Up to ``WINDOW_BLOCKS`` blocks a thread are one window;
of more, or of blocks so wide that p × p results of that many would hold
more than ``PARTIAL_MAX_BYTES``, the first window holds one block a thread
and the size of its results sets the later windows' length: as many blocks as keep the
partial results alive at once within ``PARTIAL_BYTES``, and at least
``WINDOW_BLOCKS`` a thread (results of unknown size: exactly that many),
but never so many that they hold more than ``PARTIAL_MAX_BYTES`` (p × p
Hessian sums of p in the thousands: one block a thread at p = 4 096 on two
threads, 128 MiB a result). A
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

Why several runs a thread: a worker starts its first run only once the
scheduler runs it (woken on the caller's CPU and moved off it, or on a CPU
another process holds: 0.3 to several ms), and with one run a thread the
caller, done with its own, waits for the whole of the worker's; with four
the caller takes the runs the worker has not reached. 1M × 100 value+gradient
passes on 2 CPUs (one process, runs of one a thread and four a thread
alternated, 16-20 reps each, load 5-7 from other jobs; medians): float32
26.1 / 26.7 / 21.8 against 24.5 / 24.8 / 18.8 ms (``X @ w`` 24.1 / 27.7 /
20.2), float64 45.4 against 41.6 ms; one run a block measured the same as
four a thread.

The windows and runs never change the sums: the fold adds the same results
in the same order (a left fold in block order) whatever the windows' and
runs' lengths.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from ._fold import fold_in_order as _fold

if TYPE_CHECKING:
    from .._typing import Block

__all__ = [
    "PARTIAL_BYTES",
    "PARTIAL_MAX_BYTES",
    "WINDOW_BLOCKS",
    "Pool",
    "reduce_windows",
]

T = TypeVar("T")


class Pool(Protocol):
    """Threads that run ``[fn(a) for a in args]`` (the in-memory backend's
    :class:`logistic.backends._workers.Workers`)."""

    def map(self, fn: Callable[[Any], T], args: list[Any]) -> list[T]: ...


#: Least blocks a thread processes between two folds after the first window
#: (and exactly this many when a result's size is unknown).
WINDOW_BLOCKS = 8
#: Runs a window's blocks are cut into, a thread (see the module docstring).
RUNS_PER_THREAD = 4
#: Partial results alive at once, at most (beyond ``WINDOW_BLOCKS`` a
#: thread): 4 MiB, half a row-loop block, holds a pass's p-vectors for p up
#: to ~5 000 at 96 blocks; p × p Hessian sums of p ≥ ~200 keep
#: ``WINDOW_BLOCKS`` a thread.
PARTIAL_BYTES = 4 * 2**20
#: Partial results alive at once after the first window, at most, whatever
#: ``WINDOW_BLOCKS`` asks (at least one block a thread): sixteen 128 MiB
#: Hessian sums of a one-hot design of p = 4 000 would hold 2 GiB beside a
#: 640 MB design, and p = 10 000 12.8 GiB. A block's p × p product
#: that large takes tens of ms or more, beside which a window's hand-off
#: (a few ms) does not count.
PARTIAL_MAX_BYTES = 256 * 2**20


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
    ``PARTIAL_BYTES``, and at least ``WINDOW_BLOCKS``, unless that many
    would hold more than ``PARTIAL_MAX_BYTES`` (then as many as it holds,
    at least one)."""
    if part_bytes is None:
        return WINDOW_BLOCKS
    window = max(1, part_bytes * k)
    blocks = max(WINDOW_BLOCKS, PARTIAL_BYTES // window)
    return min(blocks, max(1, PARTIAL_MAX_BYTES // window))


def _split(lo: int, hi: int, k: int) -> list[range]:
    """``lo:hi`` in ``k`` contiguous runs of nearly equal length."""
    bounds = [lo + (hi - lo) * i // k for i in range(k + 1)]
    return [range(bounds[i], bounds[i + 1]) for i in range(k)]


def _runs(lo: int, hi: int, k: int) -> list[range]:
    """A window ``lo:hi``'s runs for ``k`` threads: ``RUNS_PER_THREAD · k`` of
    them, or one a block where there are fewer blocks."""
    return _split(lo, hi, min(hi - lo, RUNS_PER_THREAD * k))


def _wide(block: Any, k: int) -> bool:
    """Whether ``WINDOW_BLOCKS`` p × p float64 results a thread (a Hessian
    pass over ``block``'s p columns) would hold more than
    ``PARTIAL_MAX_BYTES``: then the first window probes a result's size even
    where every block would fit one window (16 blocks of a 4 000-row,
    4 000-column design in one window would hold sixteen 128 MiB sums, 2.5 GB
    at the peak of a Newton fit of 128 MB of data)."""
    shape = getattr(getattr(block, "X", None), "shape", None)
    p = int(shape[1]) if shape is not None and len(shape) == 2 else 0
    return k * WINDOW_BLOCKS * 8 * p * p > PARTIAL_MAX_BYTES


def reduce_windows(
    pool: Pool, fn: Callable[[Block, int], T], blocks: list[Block], k: int
) -> T:
    """``fn(block, i)`` summed over ``blocks`` in block order, in windows
    over ``k`` of ``pool``'s threads (module docstring)."""

    def run(r: range) -> list[T]:
        return [fn(blocks[i], i) for i in r]

    # one window where WINDOW_BLOCKS a thread hold every block (no probe),
    # unless the blocks are so wide that their p × p results would not fit
    few = len(blocks) <= k * WINDOW_BLOCKS and not _wide(blocks[0], k)
    hi = len(blocks) if few else k
    parts = pool.map(run, _runs(0, hi, k))
    first = [p for run_parts in parts for p in run_parts]
    per_thread = window_blocks(result_bytes(first[0]), k)
    acc: list[Any] = [_fold(first)]
    lo = hi
    while lo < len(blocks):
        hi = min(len(blocks), lo + k * per_thread)
        parts = pool.map(run, _runs(lo, hi, k))
        acc = [_fold(acc + [p for run_parts in parts for p in run_parts])]
        lo = hi
    return acc[0]
