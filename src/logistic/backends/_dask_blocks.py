"""Rows of a block inside a Dask partition when ``chunk_rows`` is not given.

Convention (owned here): the blocks are sized as the in-memory backend
sizes dense blocks, by the kernel that reads them on this (the client's)
CPU: where the compiled kernel's fused row loop is active
(:func:`logistic._compiled.row_loop_active`) a block is read once, row by
row, and takes ``DEFAULT_BLOCK_BYTES`` (the chunk-size rule shared with the
out-of-core backend); elsewhere ``X @ w`` and ``Xᵀ r`` read each block in
turn, and a block of ``IN_MEMORY_BLOCK_BYTES`` (at least ``MIN_BLOCK_ROWS``
rows) stays in a core's L2 cache between the two. The client fixes the
grid once (every worker cuts the same blocks), so the sums do not depend on
where the partitions are reduced; another CPU kind on the client may choose
the other size, which changes the sums only by rounding.

Why: a dense1m pass (1M × 100 float64, one thread, row loop not active on
an AMD Zen 3) took 230 ms in 8 MiB blocks against 201 ms in 1 MiB blocks,
the in-memory backend's; a whole fit on 2 workers used 11 % less CPU
(``benchmarks/dask_chunk_ab.py``).
"""

from __future__ import annotations

from typing import Any

from .._compiled import row_loop_active
from ._sources import chunk_rows_for
from .in_memory import DEFAULT_BLOCK_BYTES, IN_MEMORY_BLOCK_BYTES, MIN_BLOCK_ROWS

__all__ = ["partition_chunk_rows"]


def partition_chunk_rows(n_features: int, dtype: Any) -> int:
    """Rows a block of a Dask partition holds by default (module docstring)."""
    if row_loop_active():
        return chunk_rows_for(n_features, dtype, DEFAULT_BLOCK_BYTES)
    return max(chunk_rows_for(n_features, dtype, IN_MEMORY_BLOCK_BYTES), MIN_BLOCK_ROWS)
