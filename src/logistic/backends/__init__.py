"""Data backends: where the rows live and how partial sums are reduced.

Every backend implements :class:`logistic._typing.Backend`: ``map_reduce(fn)``
applies a block function to each block of rows and sums the results in block
order. ``InMemory`` (numpy / scipy.sparse arrays, row blocks are views) is the
default; out-of-core and Dask backends implement the same Protocol.
"""

from __future__ import annotations

from ._dispatch import (
    as_backend,
    fit_backend,
    in_memory_backend,
    is_out_of_core,
    should_stream,
)
from ._reduce import tree_sum
from .chunked import Chunked
from .dask import Dask
from .in_memory import InMemory

__all__ = ["InMemory", "tree_sum"]
# Out-of-core and Dask (issue 7); pyarrow and dask are imported only when used.
__all__ += ["Chunked", "Dask", "as_backend", "fit_backend", "in_memory_backend"]
__all__ += ["is_out_of_core", "should_stream"]
