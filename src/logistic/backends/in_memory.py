"""In-memory backend: numpy arrays or scipy sparse matrices, reduced over row blocks.

Dense ``X`` is cut into row blocks of about ``block_bytes`` bytes (views, no
copy, any memory order), so a fused value+gradient pass reads each block from
memory once and the second product hits the cache. Sparse ``X`` is one block
(scipy's CSR/CSC kernels stream it once per product).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp

from .._typing import Block
from ._reduce import tree_sum

T = TypeVar("T")

DEFAULT_BLOCK_BYTES = 8 * 2**20


class InMemory:
    """Arrays held in memory.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Floating dtype (float32 or float64). Not copied.
    y : ndarray of shape (n_samples,)
        Labels in {0, 1}.
    sample_weight, offset : ndarray of shape (n_samples,) or None
    block_bytes : int
        Target size of one dense row block.
    """

    def __init__(
        self,
        X: Any,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        offset: np.ndarray | None = None,
        *,
        block_bytes: int = DEFAULT_BLOCK_BYTES,
    ) -> None:
        self.X = X
        self.y = y
        self.sample_weight = sample_weight
        self.offset = offset
        self.n_samples, self.n_features = (int(s) for s in X.shape)
        self.dtype = X.dtype
        row_bytes = max(1, self.n_features * X.dtype.itemsize)
        if sp.issparse(X):
            self.block_rows = max(1, self.n_samples)
        else:
            self.block_rows = max(1, min(self.n_samples, block_bytes // row_bytes))

    def blocks(self) -> Iterator[Block]:
        """Yield row blocks in order."""
        n, step = self.n_samples, self.block_rows
        for start in range(0, max(n, 1), step):
            sl = slice(start, min(start + step, n))
            yield Block(
                self.X[sl] if not sp.issparse(self.X) or step < n else self.X,
                self.y[sl],
                None if self.sample_weight is None else self.sample_weight[sl],
                None if self.offset is None else self.offset[sl],
            )

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        return tree_sum(fn(b) for b in self.blocks())
