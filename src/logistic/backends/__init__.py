"""Data backends: where the rows live and how partial sums are reduced.

Every backend implements :class:`logistic._typing.Backend`: ``map_reduce(fn)``
applies a block function to each block of rows and sums the results in block
order; the attributes the fit reads (shape, dtype, classes, feature names,
fingerprint, capabilities) are declared. ``InMemory`` (numpy / scipy.sparse
arrays, row blocks are views) is the default; out-of-core (``Chunked``) and
Dask backends implement the same Protocol and are imported on first use, so
``import logistic`` loads neither pyarrow nor dask. ``as_backend`` and
``should_stream`` (:mod:`._dispatch`, which validates user data) are also
loaded on first use: the objective layer imports this package for the default
``InMemory`` backend and must not depend on data validation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._reduce import tree_sum
from .in_memory import InMemory

if TYPE_CHECKING:  # the names __getattr__ provides, for type checkers and IDEs
    from ._dispatch import as_backend, should_stream
    from .chunked import Chunked
    from .dask import Dask

__all__ = [
    "Chunked",
    "Dask",
    "InMemory",
    "as_backend",
    "should_stream",
    "tree_sum",
]


def __getattr__(name: str) -> Any:
    if name in ("as_backend", "should_stream"):
        from . import _dispatch

        return getattr(_dispatch, name)
    if name == "Chunked":
        from .chunked import Chunked

        return Chunked
    if name == "Dask":
        from .dask import Dask

        return Dask
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
