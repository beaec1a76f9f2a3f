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
  handed over one by one take ~1.5× the in-memory pass, whose threads each
  take a contiguous run of blocks (:mod:`._windows`).
* **Run lengths.** The first ``k + 1`` runs (``k`` threads) are one block
  each: calls are submitted up to ``k + 1`` ahead, before any result is
  back, and these results' sizes bound the later runs. Then guided
  self-scheduling: a run takes ``1 / (2k)`` of the blocks left (long runs
  first, short ones at the end, so the threads finish together), at most
  :data:`RUN_BLOCKS`, and at most as many as keep ``k + 1`` runs' results
  (the largest result seen so far, a block, sized by
  :func:`._windows.result_bytes`) within ``_windows.PARTIAL_BYTES`` (a
  value+gradient pass over dense1m on 2 threads: 15 runs).
* **Memory.** A call holds one block at a time; at most ``k + 1`` calls are
  in flight, so a pass holds up to ``k + 1`` blocks, and the results of at
  most ``k + 1`` runs (``PARTIAL_BYTES``, or one block's result a run)
  beside those the fold holds (:func:`._fold.fold_in_order`: its first
  two and the one it adds): :meth:`CachedRuns.results` empties a run's list
  as it yields its results (the list is the one
  :func:`._prefetch.ordered_map` holds while it submits the next call).
* **Stopping.** :func:`._prefetch.ordered_map` calls :meth:`CachedRuns.stop`
  as the pass's map ends, before it waits for the calls still running
  (Ctrl-C, an error in a block, a consumer that stops): a running call
  returns before its next block (its results are dropped), so the clean-up
  waits for one block a thread, not a whole run. The flag is a list
  append, no lock (the Ctrl-C-safe hand-offs of :mod:`._prefetch`).
* **Labels.** :class:`LabelCodes` decodes the cache's label codes for every
  reader of the cache (the pass, ``Chunked.blocks``, ``grid_blocks``): codes
  that are their own label values (the usual ``[0, 1]``) are cast after a
  check of their largest (10 000 uint8 codes: 2.5 us, against 7 us for
  ``take``); a code outside the labels (a damaged ``codes.bin``) raises
  :class:`IntegrityError` naming the file and the row either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from .._exceptions import IntegrityError
from .._typing import Block
from ._windows import PARTIAL_BYTES, result_bytes

if TYPE_CHECKING:
    from ._cache import CachedRows

__all__ = ["RUN_BLOCKS", "CachedRuns", "LabelCodes"]

T = TypeVar("T")

#: Most blocks a run (a call) reduces.
RUN_BLOCKS = 32


class LabelCodes:
    """The label codes of a row cache's blocks as a fit's label values
    (``values[code]``, module docstring): ``labels(codes, row0, step)`` for
    the codes of rows ``row0, row0 + step, ...``."""

    def __init__(self, values: np.ndarray, cached: CachedRows) -> None:
        self.values = values
        self.folder = cached.folder
        self._cast = values.dtype.kind == "f" and np.array_equal(
            values, np.arange(len(values))
        )

    def __call__(self, codes: np.ndarray, row0: int, step: int = 1) -> np.ndarray:
        values = self.values
        if not self._cast:
            try:  # take: a third of values[codes]'s time for uint8 codes
                return values.take(codes)
            except IndexError:
                pass
        elif not codes.size or int(codes.max()) < len(values):
            return codes.astype(values.dtype)
        bad = int(np.flatnonzero(codes >= len(values))[0])
        raise IntegrityError(
            f"{self.folder / 'codes.bin'}: label code {int(codes[bad])} at row "
            f"{row0 + bad * step} (0-based), but labels.npy lists {len(values)} "
            f"labels; the row cache is damaged or changed during the fit. Delete "
            f"{self.folder} (or fit without the cache) and refit."
        )


class _Runs:
    """The runs of a :class:`CachedRuns` in block order, a plain iterator
    (nothing to close); each run's length is taken when it is asked for, from
    the results :meth:`CachedRuns.results` has seen by then."""

    def __init__(self, plan: CachedRuns[Any]) -> None:
        self._plan, self._lo = plan, 0

    def __iter__(self) -> _Runs:
        return self

    def __next__(self) -> range:
        plan, lo = self._plan, self._lo
        if lo >= plan.n_blocks:
            raise StopIteration
        per = 1 if lo <= plan.n_threads else plan._run_blocks(plan.n_blocks - lo)
        self._lo = lo + per
        return range(lo, min(plan.n_blocks, lo + per))


class CachedRuns(Generic[T]):
    """The runs of one pass of ``fn(block, i)`` over the row cache's blocks of
    ``chunk_rows`` rows on ``n_threads`` threads (module docstring): give
    :meth:`runs` and :meth:`run` to the threads; :meth:`results` yields the
    blocks' results in block order and counts their rows (:attr:`rows`);
    :meth:`stop` ends the running calls at their next block."""

    def __init__(
        self,
        cached: CachedRows,
        values: np.ndarray,
        chunk_rows: int,
        fn: Callable[[Block, int], T],
        n_threads: int,
    ) -> None:
        self._cached, self._fn = cached, fn
        self._labels = LabelCodes(values, cached)
        self._chunk = chunk_rows
        self.n_blocks = -(-cached.n_samples // chunk_rows)
        self.n_threads = max(1, min(n_threads, self.n_blocks))
        #: rows of the blocks whose results :meth:`results` yielded
        self.rows = 0
        self._largest = 0  # bytes of the largest block result seen (0: none yet)
        self._stopped: list[bool] = []  # appended to once the pass ends

    def _one(self, i: int) -> tuple[int, T]:
        labels, fn, row0 = self._labels, self._fn, i * self._chunk

        def reduce(X: Any, codes: Any, w: Any, o: Any) -> tuple[int, T]:
            return X.shape[0], fn(Block(X, labels(codes, row0), w, o), i)

        return self._cached.reduce_block(row0, self._chunk, reduce)

    def run(self, blocks: range) -> list[tuple[int, T]]:
        """Rows and result of each block of ``blocks``, one block after
        another; fewer once :meth:`stop` was called (the pass is over)."""
        out: list[tuple[int, T]] = []
        for i in blocks:
            if self._stopped:
                break
            out.append(self._one(i))
        return out

    def stop(self) -> None:
        """End the pass: running calls return before their next block."""
        self._stopped.append(True)  # one C call: no lock (module docstring)

    def runs(self) -> Iterator[range]:
        """The runs, in block order (taken lazily: a run's length uses the
        results :meth:`results` has seen when it is asked for)."""
        return _Runs(self)

    def _run_blocks(self, left: int) -> int:
        k = self.n_threads
        per = min(RUN_BLOCKS, -(-left // (2 * k)))
        if self._largest:
            per = min(per, PARTIAL_BYTES // ((k + 1) * self._largest))
        return max(1, per)

    def results(self, done: Iterator[list[tuple[int, T]]]) -> Iterator[T]:
        """The blocks' results of the runs ``done`` (in run order), one by one;
        each run's list is emptied as it goes (module docstring: memory)."""
        for parts in done:
            parts.reverse()
            while parts:
                rows, part = parts.pop()
                self.rows += rows
                size = result_bytes(part)
                # a result of unknown size counts as a full budget's share
                self._largest = max(
                    self._largest, PARTIAL_BYTES if size is None else size
                )
                yield part
                del part
