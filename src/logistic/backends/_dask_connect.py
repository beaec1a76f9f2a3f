"""A ``distributed.Client`` for the CLI's ``--scheduler`` / ``--workers``.

Kept apart from the backend (:mod:`logistic.backends.dask`, which re-exports
:func:`connect`): which cluster to run on is the caller's choice, not part of
how a pass runs on it.

Convention (owned here): while the CLI uses a ``LocalCluster`` it started
(``--workers``), ``distributed.deploy.lost-worker-timeout`` is
:data:`LOST_WORKER_TIMEOUT` (:func:`nannies_keep_restarting`, entered by
:func:`logistic.cli._dask_client.dask_client`; :func:`connect` itself
sets nothing: a library caller keeping its cluster sets the key as
:func:`connect`'s docstring shows). ``LocalCluster`` closes a worker's nanny
for good when no worker of its name is registered that long (default 15 s)
after one was removed, even while the nanny is still restarting it: a restart
slower than that (a loaded machine, a slow worker start-up) would leave the
cluster a worker short, and a cluster of one worker with none. The key is read
at each worker's removal, so the setting must cover the cluster's use, not
only its creation.

The ``LocalCluster`` the CLI starts is :func:`local_cluster`'s: its watch of
the scheduler's worker list ignores the removal of a worker it does not list
(distributed's ``Cluster._update_worker_status`` raises ``KeyError`` there, a
removal message that crosses a worker's restart or a ``scale``; the watch then
stops and the error surfaces at ``close``, after a finished fit). Its
scheduler's HTTP server (which distributed starts even without a dashboard,
on port 8787 by default, warning when that port is taken) listens on a free
port of 127.0.0.1: the dashboard is off and nothing of the library uses it.

Ctrl-C in a terminal sends SIGINT to the whole foreground process group, the
``LocalCluster``'s worker processes included: each then prints its own
``KeyboardInterrupt`` traceback on stderr while the parent, which owns their
shutdown, closes the cluster anyway; a hang-up (SIGHUP, the terminal or SSH
session closing) reaches them all too. The CLI therefore starts its cluster
with :func:`started_without_terminal_signals`, whose worker processes never
see SIGINT or SIGHUP (the parent closes them after its one-line
``interrupted`` or ``hung up (SIGHUP)``), and after
an interrupt closes it :func:`quiet_after_interrupt`: closing a worker while a
task of the abandoned fit runs logs a warning (``Async instruction ... ended
with CancelledError``), noise after a Ctrl-C.
"""

from __future__ import annotations

import logging
import numbers
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar, cast

from .._constraints import Interval, validate_params
from .._thread_budget import available_cpus

__all__ = [
    "LOST_WORKER_TIMEOUT",
    "connect",
    "local_cluster",
    "nannies_keep_restarting",
    "quiet_after_interrupt",
    "quiet_connection_tracebacks",
    "started_without_terminal_signals",
]

#: How long a ``LocalCluster`` of the library waits for a removed worker's
#: nanny to bring it back before closing that nanny (module docstring).
LOST_WORKER_TIMEOUT = "1h"

_KEY = "distributed.deploy.lost-worker-timeout"

T = TypeVar("T")

#: SIGHUP where the platform has it (the masks of the cluster's start).
_SIGHUP = {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()


_LOCK = threading.Lock()
_cluster_class: Any = None  # local_cluster's LocalCluster subclass, made at first use
_active = 0  # blocks of nannies_keep_restarting open in this process
_setting: Any = None  # the dask.config.set that entered the value; restores on exit


@contextmanager
def nannies_keep_restarting() -> Iterator[None]:
    """``distributed.deploy.lost-worker-timeout`` set to
    :data:`LOST_WORKER_TIMEOUT` for the block (process-wide, as every Dask
    setting), restored after it.

    Blocks of several threads may overlap and end in any order: the first to
    enter sets the key, the last to leave restores the value from before the
    first, so every block runs with the hour and none outlives the others."""
    import dask
    import distributed  # noqa: F401  its defaults loaded first, so kept after the block

    global _active, _setting
    with _LOCK:
        if _active == 0:
            _setting = dask.config.set({_KEY: LOST_WORKER_TIMEOUT})
        _active += 1
    try:
        yield
    finally:
        with _LOCK:
            _active -= 1
            if _active == 0:
                _setting.__exit__(None, None, None)
                _setting = None


def started_without_terminal_signals(
    start: Callable[[], T], meanwhile: Callable[[], object] | None = None
) -> T:
    """``start()`` (the making of a ``LocalCluster`` and its client) run in a
    thread of its own that blocks SIGINT and SIGHUP, the signals a terminal
    sends to its whole process group (Ctrl-C; the terminal or SSH session
    closing), so that the cluster's worker processes, and their restarts,
    never receive them (module docstring); the calling thread waits for it
    and stays interruptible. ``start()`` is called in the calling thread
    where threads have no signal mask (Windows).

    ``meanwhile()``, when given, is called in the calling thread while the
    cluster starts (the imports the command needs next:
    :mod:`logistic.backends._dask_warm`), its error handled as an interrupt
    of the wait (what the start made is closed, then the error raised).

    A thread's signal mask is inherited by the threads it starts and kept by
    a process across ``fork`` and ``exec``. distributed starts each worker
    process (``multiprocessing``, method ``spawn``) from a thread of the
    cluster's event loop, a thread the cluster starts in its constructor, so
    in the start's thread: the loop thread and its descendants keep the two
    blocked for good, and so does every worker process started from them, a
    nanny's restart of a dead worker included (a worker's nanny ends it with
    its own messages and SIGTERM). Python runs signal handlers in the main
    thread only, so no other thread of this process needs them; the mask is
    per thread, so the calling thread and those started before are not
    affected: a Ctrl-C during the start interrupts the wait at once, as
    before (the start then goes on in its thread and what it makes is closed
    there; the workers of a cluster left behind end with this process).

    ``multiprocessing``'s resource tracker is started first, in the calling
    thread, with SIGHUP blocked for its start (its process ignores SIGINT and
    SIGTERM itself, not SIGHUP: ended by a hang-up, it is started again by
    each worker, and each new one prints a ``KeyError`` traceback for every
    shared semaphore it never saw registered). Starting it (on the first
    semaphore of the process, a worker's queue: in the loop thread) blocks
    SIGINT around its spawn and then *unblocks* it in the starting thread,
    which would undo the mask of the loop thread and leave the workers with
    SIGINT. Started already, it is only probed there after."""
    if not hasattr(signal, "pthread_sigmask"):
        if meanwhile is not None:
            meanwhile()
        return start()
    from multiprocessing import resource_tracker

    shielded = {signal.SIGINT, *_SIGHUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGHUP)
    try:
        resource_tracker.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    lock = threading.Lock()
    outcome: list[Any] = []  # [result, error], set by the start's thread
    abandoned = False

    def run() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, shielded)
        result, error = None, None
        try:
            result = start()
        except BaseException as exc:  # handed to the calling thread
            error = exc
        with lock:
            outcome[:] = [result, error]
            left = abandoned
        if left and result is not None:
            _close(result)

    thread = threading.Thread(target=run, name="dask cluster start", daemon=True)
    thread.start()
    try:
        if meanwhile is not None:
            meanwhile()
        thread.join()
    except BaseException:
        with lock:
            abandoned = True
            made = outcome[0] if outcome else None
        if made is not None:  # finished meanwhile: nothing else will close it
            _close(made)
        raise
    result, error = outcome
    if error is not None:
        raise error
    return cast(T, result)


def _close(client: Any) -> None:
    """Close a client of :func:`connect`'s LocalCluster and the cluster."""
    with suppress(Exception):
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


#: How long :func:`quiet_after_interrupt` waits for the workers' answer.
QUIET_TIMEOUT = 2.0


class _ConnectionTracebacks(logging.Filter):
    """Drops a record whose traceback is of a lost connection (refused or
    reset, ``CommClosedError``, a timeout, ``CancelledError``) and the
    client's "Failed to reconnect to scheduler" when it gives up."""

    def filter(self, record: logging.LogRecord) -> bool:
        import asyncio

        if str(record.msg).startswith("Failed to reconnect to scheduler"):
            return False
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        lost = (ConnectionError, TimeoutError, asyncio.CancelledError)
        closed = any(c.__name__ == "CommClosedError" for c in type(exc).__mro__)
        return not (isinstance(exc, lost) or closed)


@contextmanager
def quiet_connection_tracebacks() -> Iterator[None]:
    """For the block, ``distributed.client`` logs no traceback of a lost
    connection: when the scheduler goes away mid-fit, the client logs one
    per pending call (``ConnectionRefusedError``, ``CommClosedError``,
    ``CancelledError``: ~40 lines), and "Failed to reconnect to scheduler
    after 30.00 seconds" when it gives up, before the fit's own error names
    the lost scheduler and the remedy, the one line the command line prints.
    Other records of the logger (version mismatches, other errors, an
    ``OSError`` of a file) pass."""
    logger = logging.getLogger("distributed.client")
    quiet = _ConnectionTracebacks()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


@contextmanager
def quiet_after_interrupt(client: Any) -> Iterator[None]:
    """The ``distributed`` loggers quiet for the block, the close of a
    ``LocalCluster`` of the library after an interrupt (or the error that
    ends the command line's fit): in this process
    (scheduler, nannies) until the block ends, ``CRITICAL`` only (the
    scheduler logs at ``ERROR`` each broadcast to a worker that the interrupt
    closed first, "broadcast to tcp://... failed: CommClosedError", when
    only the main process got the signal: ``kill -INT``/``-TERM`` of its
    PID); in its worker processes (which end with it) for good, the same
    (a worker logs at ``ERROR``, with a traceback, a transfer whose reader
    the interrupt closed: "failed during get data").

    The workers are told through ``client.run`` before the cluster is closed
    (after it, a worker might close first); at most :data:`QUIET_TIMEOUT`
    seconds are spent waiting for them (a worker whose event loop does not
    answer is closed unquieted: the interrupt must not wait on it)."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        asking = threading.Thread(
            target=_quiet_workers, args=(client,), name="dask quiet", daemon=True
        )
        asking.start()
        asking.join(QUIET_TIMEOUT)
        yield
    finally:
        logger.setLevel(level)


def _quiet_workers(client: Any) -> None:
    with suppress(Exception):  # a worker gone, the client closing: nothing to quiet
        client.run(_quiet_logs)


def _quiet_logs() -> None:
    """Run on each worker by :func:`quiet_after_interrupt`."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def connect(
    scheduler: str | None = None,
    workers: int | None = None,
    threads_per_worker: int = 1,
) -> Any:
    """A ``distributed.Client``: to ``scheduler`` (an address) or a new LocalCluster.

    The CLI's ``--scheduler ADDRESS`` / ``--workers N``. Without an address,
    a LocalCluster of ``workers`` worker processes (default: one per CPU this
    process may run on, its affinity mask, as a fit's threads, but no more
    than its memory holds at 128 MiB a worker:
    :func:`logistic._memory.local_workers_held`) of
    ``threads_per_worker`` threads. Close the returned client (and its
    cluster) when done:
    ``client.close(); client.cluster and client.cluster.close()``.

    A LocalCluster closes a dead worker's nanny when its restart is still
    under way ``distributed.deploy.lost-worker-timeout`` (15 s) after the
    death, leaving the cluster a worker short (with one worker: none, and the
    fit fails with :class:`~logistic.backends.dask.DaskClusterError`). The
    CLI uses the cluster inside :func:`nannies_keep_restarting`; a caller that
    keeps the cluster should set the key for as long as it uses the cluster
    (it is read at each worker's removal; import ``distributed`` first, so
    that leaving the block keeps its default)::

        import dask, distributed

        with dask.config.set({"distributed.deploy.lost-worker-timeout": "1h"}):
            client = connect(workers=4)
            ...  # the fits
            client.close(); client.cluster.close()
    """
    from distributed import Client

    count = Interval(numbers.Integral, 1, None, "left")
    validate_params(
        "connect",
        {"workers": workers, "threads_per_worker": threads_per_worker},
        {"workers": [count, None], "threads_per_worker": [count]},
    )
    if scheduler is not None:
        from ._dask_probe import check_scheduler

        check_scheduler(scheduler)  # a scheduler answers there, within the timeout
        return Client(scheduler)
    from .._memory import local_workers_held, local_workers_message

    if workers is not None:
        from .._exceptions import InvalidParameterError

        too_many = local_workers_message(workers, "workers")
        if too_many:
            raise InvalidParameterError(too_many)
    cluster = local_cluster(
        n_workers=workers or local_workers_held(available_cpus()),
        threads_per_worker=threads_per_worker,
        processes=True,
        dashboard_address=None,
        # the HTTP server distributed starts anyway: a free port, not 8787
        # (module docstring), with no dashboard on it
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )
    return Client(cluster)


def local_cluster(**kwargs: Any) -> Any:
    """A ``distributed.LocalCluster(**kwargs)`` whose watch of the scheduler's
    worker list ignores the removal of a worker it does not list (module
    docstring): without it the watch stops at such a message, the cluster
    stops following its workers, and its ``close`` raises that ``KeyError``
    after the work is done."""
    global _cluster_class
    if _cluster_class is None:
        from distributed import LocalCluster

        class _LocalCluster(LocalCluster):  # type: ignore[misc]
            def _update_worker_status(self, op: str, msg: Any) -> None:
                if op == "remove" and msg not in self.scheduler_info.get("workers", {}):
                    return  # removed already: nothing of it left to drop
                super()._update_worker_status(op, msg)

        _cluster_class = _LocalCluster
    return _cluster_class(**kwargs)
