"""How a pass over the row cache hands its blocks to threads: runs of
consecutive blocks, one call a run.

Conventions (owned here; the blocks' mapping and reading are :mod:`._cache`'s,
the threads and their Ctrl-C safety :func:`._prefetch.ordered_map`'s)
--------------------------------------------------------------------------
* **A call a run, not a block.** A call maps (or reads), reduces and lets go
  of each block of its run in turn, and returns the blocks' results; the
  consumer folds them in block order (:func:`._fold.fold_in_order`: the bits
  of a left fold, whatever the runs), so the sums are those of a pass that
  reduces one block after another. Every hand-off wakes a thread (the
  worker that takes a call, the consumer when its result is ready), and a
  woken thread often waits on a run queue for a while (a guest kernel
  places it on its waker's CPU, :mod:`._placement`): dense1m's 96 blocks
  handed over one by one made a pass ~1.5× the in-memory one, whose
  threads each take a contiguous run of blocks (:mod:`._windows`).
* **Run lengths.** The first ``k + 1`` runs (``k`` threads) are one block
  each: calls are submitted up to ``k + 1`` ahead, before any result is
  back, and these results' sizes bound the later runs. Then guided
  self-scheduling: a run takes ``1 / (2k)`` of the blocks left (long runs
  first, short ones at the end, so the threads finish together), at most
  :data:`RUN_BLOCKS`, and at most as many as keep ``k + 1`` runs' results
  (the largest result seen so far, a block) within ``_windows.PARTIAL_BYTES``
  (a value+gradient pass over dense1m on 2 threads: 15 runs).
* **Memory.** A call holds one block at a time; at most ``k + 1`` calls are
  in flight, so a pass holds up to ``k + 1`` blocks, and the results of at
  most ``k + 1`` runs (``PARTIAL_BYTES``, or one block's result a run).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from .._typing import Block
from ._windows import PARTIAL_BYTES, result_bytes

if TYPE_CHECKING:
    from ._cache import CachedRows

__all__ = ["RUN_BLOCKS", "CachedRuns"]

T = TypeVar("T")

#: Most blocks a run (a call) reduces.
RUN_BLOCKS = 32


def _nbytes(part: Any) -> int | None:
    """Bytes of a block's result: :func:`._windows.result_bytes`, and also
    through dataclass instances (the column statistics) and None (0 bytes);
    None where some part's size is unknown."""
    if part is None:
        return 0
    if dataclasses.is_dataclass(part) and not isinstance(part, type):
        parts = [getattr(part, f.name) for f in dataclasses.fields(part)]
    elif isinstance(part, tuple):
        parts = list(part)
    else:
        return result_bytes(part)
    sizes = [_nbytes(v) for v in parts]
    return None if None in sizes else sum(s for s in sizes if s is not None)


class CachedRuns(Generic[T]):
    """The runs of one pass of ``fn(block, i)`` over the row cache's blocks of
    ``chunk_rows`` rows on ``n_threads`` threads (module docstring): give
    :meth:`runs` and :meth:`run` to the threads; :meth:`results` yields the
    blocks' results in block order and counts their rows (:attr:`rows`)."""

    def __init__(
        self,
        cached: CachedRows,
        values: np.ndarray,
        chunk_rows: int,
        fn: Callable[[Block, int], T],
        n_threads: int,
    ) -> None:
        self._cached, self._values, self._fn = cached, values, fn
        # codes that are their own label values (the usual [0, 1]) are cast,
        # a fifth of ``take``'s time (which first casts the codes to intp)
        self._cast = values.dtype.kind == "f" and np.array_equal(
            values, np.arange(len(values))
        )
        self._chunk = chunk_rows
        self.n_blocks = -(-cached.n_samples // chunk_rows)
        self.n_threads = max(1, min(n_threads, self.n_blocks))
        #: rows of the blocks whose results :meth:`results` yielded
        self.rows = 0
        self._largest = 0  # bytes of the largest block result seen (0: none yet)

    def _one(self, i: int) -> tuple[int, T]:
        values, fn, cast = self._values, self._fn, self._cast

        def reduce(X: Any, codes: Any, w: Any, o: Any) -> tuple[int, T]:
            # take: a third of values[codes]'s time for uint8 codes
            y = codes.astype(values.dtype) if cast else values.take(codes)
            return X.shape[0], fn(Block(X, y, w, o), i)

        return self._cached.reduce_block(i * self._chunk, self._chunk, reduce)

    def run(self, blocks: range) -> list[tuple[int, T]]:
        """Rows and result of each block of ``blocks``, one block after another."""
        return [self._one(i) for i in blocks]

    def runs(self) -> Iterator[range]:
        """The runs, in block order (taken lazily: a run's length uses the
        results :meth:`results` has seen when it is asked for)."""
        k, lo = self.n_threads, 0
        while lo < self.n_blocks:
            per = 1 if lo <= k else self._run_blocks(self.n_blocks - lo)
            yield range(lo, min(self.n_blocks, lo + per))
            lo += per

    def _run_blocks(self, left: int) -> int:
        k = self.n_threads
        per = min(RUN_BLOCKS, -(-left // (2 * k)))
        if self._largest:
            per = min(per, PARTIAL_BYTES // ((k + 1) * self._largest))
        return max(1, per)

    def results(self, done: Iterator[list[tuple[int, T]]]) -> Iterator[T]:
        """The blocks' results of the runs ``done`` (in run order), one by one."""
        for parts in done:
            for rows, part in parts:
                self.rows += rows
                size = _nbytes(part)
                # a result of unknown size counts as a full budget's share
                self._largest = max(self._largest, size or PARTIAL_BYTES)
                yield part
