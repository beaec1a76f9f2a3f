"""The C library's functions that numpy and the standard library do not offer.

Calls, all Linux only and all optional (a caller gets ``None`` and does
without):

* ``cachestat`` (Linux 6.5) counts the pages of a file's byte range that are
  in the page cache, one step per page-cache folio, and ``mincore`` tells
  which pages of a mapping are, one step per page (the row cache reads a
  block that is not in the page cache, rather than mapping it: see
  :mod:`logistic.backends._cache`);
* ``malloc``/``free`` of one untouched chunk sets glibc's adaptive mmap and
  trim thresholds as a large temporary would (:func:`reserve_heap`, used by
  Newton for its p × p temporaries: see :mod:`logistic.solvers.newton`);
* ``sched_getcpu`` tells a thread its CPU and ``sched_setaffinity`` moves it
  (the in-memory backend's workers move off their caller's:
  :mod:`logistic.backends._placement`); called through :mod:`ctypes`, which
  releases the GIL for the call, where :func:`os.sched_setaffinity` holds it
  while the kernel moves the thread (a wait for a busy CPU's run queue that
  stalls every other thread of the process).

They are reached through :mod:`ctypes` on the process's own symbols
(``CDLL(None)``); ``ctypes`` is imported on first use only, so ``import
logistic`` does not load it.
"""

from __future__ import annotations

import errno
import os
import sys
from functools import cache
from typing import Any


@cache
def _process_symbols() -> Any:
    """The process's own symbols (``CDLL(None)``, errno kept), loaded once for
    every function (a load per function cost ~15-50 µs of the first fit
    that threads); None off Linux or without :mod:`ctypes`."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):  # pragma: no cover - no ctypes or libc
        return None


@cache
def function(name: str, restype: Any, argtypes: tuple[Any, ...]) -> Any:
    """The C library's ``name`` with its types set, or None where there is no
    such function (not Linux, no ``ctypes``, a libc without the symbol).

    ``restype`` and ``argtypes`` are names of :mod:`ctypes` types (``"c_int"``,
    ``"c_void_p"``; ``None`` for a void result) so that callers need not import
    :mod:`ctypes` themselves.
    """
    library = _process_symbols()
    if library is None:
        return None
    try:  # a function object of its own (``getattr`` would share one a name)
        fn = library[name]
    except AttributeError:  # pragma: no cover - no libc symbol
        return None
    import ctypes

    fn.restype = None if restype is None else getattr(ctypes, restype)
    fn.argtypes = [getattr(ctypes, t) for t in argtypes]
    return fn


def mincore() -> Any:
    """``mincore(addr, length, vec)`` (0 on success), or None."""
    return function("mincore", "c_int", ("c_void_p", "c_size_t", "c_void_p"))


#: ``cachestat``'s system call number in the table shared since Linux 5.1
#: (x86-64, i386, arm, arm64, riscv, s390, powerpc, ...). Alpha numbers it
#: 561 (not tried); MIPS adds its ABI's base (4000/5000/6000), so 451 there
#: is no call at all and answers ENOSYS, which turns ``cachestat`` off.
_NR_CACHESTAT = 451
#: Set when the kernel has no ``cachestat`` (ENOSYS) or refuses it.
_NO_CACHESTAT: list[bool] = []


@cache
def _syscall() -> Any:
    """``syscall`` where the numbers above hold (Linux but Alpha), or None."""
    if os.uname().machine.lower().startswith("alpha"):
        return None
    return function(
        "syscall", "c_long", ("c_long", "c_uint", "c_void_p", "c_void_p", "c_uint")
    )


def cached_pages(fd: int, start: int, length: int) -> int | None:
    """Pages of bytes ``start : start + length`` of the open file ``fd`` that
    are in the page cache (``cachestat``), or None where that cannot be told
    this way (not Linux, Alpha, a kernel older than 6.5; then never tried
    again in this process).
    """
    call = None if _NO_CACHESTAT else _syscall()
    if call is None:
        return None
    import ctypes

    span = (ctypes.c_uint64 * 2)(start, length)  # struct cachestat_range
    stat = (ctypes.c_uint64 * 5)()  # struct cachestat: nr_cache first
    if call(_NR_CACHESTAT, fd, ctypes.addressof(span), ctypes.addressof(stat), 0):
        if ctypes.get_errno() in (errno.ENOSYS, errno.EPERM):
            _NO_CACHESTAT.append(True)
        return None
    return int(stat[0])


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


def set_thread_affinity(cpus: frozenset[int] | set[int]) -> bool:
    """``sched_setaffinity(0, ...)``: this thread may run on ``cpus`` only.

    Called through :mod:`ctypes`, so the GIL is released while the kernel
    moves the thread, which may wait for a CPU another process keeps busy.
    False where it cannot be called or the kernel refuses (an empty or
    unusable set)."""
    fn = function("sched_setaffinity", "c_int", ("c_int", "c_size_t", "c_void_p"))
    if fn is None or not cpus or min(cpus) < 0:
        return False
    import ctypes

    mask = cpu_mask(frozenset(cpus))
    return fn(0, ctypes.sizeof(mask), ctypes.addressof(mask)) == 0


@cache
def cpu_mask(cpus: frozenset[int]) -> Any:
    """``cpus`` (non-negative) as glibc's ``cpu_set_t``: ``unsigned long``
    words, CPU ``c`` the bit ``c % bits`` of word ``c // bits`` (on either
    byte order), as short as the largest CPU allows (the kernel reads a short
    mask as zero-filled). Cached: a worker moves between the same two sets."""
    import ctypes

    bits = 8 * ctypes.sizeof(ctypes.c_ulong)
    mask = (ctypes.c_ulong * (max(cpus) // bits + 1))()
    for cpu in cpus:
        mask[cpu // bits] |= 1 << (cpu % bits)
    return mask
