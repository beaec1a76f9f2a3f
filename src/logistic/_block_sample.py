"""Row samples of a backend's block grid, chosen before any pass.

Convention (owned here): a backend with the ``block_grid`` capability that
also knows the rows of every grid block without reading them offers
``grid_rows()`` (a list, block ``i`` first to last: the row cache's fixed
``chunk_rows`` grid, Dask's blocks within each partition) and
``grid_blocks(indices, step)`` (the blocks at those places, in that order,
every ``step``-th row of each (``ceil(rows / step)`` rows), in memory with
labels in {0, 1}: an iterable the caller copies block by block, so a
backend may hand over views of its memory or of a mapping it lets go before
it reads the next; None when reading them would cost a full pass, e.g. a
source without a row cache).
This module decides from those counts, on the caller's side:

* :func:`block_sampling_fits`: whether every k-th block whole holds the
  ``n // k`` rows that Newton's Hessian estimate asks for (an uneven Dask
  partitioning may not), so the pass samples blocks or rows from the start
  instead of finding out inside the pass and running it again;
* :func:`gather_start_rows`: the rows of Newton's subsample start on streamed
  data: every k-th block (``k = n // rows``), as the Hessian estimate takes
  them, with fewer blocks when those hold too few rows and every j-th row of
  each when they hold more than twice ``rows``, so at most about
  ``2·rows`` rows (plus one per block) are ever gathered, never the data.

Whole blocks are contiguous rows: on data sorted by label (or by anything
the labels depend on) they are a biased sample. Newton's acceptance test
(its full objective must be below ``J(0)`` by more than half the Newton
decrement) refuses a start from such a sample; the fit then starts from zero
having spent the gather, the subsample fit and one full pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ._typing import Backend, Block

__all__ = ["block_sampling_fits", "gather_start_rows", "grid_rows", "start_blocks"]


def grid_rows(data: Backend) -> list[int] | None:
    """Rows of each block of the backend's grid, or None when it does not
    say (then only a pass can count them)."""
    rows = getattr(data, "grid_rows", None)
    if rows is None or not data.capabilities.block_grid:
        return None
    return [int(r) for r in rows()]


def block_sampling_fits(sizes: list[int], k: int) -> bool:
    """Whether every k-th block (0, k, 2k, …) holds at least ``n // k`` rows,
    ``n = sum(sizes)``: true for a grid of equal blocks but the last."""
    return sum(sizes[::k]) >= sum(sizes) // k


def start_blocks(sizes: list[int], rows: int) -> tuple[list[int], int]:
    """The blocks of the subsample start and the row step within them.

    Every k-th block, ``k = n // rows``; while those hold fewer than
    ``rows`` rows (uneven partitions) every ``k - 1``-th, and so on; then
    every ``step``-th row of each, ``step = total // rows`` (1 unless the
    blocks hold at least twice ``rows``), so about ``rows`` to ``2·rows``
    rows are taken.
    """
    n = sum(sizes)
    k = max(1, n // max(1, rows))
    while k > 1 and sum(sizes[::k]) < rows:
        k -= 1
    picked = [i for i in range(0, len(sizes), k) if sizes[i] > 0]
    total = sum(sizes[i] for i in picked)
    return picked, max(1, total // max(1, rows))


def gather_start_rows(data: Backend, rows: int) -> Block | None:
    """One in-memory :class:`Block` of about ``rows`` rows from the grid
    (:func:`start_blocks`), or None when the backend cannot hand them over
    without a full pass, the blocks carry an offset, or their weights sum
    to zero."""
    sizes = grid_rows(data)
    read = getattr(data, "grid_blocks", None)
    if sizes is None or read is None or rows <= 0:
        return None
    picked, step = start_blocks(sizes, rows)
    blocks: Any = read(picked, step)
    if blocks is None:
        return None
    n = sum(-(-sizes[i] // step) for i in picked)
    return _joined(iter(blocks), n)


def _joined(blocks: Iterator[Block], n: int) -> Block | None:
    """The blocks' ``n`` rows as one block of fresh arrays, each block copied
    and let go before the next is asked for (a backend's blocks may be views
    of a mapping: one is held at a time); None when there are none, one
    carries an offset, or the weights sum to 0."""
    X: Any = None
    y: Any = None
    sw: Any = None
    row = 0
    for block in blocks:
        if block.offset is not None:
            return None
        k = block.n_rows
        if row + k > n:
            raise ValueError(
                f"grid_blocks handed over more than the {n} rows its grid "
                f"promises (ceil(rows / step) a block)"
            )
        if X is None:
            X = np.empty((n, block.X.shape[1]), dtype=block.X.dtype)
            y = np.empty(n, dtype=block.y.dtype)
        X[row : row + k], y[row : row + k] = block.X, block.y
        if block.sample_weight is not None:
            if sw is None:
                sw = np.ones(n, dtype=X.dtype)
            sw[row : row + k] = block.sample_weight
        row += k
        del block  # the next block is read with this one let go
    if X is None or row == 0:
        return None
    if row < n:
        X, y = X[:row].copy(), y[:row].copy()
        sw = None if sw is None else sw[:row].copy()
    if sw is not None and not np.sum(sw) > 0:
        return None
    return Block(X, y, sw)
