"""Read ahead: produce the next block in a background thread while this one is used.

Convention: order is preserved exactly (one producer, a FIFO queue), so sums
over prefetched blocks are bitwise those over the plain iterator. At most
``depth`` finished items wait for the consumer, one more in the making
(memory: ``depth + 2`` blocks alive). An exception in the producer is
re-raised in the consumer; a consumer that stops early (an exception in the
reduction) stops the producer, which closes the items' iterator (a generator
reading a file lets it go).
Producer threads are reused from pass to pass (a new thread per pass would
reserve a fresh stack each time); when no thread can be started (e.g. under a
tight address-space limit) the items are produced inline.

:func:`ordered_map` runs ``fn`` over items on several threads (blocks that are
cheap to produce, such as memory-mapped rows of the row cache, reduced in
parallel): results come back in item order, so a left fold over them is
bitwise the sequential one, and at most ``window`` items are in flight.

Ctrl-C: Python's SIGINT handler raises ``KeyboardInterrupt`` in the main thread
between any two bytecodes, also inside ``threading`` code between a lock's
acquire and the ``with`` block that releases it (in ``Condition.__enter__``),
so a lock the consumer shares with a worker can stay held for good. Hence
consumer and workers share no lock of Python code: they hand over through
``queue.SimpleQueue`` (``put`` and ``get`` are single C calls, ``get``
interruptible) and single C operations on plain objects (a list append
decides who runs a call), and a consumer interrupted anywhere never blocks a
worker. The threads are started with ``_thread`` (as
:class:`logistic.backends._workers.Workers` are), so the interpreter's exit
does not join them, and a consumer's clean-up waits for a running producer or
call at most :data:`CLOSE_WAIT` seconds in all (a call left running holds its
own references to its data). A producer whose generator was dropped without
being closed sees it within :data:`_POLL` seconds and stops.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import sys
import time
import weakref
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from queue import Empty, SimpleQueue
from typing import Any, TypeVar

__all__ = ["CLOSE_WAIT", "ordered_map", "prefetched"]

T = TypeVar("T")
R = TypeVar("R")

#: Seconds a consumer's clean-up waits, in all, for the producer or calls
#: still running: a producer ends within one item's time, a call when its
#: ``fn`` returns (a row-cache pass's run of blocks returns before its next
#: block once ``ordered_map``'s ``stop`` is called,
#: :meth:`._cache_pass.CachedRuns.stop`), when nothing is wrong.
CLOSE_WAIT = 5.0
#: Seconds between a waiting producer's looks at whether its consumer is gone.
_POLL = 0.1

_DONE = object()  # the producer's last item
_EXITED = object()  # the producer let go of the items and their iterator
_WORKER, _CONSUMER, _CLOSER = object(), object(), object()  # who runs a call
#: Identities of this module's producer and worker threads: a clean-up that
#: runs on one of them (a generator collected there) must not wait for itself.
_POOL_THREADS: set[int] = set()


def _may_wait() -> bool:
    """Whether a clean-up may wait for this module's threads: not during the
    interpreter's exit (they can no longer take the GIL to answer) and not on
    one of those threads (it would wait for itself)."""
    return not sys.is_finalizing() and _thread.get_ident() not in _POOL_THREADS

#: ``[queue of idle producers' job queues]``; one list, replaced in a child.
_IDLE: list[SimpleQueue[SimpleQueue[tuple[Any, ...]]]] = [SimpleQueue()]
#: ``ordered_map``'s task queue for each thread count, its threads started.
_WORKERS: dict[int, SimpleQueue[_Call | None]] = {}


def _forget_pools() -> None:
    """A forked child inherits the queues but not their threads: start afresh."""
    _IDLE[0] = SimpleQueue()
    _POOL_THREADS.clear()
    _WORKERS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools)


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class _Link:
    """The consumer's side of one producer: alive while the generator is,
    ``stop`` set when it ends (the producer holds only a weak reference)."""

    __slots__ = ("__weakref__", "stop")

    def __init__(self) -> None:
        self.stop = False


def _wait_for(out: SimpleQueue[Any], until: object, timeout: float) -> bool:
    """Take items from ``out`` until ``until`` comes (True) or ``timeout``
    seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            if left <= 0 or out.get(timeout=left) is until:
                return left > 0
        except Empty:
            return False


# -- prefetched: one producer thread per open generator -------------------------
def _producer_loop(job: tuple[Any, ...]) -> None:
    """A producer thread: runs ``job``, then offers itself for the next."""
    jobs: SimpleQueue[tuple[Any, ...]] = SimpleQueue()
    _POOL_THREADS.add(_thread.get_ident())
    while True:
        out = job[1]
        _produce(*job)
        del job
        _IDLE[0].put(jobs)  # idle before the consumer hears, so it is reused
        out.put(_EXITED)
        del out
        job = jobs.get()


def _go_on(credits: SimpleQueue[bool], link: weakref.ref[_Link]) -> bool:
    """Wait for the consumer's leave to produce one more item; False once the
    consumer stopped or is gone."""
    while True:
        try:
            go = credits.get(timeout=_POLL)
        except Empty:  # no answer yet: wait on unless the consumer is gone
            consumer = link()
            if consumer is None or consumer.stop:
                return False
            continue
        consumer = link()
        return go and consumer is not None and not consumer.stop


def _produce(
    items: Iterable[Any],
    out: SimpleQueue[Any],
    credits: SimpleQueue[bool],
    link: weakref.ref[_Link],
) -> None:
    it: Iterator[Any] | None = None
    try:
        it = iter(items)
        while _go_on(credits, link):
            try:
                item = next(it)
            except StopIteration:
                out.put(_DONE)
                return
            out.put(item)
            del item
    except BaseException as exc:  # handed to the consumer
        out.put(_Failure(exc))
    finally:
        close = getattr(it, "close", None)
        if close is not None:  # a generator stopped early: release its file
            with contextlib.suppress(Exception):  # nobody listens any more
                close()


def _hand_over(job: tuple[Any, ...]) -> None:
    """Give ``job`` to an idle producer thread, or to a new one (RuntimeError
    when no thread can be started)."""
    try:
        jobs = _IDLE[0].get_nowait()
    except Empty:
        _thread.start_new_thread(_producer_loop, (job,))
        return
    jobs.put(job)


def prefetched(items: Iterable[T], depth: int = 1) -> Generator[T, None, None]:
    """Iterate ``items`` with up to ``depth`` items produced ahead in a thread."""
    out: SimpleQueue[Any] = SimpleQueue()
    credits: SimpleQueue[bool] = SimpleQueue()  # one per item it may produce
    for _ in range(max(1, depth) + 1):  # ``depth`` done, one in the making
        credits.put(True)
    link = _Link()
    try:
        _hand_over((items, out, credits, weakref.ref(link)))
    except RuntimeError:  # cannot start a thread: produce inline
        yield from items
        return
    try:
        while True:
            item = out.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            credits.put(True)
            yield item
            del item
    finally:
        link.stop = True
        credits.put(False)  # wakes a producer waiting for leave
        if _may_wait():
            _wait_for(out, _EXITED, CLOSE_WAIT)


# -- ordered_map: calls on a fixed set of threads, results in order -------------
class _Call:
    """One ``fn(item)``; ``owner[0]`` (the first to append) runs it or, for
    ``_CLOSER``, cancels it; a worker puts None on ``out`` when it is done."""

    __slots__ = ("done", "error", "fn", "item", "out", "owner", "result")

    def __init__(self, fn: Callable[[Any], Any], item: Any) -> None:
        self.fn: Callable[[Any], Any] | None = fn
        self.item = item
        self.owner: list[object] = []
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.out: SimpleQueue[None] = SimpleQueue()

    def claim(self, who: object) -> bool:
        self.owner.append(who)  # one C call: the first appended wins
        return self.owner[0] is who

    def run(self) -> None:
        try:
            self.result = self.fn(self.item)  # type: ignore[misc]
        except BaseException as exc:  # handed to the consumer
            self.error = exc
        self.fn = self.item = None
        self.done = True


def _map_worker(tasks: SimpleQueue[_Call | None]) -> None:
    _POOL_THREADS.add(_thread.get_ident())
    while True:
        call = tasks.get()
        if call is None:
            _POOL_THREADS.discard(_thread.get_ident())
            return
        if call.claim(_WORKER):
            call.run()
            call.out.put(None)
        del call


def _map_tasks(n_threads: int) -> SimpleQueue[_Call | None]:
    """The task queue of ``n_threads`` running workers, started at first use
    (no lock: of two threads starting them at once, one's workers end, as do
    those of a start that was interrupted)."""
    tasks = _WORKERS.get(n_threads)
    if tasks is not None:
        return tasks
    new: SimpleQueue[_Call | None] = SimpleQueue()
    try:
        for _ in range(n_threads):
            _thread.start_new_thread(_map_worker, (new,))
        _WORKERS.setdefault(n_threads, new)
    finally:
        if _WORKERS.get(n_threads) is not new:
            for _ in range(n_threads):
                new.put(None)
    return _WORKERS[n_threads]


def _outcome(call: _Call) -> Any:
    """The call's result (or its error raised): run here if no worker took it
    yet, else waited for."""
    if call.claim(_CONSUMER):
        call.run()
    else:  # a worker's: it puts one None once the call is done
        call.out.get()
    if call.error is not None:
        raise call.error
    result, call.result = call.result, None  # the caller holds it alone
    return result


def _close(pending: deque[_Call]) -> None:
    """Cancel the calls no thread took; wait (up to :data:`CLOSE_WAIT` in all)
    for those workers run."""
    deadline = time.monotonic() + CLOSE_WAIT if _may_wait() else 0.0
    for call in pending:
        if call.claim(_CLOSER):
            call.fn = call.item = None  # its worker skips it
        elif call.owner[0] is _WORKER and not call.done and deadline:
            left = deadline - time.monotonic()
            try:
                call.out.get(timeout=max(left, 1e-3))
            except Empty:  # left running: it holds its own references
                deadline = 0.0


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    n_threads: int,
    window: int,
    stop: Callable[[], None] | None = None,
) -> Generator[R, None, None]:
    """``fn(item)`` for each item, computed on ``n_threads`` threads, in item order.

    At most ``window`` calls are submitted ahead of the result being yielded
    (memory: ``window`` items and results alive); the consumer runs a call
    itself when its turn comes before a worker took it, so up to
    ``n_threads + 1`` calls may run at once. An exception in
    ``fn`` is raised when its result's turn comes; a consumer that stops
    early cancels the calls not yet started and waits for the running ones
    (up to :data:`CLOSE_WAIT` seconds); ``stop``, when given, is called
    first, however the map ends, so that running calls can return early
    (their results are dropped). With one thread, or when no thread can be
    started, the calls run inline.
    """
    if n_threads <= 1:
        yield from map(fn, items)
        return
    try:
        tasks = _map_tasks(n_threads)
    except RuntimeError:  # pragma: no cover - cannot start a thread
        yield from map(fn, items)
        return
    pending: deque[_Call] = deque()
    try:
        for item in items:
            pending.append(_Call(fn, item))  # tracked before a worker sees it
            tasks.put(pending[-1])
            if len(pending) >= max(1, window):
                result = _outcome(pending[0])  # stays pending until it is done
                pending.popleft()
                yield result
        while pending:
            result = _outcome(pending[0])
            pending.popleft()
            yield result
    finally:
        try:
            if stop is not None:
                stop()
        finally:
            _close(pending)
