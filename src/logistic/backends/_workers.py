"""Threads that run a reduction's calls beside the calling thread (:class:`Workers`).

Convention: ``map(fn, args)`` returns ``[fn(a) for a in args]`` in ``args``'
order; the calling thread runs the first call and then, in order, every call
no worker has taken yet, so ``k`` calls need ``k - 1`` workers and progress
needs none (on a machine whose cores are busy a worker may wait for a time
slice: the reduction then costs what one thread takes, not that wait). The
first error in ``args``' order is raised once every started call is done;
after an error in the calling thread's own calls, the calls no worker took
never run.

Ctrl-C: Python's SIGINT handler raises ``KeyboardInterrupt`` in the main
thread between any two bytecodes, also inside ``threading`` code between a
lock's acquire and the ``with`` block that releases it (in
``Condition.__enter__``), so a lock the caller shares with a worker can stay
held for good, and the next reduction in the process (a notebook's next fit)
deadlocks. Hence caller and workers share no lock of Python code (as in
:mod:`logistic.backends._prefetch`): calls go to the workers through one
``queue.SimpleQueue`` and come back done through another, one a ``map``
(``put`` and ``get`` are single C calls, ``get`` interruptible), and a list
append, a single C operation, decides who runs a call (a worker, or the
caller, which runs or cancels it). A caller interrupted anywhere in ``map``
cancels the calls no worker took (they never run) and raises at once; a
worker's call of that map ends on its own, and its done signal goes to a
queue nobody reads any more.

Workers are started with ``_thread``, not ``threading.Thread.start``, which
waits until the new thread has run (0.2 ms idle, a scheduler slice, up to ~3
ms, on a busy machine): a worker starts while the caller goes on and takes
queued calls once it runs. Like a daemon thread, it is not joined at exit.
``concurrent.futures``' executor costs 1.5-2.5 ms to import and start in the
first fit that threads (ijcnn1's fit takes ~20 ms), and the caller taking a
share saves one hand-off a reduction.
"""

from __future__ import annotations

import _thread
import contextlib
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, TypeVar

from ._placement import current_cpu, leave_cpu

__all__ = ["Workers"]

T = TypeVar("T")

_WORKER, _CALLER = object(), object()  # who runs (or cancels) a call


class _Task:
    """One ``fn(arg)``; ``owner[0]`` (the first to append) runs it, or, for
    the caller after an error or interrupt, cancels it; a worker puts None on
    ``done`` once it has run it."""

    __slots__ = ("arg", "done", "error", "fn", "owner", "result", "stop")

    def __init__(
        self,
        fn: Callable[[Any], Any],
        arg: Any,
        done: SimpleQueue[None],
        stop: list[bool] | None = None,
    ) -> None:
        self.fn: Callable[[Any], Any] | None = fn
        self.arg = arg
        self.owner: list[object] = []
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = done
        #: the map's flag, set first when its caller is interrupted: a call a
        #: worker claims after that is not run (a second interrupt may stop
        #: the caller before it has cancelled every call)
        self.stop: list[bool] = [] if stop is None else stop

    def claim(self, who: object) -> bool:
        self.owner.append(who)  # one C call: the first appended wins
        return self.owner[0] is who

    def run(self) -> None:
        """Run the call in this thread, keeping its result or error; the
        function and its argument are let go (a task a worker has not yet
        taken off the queue holds nothing of the data)."""
        try:
            self.result = self.fn(self.arg)  # type: ignore[misc]
        except BaseException as exc:  # handed to the caller
            self.error = exc
        self.fn = self.arg = None


def _work(pool: Workers, tasks: SimpleQueue[_Task | None]) -> None:
    """A worker: runs the calls it claims until it gets None.

    It moves off the caller's CPU (:func:`._placement.leave_cpu`) before it
    claims a call, not after: on a busy machine the move can leave it
    waiting for the other CPU's run queue for several ms, and a call still
    unclaimed then is the caller's to run (a9a's first statistics pass at
    load 8: 1.2-1.5 ms, caller running both blocks, against 4-30 ms waiting
    for a worker that had claimed the second)."""
    while True:
        task = tasks.get()
        if task is None:
            return
        if not task.owner and not task.stop:  # a look, not a claim
            with contextlib.suppress(Exception):  # placement is only speed
                leave_cpu(pool._caller_cpu)  # off the caller's CPU
        if task.claim(_WORKER):
            try:
                if not task.stop:
                    task.run()
            finally:  # the caller counts on one signal a call it did not take
                task.done.put(None)
        del task  # its result is the caller's alone


class Workers:
    """``n_workers`` threads that run :meth:`map`'s calls beside the caller
    (module docstring); :meth:`close` ends them."""

    def __init__(self, n_workers: int) -> None:
        self._tasks: SimpleQueue[_Task | None] = SimpleQueue()
        self._n_workers = n_workers
        self._caller_cpu = -1  # a worker on this CPU moves (``_placement``)
        try:
            for _ in range(n_workers):
                _thread.start_new_thread(_work, (self, self._tasks))
        except BaseException:  # a start failed or was interrupted
            self.close()
            raise

    def close(self) -> None:
        """End the workers once they have run the calls queued before."""
        for _ in range(self._n_workers):
            self._tasks.put(None)

    def map(self, fn: Callable[[Any], T], args: list[Any]) -> list[T]:
        """``[fn(a) for a in args]``, the calls after the first on the workers
        (those not yet taken when the caller comes to them, in this thread);
        the first error in ``args``' order is raised once every started call
        is done. After an error in this thread, or an interrupt, the calls no
        worker has taken never run; an interrupt of this thread (Ctrl-C)
        raises at once, while a call a worker took may still be running: it
        holds its own references to its data, and its result is dropped.
        Every task lets go of its function, argument and result once this
        returns or raises (tasks a worker has yet to take off the queue stay
        there, empty)."""
        if not args:
            return []
        done: SimpleQueue[None] = SimpleQueue()
        stop: list[bool] = []
        tasks = [_Task(fn, a, done, stop) for a in args[1:]]
        try:
            self._caller_cpu = current_cpu()
            for task in tasks:
                self._tasks.put(task)
            first = _Task(fn, args[0], done)
            first.run()
            failed = first.error is not None
            running = 0  # calls the workers took
            for task in tasks:
                if not task.claim(_CALLER):
                    running += 1
                elif not failed:  # else cancelled: it never runs
                    task.run()
                    failed = task.error is not None
            for _ in range(running):  # every started call done
                done.get()
        except BaseException:  # interrupted: the calls no worker took never run
            stop.append(True)  # first: a worker claiming one now skips it
            for task in tasks:
                if task.claim(_CALLER):
                    task.fn = task.arg = None
            raise
        everything = [first, *tasks]
        error = next((t.error for t in everything if t.error is not None), None)
        results = [task.result for task in everything]
        for task in tasks:  # cancelled ones included: nothing kept in the queue
            task.fn = task.arg = task.result = task.error = None
        if error is not None:
            raise error
        return results
