"""A flag another thread sets to wake the main thread (:class:`Wake`).

The Dask backend's waits (:mod:`logistic.backends._dask_faults`) sleep until a
task ends, set from the client's event loop (a future's done callback, the
results' fetch). ``threading.Event`` would do, but it guards its flag with a
``Condition`` whose lock is taken and released by Python code
(``Condition.__enter__`` / ``__exit__``, ``wait``'s clean-up); Python raises
``KeyboardInterrupt`` in the main thread between any two bytecodes, so a
Ctrl-C during ``clear`` or ``wait`` can leave that lock held, and the event
loop's next ``set`` then blocks for good: the client, and every later fit on
it, hangs. Here the flag is a ``queue.SimpleQueue`` of tokens: ``set`` is one
``put`` (a C call that never blocks), a wait one ``get`` (a C call,
interruptible), so no lock of Python code is shared (the convention of
:mod:`logistic.backends._workers`).
"""

from __future__ import annotations

from queue import Empty, SimpleQueue

__all__ = ["Wake"]


class Wake:
    """``threading.Event``'s ``set``, ``clear``, ``is_set`` and ``wait``
    without a lock of Python code: set while a token is queued. ``set`` may
    be called from any thread, the others by the one waiting thread."""

    __slots__ = ("_tokens",)

    def __init__(self) -> None:
        self._tokens: SimpleQueue[None] = SimpleQueue()

    def set(self) -> None:
        self._tokens.put(None)

    def clear(self) -> None:
        """Drops every token queued now (a ``set`` during it may be dropped
        too, as if it came before the clear)."""
        while not self._tokens.empty():
            try:
                self._tokens.get_nowait()
            except Empty:
                return

    def is_set(self) -> bool:
        return not self._tokens.empty()

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the flag is set, waiting up to ``timeout`` seconds (None:
        until it is) for a ``set``; a set flag stays set."""
        try:
            self._tokens.get(timeout=None if timeout is None else max(timeout, 0.0))
        except Empty:
            return False
        self._tokens.put(None)  # still set, as an Event stays
        return True
