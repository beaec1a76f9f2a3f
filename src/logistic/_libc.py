"""The C library's functions that numpy and the standard library do not offer.

Two calls, both Linux only and both optional (a caller gets ``None`` and does
without):

* ``mincore`` tells which pages of a mapping are in the page cache (the row
  cache reads a block that is not, rather than mapping it: see
  :mod:`logistic.backends._cache`);
* ``malloc``/``free`` of one untouched chunk sets glibc's adaptive mmap and
  trim thresholds as a large temporary would (:func:`reserve_heap`, used by
  Newton for its p × p temporaries: see :mod:`logistic.solvers.newton`).

They are reached through :mod:`ctypes` on the process's own symbols
(``CDLL(None)``); ``ctypes`` is imported on first use only, so ``import
logistic`` does not load it.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any


@cache
def function(name: str, restype: Any, argtypes: tuple[Any, ...]) -> Any:
    """The C library's ``name`` with its types set, or None where there is no
    such function (not Linux, no ``ctypes``, a libc without the symbol).

    ``restype`` and ``argtypes`` are names of :mod:`ctypes` types (``"c_int"``,
    ``"c_void_p"``; ``None`` for a void result) so that callers need not import
    :mod:`ctypes` themselves.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        fn = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (ImportError, OSError, AttributeError):  # pragma: no cover - no libc symbol
        return None
    fn.restype = None if restype is None else getattr(ctypes, restype)
    fn.argtypes = [getattr(ctypes, t) for t in argtypes]
    return fn


def mincore() -> Any:
    """``mincore(addr, length, vec)`` (0 on success), or None."""
    return function("mincore", "c_int", ("c_void_p", "c_size_t", "c_void_p"))


def reserve_heap(nbytes: int) -> bool:
    """``free(malloc(nbytes))``: the chunk is never touched, so no memory is
    used; with glibc, freeing a chunk served by ``mmap`` raises the mmap
    threshold to its size and the heap's trim threshold to twice it (up to
    32 MiB), so the heap keeps that much free memory instead of returning it
    and faulting it in again. False where it cannot be called."""
    malloc = function("malloc", "c_void_p", ("c_size_t",))
    free = function("free", None, ("c_void_p",))
    if malloc is None or free is None:
        return False
    free(malloc(int(nbytes)))
    return True
