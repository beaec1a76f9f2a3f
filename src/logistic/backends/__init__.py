"""Data backends: where the rows live and how partial sums are reduced.

Every backend implements :class:`logistic._typing.Backend`: ``map_reduce(fn)``
applies a block function to each block of rows and sums the results in block
order. ``InMemory`` (numpy / scipy.sparse arrays, row blocks are views) is the
default; out-of-core and Dask backends implement the same Protocol.
"""

from __future__ import annotations

from ._reduce import tree_sum
from .in_memory import InMemory

__all__ = ["InMemory", "tree_sum"]
