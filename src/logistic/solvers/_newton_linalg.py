"""Around a Newton step on a few hundred parameters (:mod:`.newton`): BLAS
limited to one thread for small factorizations, and heap headroom for an
iteration's p × p temporaries.

Imports, for factorizations of more than ``SERIAL_MAX_PARAMS``
rows, the in-memory backend's cached threadpoolctl controller.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from typing import Any

from .._libc import reserve_heap

__all__ = ["heap_headroom", "one_blas_thread"]


#: The p × p temporaries of one iteration that the heap keeps room for
#: (:func:`heap_headroom`): the per-block Hessian sums and their total, the
#: assembled and scaled Hessians, the factor and the solver's copies.
HEAP_HEADROOM_MATRICES = 16
#: glibc adapts its thresholds to freed chunks of at most 32 MiB.
HEAP_HEADROOM_MAX_BYTES = 30 * 2**20
#: Temporaries below this size stay under glibc's initial thresholds.
HEAP_HEADROOM_MIN_BYTES = 2**20
_HEAP_HEADROOM = [0]


def heap_headroom(n_params: int) -> None:
    """Let the heap keep the memory of an iteration's p × p temporaries.

    glibc's malloc serves a chunk above its mmap threshold (initially 128
    KiB) by ``mmap`` and, when such a chunk is freed, raises that threshold
    to its size and the heap's trim threshold to twice it. A Newton
    iteration on a few hundred parameters frees several p × p arrays at once
    (720 KiB each at p = 301), more than that trim threshold, so the heap
    was returned to the system and re-faulted at every iteration: ~6 000
    page faults (5-10 % of the time) of every w8a fit. A ``malloc`` and
    ``free`` of one chunk of ``HEAP_HEADROOM_MATRICES`` such arrays (once per
    process and size; up to glibc's 32 MiB limit; never touched, so no
    memory is used) sets the thresholds as a large temporary would have: the
    heap then keeps that much free memory (:func:`logistic._libc.reserve_heap`;
    a numpy array would show in ``tracemalloc`` as a peak that no page
    backs). Linux only; elsewhere nothing is done.
    """
    size = HEAP_HEADROOM_MATRICES * 8 * n_params * n_params
    size = min(size, HEAP_HEADROOM_MAX_BYTES)
    if size < HEAP_HEADROOM_MIN_BYTES or size <= _HEAP_HEADROOM[0]:
        return
    _HEAP_HEADROOM[0] = size
    reserve_heap(size)


#: Up to this many parameters the Cholesky runs on one BLAS thread: on two
#: busy cores, OpenBLAS's threads spin-waiting for each other made a 301 × 301
#: factorization take 30–1600 ms instead of 10 ms (w8a, load average 10).
ONE_THREAD_MAX_PARAMS = 2048
#: Factorizations this small (a few thousand flops) run on one thread anyway:
#: no threadpoolctl (its import and controller cost ≈ 10 ms of a small fit).
SERIAL_MAX_PARAMS = 32


def one_blas_thread(n_params: int) -> Any:
    """A context limiting BLAS to one thread for small factorizations:
    OpenBLAS's own thread setters where every BLAS in the process is OpenBLAS
    (:func:`_openblas_setters`), else threadpoolctl's controller."""
    if n_params <= SERIAL_MAX_PARAMS:
        return nullcontext()
    if n_params > ONE_THREAD_MAX_PARAMS:
        return nullcontext()
    setters = _openblas_setters()
    if setters is not None:
        return _OneOpenBLASThread(setters)
    from ..backends.in_memory import _blas_controller

    controller = _blas_controller()
    if controller is None:
        return nullcontext()
    return controller.limit(limits=1, user_api="blas")


#: A mapped library whose file name holds one of these is a BLAS.
_BLAS_NAMES = ("blas", "mkl", "blis", "lapack", "accelerate", "armpl")
_SETTERS: list[Any] = []


def _openblas_setters() -> list[tuple[Any, Any]] | None:
    """``(get_num_threads, set_num_threads)`` of every BLAS mapped into the
    process (Linux's ``/proc/self/maps``, read once), or None when one of
    them is not an OpenBLAS exporting them (with scipy's or numpy's symbol
    prefix ``scipy_`` and suffix ``64_``), or off Linux.

    threadpoolctl's controller finds the same functions by resolving the
    path of every library in the process (6-8 ms in a new process, more than
    a w8a fit's factorizations); the maps file names the few BLAS ones.
    """
    if not _SETTERS:
        _SETTERS.append(_find_openblas_setters())
    return _SETTERS[0]


def _find_openblas_setters() -> list[tuple[Any, Any]] | None:
    try:
        import ctypes

        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if ".so" in line}
        mode = os.RTLD_NOLOAD | os.RTLD_LAZY  # never loads a library
    except (OSError, ImportError, AttributeError):
        return None
    found: dict[int | None, tuple[Any, Any]] = {}
    for path in sorted(paths):
        name = path.rsplit("/", 1)[-1].lower()
        if "cpython" in name or "abi3" in name:  # Python extensions link to BLAS
            continue
        if not any(b in name for b in _BLAS_NAMES):
            continue
        try:
            lib = ctypes.CDLL(path, mode=mode)
        except OSError:
            return None
        pairs = [
            (get, put)
            for prefix in ("", "scipy_")
            for suffix in ("", "64_")
            if (get := getattr(lib, f"{prefix}openblas_get_num_threads{suffix}", None))
            and (put := getattr(lib, f"{prefix}openblas_set_num_threads{suffix}", None))
        ]
        if not pairs:
            return None
        found[ctypes.cast(pairs[0][1], ctypes.c_void_p).value] = pairs[0]
    return list(found.values()) or None


class _OneOpenBLASThread:
    """Every OpenBLAS on one thread inside the block, its count restored after."""

    def __init__(self, setters: list[tuple[Any, Any]]) -> None:
        self._setters = setters
        self._before: list[int] = []

    def __enter__(self) -> None:
        self._before = [int(get()) for get, _ in self._setters]
        for _, put in self._setters:
            put(1)

    def __exit__(self, *exc: object) -> None:
        for (_, put), n in zip(self._setters, self._before, strict=True):
            put(n)
