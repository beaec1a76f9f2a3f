"""Read ahead: produce the next block in a background thread while this one is used.

Convention: order is preserved exactly (one producer, a FIFO queue), so sums
over prefetched blocks are bitwise those over the plain iterator. At most
``depth`` finished items wait in the queue (memory: ``depth + 2`` blocks alive).
An exception in the producer is re-raised in the consumer; a consumer that
stops early (an exception in the reduction) stops the producer. Producers run
on a small shared pool whose threads are reused from pass to pass (a new thread
per pass would reserve a fresh stack each time); when no thread can be started
(e.g. under a tight address-space limit) the items are produced inline.

A consumer should close the iterator when it stops early (``contextlib.closing``);
one that never does (an exception whose traceback sits in a reference cycle)
would leave its producer waiting on a full queue, and the interpreter waits for
pool threads at exit. So every producer is also told to stop by threading's
exit hook, which runs before the pool's threads are joined.

:func:`ordered_map` runs ``fn`` over items on several threads (blocks that are
cheap to produce, such as memory-mapped rows of the row cache, reduced in
parallel): results come back in item order, so a left fold over them is
bitwise the sequential one, and at most ``window`` items are in flight.
"""

from __future__ import annotations

import os
import queue
import threading
import weakref
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["ordered_map", "prefetched"]

T = TypeVar("T")
R = TypeVar("R")
_DONE = object()
_LOCK = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []
_WORKERS: dict[int, ThreadPoolExecutor] = {}
_RUNNING: weakref.WeakSet[threading.Event] = weakref.WeakSet()


def _stop_all() -> None:
    """Tell every producer to stop (at interpreter exit, before pool joins)."""
    for stop in list(_RUNNING):
        stop.set()


# threading's exit hooks run in reverse order of registration, so this one
# (registered after concurrent.futures' own) runs before the pool is joined.
_register_atexit = getattr(threading, "_register_atexit", None)
if _register_atexit is not None:
    _register_atexit(_stop_all)


def _forget_pools() -> None:
    """A forked child inherits the pools but not their threads: start afresh."""
    _POOL.clear()
    _WORKERS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools)


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _pool() -> ThreadPoolExecutor:
    with _LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(4, thread_name_prefix="logistic-prefetch"))
        return _POOL[0]


def prefetched(items: Iterable[T], depth: int = 1) -> Generator[T, None, None]:
    """Iterate ``items`` with up to ``depth`` items produced ahead in a thread."""
    q: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()
    _RUNNING.add(stop)

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer
            put(_Failure(exc))

    try:
        future = _pool().submit(produce)
    except RuntimeError:  # cannot start a thread: produce inline
        yield from items
        return
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        future.result()


def _workers(n_threads: int) -> ThreadPoolExecutor:
    with _LOCK:
        pool = _WORKERS.get(n_threads)
        if pool is None:
            pool = ThreadPoolExecutor(n_threads, thread_name_prefix="logistic-map")
            _WORKERS[n_threads] = pool
        return pool


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], n_threads: int, window: int
) -> Generator[R, None, None]:
    """``fn(item)`` for each item, computed on ``n_threads`` threads, in item order.

    At most ``window`` calls are submitted ahead of the result being yielded
    (memory: ``window`` items and results alive). An exception in ``fn`` is
    raised when its result's turn comes; a consumer that stops early cancels
    the calls not yet started and waits for the running ones. With one thread,
    or when no thread can be started, the calls run inline.
    """
    if n_threads <= 1:
        yield from map(fn, items)
        return
    try:
        pool = _workers(n_threads)
    except RuntimeError:  # pragma: no cover - cannot start a thread
        yield from map(fn, items)
        return
    pending: deque[Future[R]] = deque()
    source = iter(items)
    try:
        for item in source:
            pending.append(pool.submit(fn, item))
            if len(pending) >= max(1, window):
                result = pending[0].result()  # stays pending until it is done
                pending.popleft()
                yield result
        while pending:
            result = pending[0].result()
            pending.popleft()
            yield result
    finally:
        for future in pending:
            future.cancel()
        for future in pending:
            if not future.cancelled():
                future.exception()  # wait; its error, if any, is not ours to raise
