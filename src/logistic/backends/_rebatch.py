"""Rows of a chunked source re-cut into blocks of a fixed size: every file
reader's batches and a block callable's chunks become the blocks of one grid
(:class:`logistic.backends.Chunked`), whatever sizes they came in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ._sources import RawChunk, chunk_rows_for
from .in_memory import DEFAULT_BLOCK_BYTES

__all__ = ["rebatch", "reader_rows"]


def reader_rows(n_features: int, opts: dict[str, Any]) -> int:
    """Rows per block of a :class:`Chunked` built with ``opts`` (its
    ``chunk_rows``, or the chunk-size rule), so that one batch a file reader
    yields is one block."""
    rows: int = opts.get("chunk_rows") or chunk_rows_for(
        n_features,
        opts.get("dtype", np.float64),
        opts.get("chunk_bytes", DEFAULT_BLOCK_BYTES),
    )
    return rows


def _concat(pieces: list[list[Any]]) -> list[Any]:
    if len(pieces) == 1:
        return pieces[0]
    return [
        None if parts[0] is None else np.concatenate(parts)
        for parts in zip(*pieces, strict=True)
    ]


def rebatch(chunks: Iterable[RawChunk], rows: int) -> Iterator[list[Any]]:
    """Re-cut chunks into blocks of exactly ``rows`` rows (the last may be shorter)."""
    pending: list[list[Any]] = []
    count = 0
    for _where, X, *rest in chunks:
        arrays = [X, *rest]
        k, start = X.shape[0], 0
        while start < k:
            take = min(rows - count, k - start)
            pending.append(
                [None if a is None else a[start : start + take] for a in arrays]
            )
            count += take
            start += take
            if count == rows:
                yield _concat(pending)
                pending, count = [], 0
    if pending:
        yield _concat(pending)
