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
``dl_iterate_phdr``, walked in C by :mod:`logistic._loader`, which also
opens the libraries this module picks as BLAS by name and looks the setters
up, each library found kept loaded: ~0.1 ms the first time in a process,
where the same through :mod:`ctypes` took ~0.25 ms; ``/proc/self/maps`` and
:mod:`ctypes` where it is not built),
where threadpoolctl's controller resolves every library of the process (6–30
ms the first time in a process: more than a small fit). The search is made
again when the loader has loaded or unloaded a library since the last one
(its ``dlpi_adds`` / ``dlpi_subs`` counters, read from the first entry of
``dl_iterate_phdr`` in under 1 µs; a BLAS loaded by ``ctypes`` is seen too);
where the counters cannot be read, when the process has imported modules
since the last search (a BLAS may have been loaded with them).
Elsewhere (another BLAS, another system) threadpoolctl's controller sets the
limit, built once; without threadpoolctl nothing is limited.

Ctrl-C: CPython runs the SIGINT handler, which raises ``KeyboardInterrupt``
in the main thread, only where its eval loop checks for signals: at a
function's entry, after a call returns, at a backward jump; so also between
a lock's acquire and the ``with`` block that releases it, or between a count
of contexts and the limit it stands for. So no lock of Python code guards
the limit (as in :mod:`logistic.backends._workers`): the loader's setters
are held by :class:`logistic._loader.OneThread`, whose entry and exit are
one C call each (its count of contexts and the counts it restores live in
C), and the search's state changes are single C operations (a slice
assignment, a ``dict.setdefault``). Tested by a trace function raising the
interrupt at every opcode (``tests/test_blas_threads_interrupt.py``), but
for those of a ``with``'s normal exit before its ``__exit__`` call (outside
the ``with``'s exception table: an interrupt there would skip ``__exit__``,
which a signal, checked only after that call, never does).

A fork while another thread is inside a limit gives a child that counts a
context its missing thread never leaves: the child's limit is never
restored (nothing is reset at fork: the forking thread may itself be
inside one).

A leaf: imports only the standard library and the compiled leaf
:mod:`logistic._loader` (both lazily, with threadpoolctl).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from typing import Any

__all__ = ["one_blas_thread", "openblas_setters"]

#: A mapped library whose file name holds one of these is a BLAS ...
_BLAS_NAMES = ("blas", "mkl", "libblis", "lapack", "accelerate", "armpl")
#: ... unless it also holds one of these: a Python extension links to a BLAS
#: without being one, and a GPU BLAS (mapped by CuPy or torch) runs no CPU
#: threads.
_NOT_BLAS_NAMES = ("cpython", "abi3", "cublas", "hipblas", "rocblas", "clblas")
#: Both as the compiled test of a name takes them (:func:`logistic._loader.named`).
_BLAS_WORDS = (
    tuple(n.encode() for n in _BLAS_NAMES),
    tuple(n.encode() for n in _NOT_BLAS_NAMES),
)
#: OpenBLAS's thread getter and setter as builds spell them (scipy's and
#: numpy's wheels prefix ``scipy_`` and suffix ``64_``), the first exported
#: pair taken.
_SETTER_SPELLINGS = tuple(
    (
        f"{prefix}openblas_get_num_threads{suffix}",
        f"{prefix}openblas_set_num_threads{suffix}",
    )
    for prefix in ("", "scipy_")
    for suffix in ("", "64_")
)
#: ``[(loader's (adds, subs) or modules imported at the search, its result,
#: the compiled context holding its libraries to one thread or None)]`` of
#: the last search: one tuple, the list's content replaced whole (one slice
#: assignment), read once.
_SETTERS: list[tuple[Any, Any, Any]] = []
#: ``[context]``: the last compiled context a search made, handed out while
#: one is inside although a later search found setters it cannot hold.
_HELD: list[Any] = []
_CONTROLLER: list[Any] = []


def one_blas_thread() -> Any:
    """A context in which every BLAS of the process runs on one thread, its
    thread counts restored when the last such context of the process exits
    (two fits in two Python threads may overlap: the first to leave must not
    restore the count while the other still runs, nor the second restore the
    1 it found); a no-op context where nothing can set them.

    Where the setters are the compiled loader's, the context is
    :class:`logistic._loader.OneThread` (entering and leaving are one C call
    each, which no signal check splits): Ctrl-C anywhere in it leaves no
    lock held and no count off (see its docstring for the ``with``'s own
    exit opcodes, where no signal is checked). Elsewhere (:class:`_Fallback`) no lock is
    ever waited on, but an interrupt inside its Python code may leave the
    count of contexts one off (BLAS kept on one thread, or restored early)
    or its settling lock held (the limit then never changes again).

    The two keep separate counts, so one kind is handed out while a context
    of it is inside, the other only when none is: a library loaded meanwhile
    that the kind inside cannot hold stays unheld until they all leave. (Two
    threads whose searches straddle a library's load, each finding nothing
    inside before either enters, can still take one kind each.)"""
    search = _search()
    if _INSIDE or _UNDO:
        return _FALLBACK
    context = search[2]
    if context is not None:
        return context
    held, loader = _HELD, _loader_module()
    if held and loader is not None and loader.one_thread_inside()[0] > 0:
        return held[0]
    return _FALLBACK


class _Fallback:
    """The process-wide limit where the loader's context does not apply
    (threadpoolctl's controller, or :mod:`ctypes` setters): one entry in
    :data:`_INSIDE` a context inside, the limit set while there is one and
    restored when there is none. The change of limit is made by one thread
    at a time, the one whose non-blocking acquire of :data:`_SETTLING`
    succeeded (no thread ever waits on it); it checks again after letting
    go, so a change of :data:`_INSIDE` made while it held the lock is not
    lost. No lock is waited on, so none an interrupt leaves held can block a
    later fit; but an interrupt at a signal check inside this Python code
    (a call's entry or end: in ``_settle`` or the setters) may leave
    :data:`_SETTLING` held (the limit then never changes again) or, in
    ``__exit__`` before its pop, :data:`_INSIDE` one too long (BLAS kept on
    one thread); ``__enter__`` takes its entry back when its limit raises."""

    __slots__ = ()

    def __enter__(self) -> None:
        # the append inside the try: the first signal check after it is the
        # end of its own call (unspecialized) or of _settle's, both covered.
        # Only a trace function raises before it (no signal is checked
        # there): the pop is then another context's, or none.
        try:
            _INSIDE.append(None)
            _settle()
        except BaseException:
            if _INSIDE:
                _INSIDE.pop()
            _settle()
            raise

    def __exit__(self, *exc: object) -> None:
        _INSIDE.pop()
        _settle()


_FALLBACK = _Fallback()
#: one entry a :class:`_Fallback` context inside (list append and pop: one
#: C call each)
_INSIDE: list[None] = []
#: ``[restore]`` while :class:`_Fallback` holds the limit (restore None
#: where nothing could be set)
_UNDO: list[Any] = []
_SETTLING = threading.Lock()


def _settle() -> None:
    """Sets or restores the limit until it matches :data:`_INSIDE`, unless
    another thread is doing so (it then sees this thread's change). The
    restore is taken off :data:`_UNDO` after it ran: while it runs,
    :func:`one_blas_thread` still hands out this context, not the loader's
    (which would find the 1 being undone)."""
    while _SETTLING.acquire(blocking=False):
        try:
            if _INSIDE and not _UNDO:
                _UNDO.append(_limit_to_one())
            elif not _INSIDE and _UNDO:
                restore = _UNDO[-1]
                if restore is not None:
                    restore()
                _UNDO.pop()
        finally:
            _SETTLING.release()
        if bool(_INSIDE) == bool(_UNDO):
            return


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
    setters: list[tuple[Any, Any]] | None = _search()[1]
    return setters


def _search() -> tuple[Any, Any, Any]:
    """The last search's ``(key, setters, context)`` (:data:`_SETTERS`), made
    again when its key is not the loader's now."""
    search: tuple[Any, Any, Any] | None
    try:
        search = _SETTERS[0]
    except IndexError:
        search = None
    if search is None or search[0] != _search_key():
        found = _find_openblas_setters()
        context = _context(found)
        # the key after the search: its RTLD_NOLOAD opens move musl's counter
        search = (_search_key(), found, context)
        if context is not None:
            _HELD[:] = [context]
        _SETTERS[:] = [search]
    return search


def _context(setters: list[tuple[Any, Any]] | None) -> Any:
    """The loader's :class:`~logistic._loader.OneThread` over ``setters``
    where all of them are the loader's (:class:`_Getter`, :class:`_Setter`),
    else None."""
    if not setters or not all(
        isinstance(get, _Getter) and isinstance(put, _Setter) for get, put in setters
    ):
        return None
    loader = setters[0][0]._loader
    return loader.OneThread(
        [(get._as_parameter_, put._as_parameter_) for get, put in setters]
    )


def _search_key() -> Any:
    """The loader's ``(adds, subs)`` counters, or the count of imported modules
    where they cannot be read."""
    loader = _loader_module()
    counters = None if loader is None else loader.load_counters()
    return counters or len(sys.modules)


@functools.cache
def _loader_module() -> Any:
    """:mod:`logistic._loader`, the loader's list walked in C, or None where
    it is not built or its import was cut short (a Python callback inside
    glibc's ``dl_iterate_phdr`` would run under the loader's lock and can
    deadlock against a thread importing an extension module: the walk is
    never made from Python)."""
    try:
        from . import _loader
    except ImportError:
        return None
    if not hasattr(_loader, "one_thread_inside"):  # its last name
        # left half set up by an interrupt in its import: not used, not kept
        name, package = f"{__package__}._loader", sys.modules.get(__package__ or "")
        if sys.modules.get(name) is _loader:
            del sys.modules[name]
        if getattr(package, "_loader", None) is _loader:
            delattr(package, "_loader")
        return None
    return _loader


def _loaded_libraries() -> set[str] | None:
    """Paths of the shared libraries loaded into the process, from the dynamic
    loader's own list (``dl_iterate_phdr``: ~0.05 ms, where reading
    ``/proc/self/maps`` takes ~0.5 ms for the kernel to write ~400 lines);
    None where it cannot be asked."""
    loader = _loader_module()
    names = None if loader is None else loader.loaded_libraries()
    return None if names is None else set(names)


def _find_openblas_setters() -> list[tuple[Any, Any]] | None:
    """The setters of every BLAS the process maps (None: one is not an
    OpenBLAS, or none is mapped): the loader's list filtered by
    :func:`_is_blas`'s words (tested in C on the loader's bytes, ~25 µs
    where decoding and testing each of ~70 names in Python took ~0.13 ms),
    the setters looked up by :mod:`logistic._loader` in C where it is
    built, else from ``/proc/self/maps`` through :mod:`ctypes`
    (which never closes a library: each search holds one more reference)."""
    loader = _loader_module()
    paths = None if loader is None else loader.libraries_named(*_BLAS_WORDS)
    if paths is not None:
        spellings = [(get.encode(), put.encode()) for get, put in _SETTER_SPELLINGS]
        found = loader.openblas_functions(paths, spellings)
        return None if found is None else _functions(loader, found)
    return _search_maps()


def _is_blas(path: str) -> bool:
    """Whether the library at ``path`` is a CPU BLAS, by its file name."""
    name = path.rsplit("/", 1)[-1].lower()
    if any(n in name for n in _NOT_BLAS_NAMES):
        return False
    return any(b in name for b in _BLAS_NAMES)


#: Handles of the BLAS libraries whose setters were found, one reference
#: each, kept for the life of the process: a library found is never
#: unloaded under the addresses taken from it (a dict: ``setdefault`` is
#: one C call, so two searches at once pin a handle once, with no lock).
_PINNED: dict[int, object] = {}


def _functions(
    loader: Any, found: list[tuple[int, int, int]]
) -> list[tuple[Any, Any]] | None:
    """``(get_num_threads, set_num_threads)`` callables of the libraries
    ``loader.openblas_functions`` found, one pair a setter (None when there
    are none), called in C by the loader (:class:`_Getter`, :class:`_Setter`);
    one reference a library kept in :data:`_PINNED`, a second one given
    back (an interrupt before that keeps the library loaded, as it is
    anyway)."""
    mine = object()
    for handle, _, _ in found:
        if _PINNED.setdefault(handle, mine) is not mine:
            loader.close(handle)
    setters = {
        put: (_Getter(loader, get), _Setter(loader, put)) for _, get, put in found
    }
    return list(setters.values()) or None


class _Getter:
    """OpenBLAS's ``get_num_threads`` at an address, called by
    :func:`logistic._loader.thread_count`: no :mod:`ctypes` prototype to build
    (~50 µs in a process's first search) and ~0.2 µs a call instead of ~1.5.
    ``_as_parameter_`` is the address, as :mod:`ctypes` reads a function."""

    __slots__ = ("_as_parameter_", "_loader")

    def __init__(self, loader: Any, address: int) -> None:
        self._loader = loader
        self._as_parameter_ = address

    def __call__(self) -> int:
        return int(self._loader.thread_count(self._as_parameter_))


class _Setter:
    """OpenBLAS's ``set_num_threads`` at an address, called by
    :func:`logistic._loader.set_thread_count` (see :class:`_Getter`)."""

    __slots__ = ("_as_parameter_", "_loader")

    def __init__(self, loader: Any, address: int) -> None:
        self._loader = loader
        self._as_parameter_ = address

    def __call__(self, n: int) -> None:
        self._loader.set_thread_count(self._as_parameter_, n)


def _search_maps() -> list[tuple[Any, Any]] | None:
    """:func:`_find_openblas_setters` over ``/proc/self/maps``'s libraries
    (the loader's list where it can be read), opened by :mod:`ctypes`."""
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
    for path in sorted(p for p in paths if _is_blas(p)):
        try:
            lib = ctypes.CDLL(path, mode=mode)
        except OSError:
            return None
        pairs = [
            (get, put)
            for get_name, put_name in _SETTER_SPELLINGS
            if (get := getattr(lib, get_name, None))
            and (put := getattr(lib, put_name, None))
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
