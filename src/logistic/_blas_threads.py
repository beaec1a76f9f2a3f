"""BLAS held to one thread for a stretch of work (:func:`one_blas_thread`).

The in-memory backend's block threads, the row cache's readers, scipy's
L-BFGS-B iterations and Newton's small factorizations each run BLAS on one
thread: on a machine whose cores are busy, OpenBLAS's threads spin-wait for
each other on small products (a 301 × 301 factorization took 30–1600 ms
instead of 10 ms at load 10; see docs/benchmarks.md).

Where every BLAS mapped into the process is an OpenBLAS, its own
``openblas_get_num_threads`` / ``openblas_set_num_threads`` (with scipy's
and numpy's symbol prefix ``scipy_`` and suffix ``64_``) set the count. They
are found from the dynamic loader's list of loaded libraries (Linux's
``dl_iterate_phdr``; ``/proc/self/maps`` where that fails) in about 0.1 ms,
where threadpoolctl's controller resolves every library of the process (6–30
ms the first time in a process: more than a small fit). The search is made
again when the loader has loaded or unloaded a library since the last one
(its ``dlpi_adds`` / ``dlpi_subs`` counters, read from the first entry of
``dl_iterate_phdr`` in ~2 µs; a BLAS loaded by ``ctypes`` is seen too);
where the counters cannot be read, when the process has imported modules
since the last search (a BLAS may have been loaded with them).
Elsewhere (another BLAS, another system) threadpoolctl's controller sets the
limit, built once; without threadpoolctl nothing is limited.

A leaf: imports only the standard library (threadpoolctl lazily).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

__all__ = ["one_blas_thread", "openblas_setters"]

#: A mapped library whose file name holds one of these is a BLAS.
_BLAS_NAMES = ("blas", "mkl", "blis", "lapack", "accelerate", "armpl")
#: ``[loader's (adds, subs) or modules imported at the search, its result]``
#: of the last search.
_SETTERS: list[Any] = []
_CONTROLLER: list[Any] = []


def one_blas_thread() -> Any:
    """A context in which every BLAS of the process runs on one thread, its
    thread counts restored when the last such context of the process exits
    (two fits in two Python threads may overlap: the first to leave must not
    restore the count while the other still runs, nor the second restore the
    1 it found); a no-op context where nothing can set them."""
    return _OneThread()


class _OneThread:
    """The process-wide limit: set when the first context enters, restored
    when the last one exits (a count under a lock)."""

    _lock = threading.Lock()
    _depth = 0
    _restore: Any = None

    def __enter__(self) -> None:
        with _OneThread._lock:
            if _OneThread._depth == 0:
                _OneThread._restore = _limit_to_one()
            _OneThread._depth += 1

    def __exit__(self, *exc: object) -> None:
        with _OneThread._lock:
            _OneThread._depth -= 1
            if _OneThread._depth == 0:
                restore, _OneThread._restore = _OneThread._restore, None
                if restore is not None:
                    restore()


def _limit_to_one() -> Any:
    """Sets every BLAS to one thread; returns what restores the counts."""
    setters = openblas_setters()
    if setters is not None:
        before = [int(get()) for get, _ in setters]
        for _, put in setters:
            put(1)
        return lambda: [put(n) for (_, put), n in zip(setters, before, strict=True)]
    controller = _controller()
    if controller is None:
        return None
    limiter = controller.limit(limits=1, user_api="blas")
    return limiter.restore_original_limits


def openblas_setters() -> list[tuple[Any, Any]] | None:
    """``(get_num_threads, set_num_threads)`` of every BLAS mapped into the
    process, or None when one of them is not an OpenBLAS exporting them, or
    off Linux; searched again when the loader's library counters (or,
    without them, the count of imported modules) changed since the last
    search."""
    counters = None if _LOADER is None else _LOADER.counters()
    key = counters or len(sys.modules)
    if not _SETTERS or _SETTERS[0] != key:
        _SETTERS[:] = [key, _find_openblas_setters()]
    found: list[tuple[Any, Any]] | None = _SETTERS[1]
    return found


class _Loader:
    """The dynamic loader's list of libraries through ``dl_iterate_phdr``
    (glibc, musl). Its ctypes types and callbacks are built once, when the
    module is imported (0.1–0.2 ms): the first fit that limits BLAS then
    pays only the walk. Called through ``PyDLL``, which keeps the GIL: a
    callback then never waits for it while the loader's lock is held."""

    def __init__(self) -> None:
        import ctypes

        class Info(ctypes.Structure):  # dl_phdr_info up to the load counters
            _fields_ = [
                ("addr", ctypes.c_void_p),
                ("name", ctypes.c_char_p),
                ("phdr", ctypes.c_void_p),
                ("phnum", ctypes.c_uint16),
                ("adds", ctypes.c_ulonglong),
                ("subs", ctypes.c_ulonglong),
            ]

        proto = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.POINTER(Info), ctypes.c_size_t, ctypes.c_void_p
        )
        self._iterate = ctypes.PyDLL(None).dl_iterate_phdr
        self._iterate.argtypes = [proto, ctypes.c_void_p]
        self._iterate.restype = ctypes.c_int
        self._full = ctypes.sizeof(Info)
        self._out: list[Any] = []
        self._lock = threading.Lock()  # one output list for every thread
        self._each_name = proto(self._name)
        self._first_counters = proto(self._counters)

    def _name(self, info: Any, size: int, data: Any) -> int:
        name = info.contents.name
        if name:
            self._out.append(name)
        return 0  # every entry

    def _counters(self, info: Any, size: int, data: Any) -> int:
        if size >= self._full:  # an older loader's entry ends before the counters
            entry = info.contents
            self._out.append((int(entry.adds), int(entry.subs)))
        return 1  # the first entry only

    def _walk(self, callback: Any) -> list[Any]:
        with self._lock:
            self._out = []
            self._iterate(callback, None)
            return self._out

    def names(self) -> list[bytes]:
        """Paths (as bytes) of the loaded libraries (~0.03 ms)."""
        return self._walk(self._each_name)

    def counters(self) -> tuple[int, int] | None:
        """``(dlpi_adds, dlpi_subs)``: how many libraries the loader has
        loaded and unloaded in the process (~2 µs); None where its entries
        do not carry them."""
        out = self._walk(self._first_counters)
        return out[0] if out else None


def _make_loader() -> _Loader | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return _Loader()
    except Exception:  # no ctypes, no such function (not glibc or musl)
        return None


_LOADER = _make_loader()


def _loaded_libraries() -> set[str] | None:
    """Paths of the shared libraries loaded into the process, from the dynamic
    loader's own list (``dl_iterate_phdr``: ~0.03 ms, where reading
    ``/proc/self/maps`` takes ~0.7 ms for the kernel to write ~400 lines);
    None where it cannot be asked."""
    if _LOADER is None:
        return None
    try:
        names = _LOADER.names()
    except Exception:
        return None
    return {os.fsdecode(n) for n in names}


def _find_openblas_setters() -> list[tuple[Any, Any]] | None:
    try:
        import ctypes

        paths = _loaded_libraries()
        if not paths:
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


def _controller() -> Any:
    """A cached ``threadpoolctl.ThreadpoolController``, or None without it."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        except Exception:  # pragma: no cover - threadpoolctl is optional
            _CONTROLLER.append(None)
    return _CONTROLLER[0]
