"""One Dask evaluation on a distributed cluster, and the errors its faults become.

Convention (owned here):

* An evaluation submits one task per partition (or one per group of
  partitions persisted on one worker, :meth:`ClusterRun.compute_groups`: a
  group task that raised makes the caller recompute that evaluation one task
  per partition, so that the error names the partition, within what remains
  of the same ``timeout``) and waits for them in slices of at most ``poll``
  seconds (``cluster_timeout / 10``, between 0.05 and 2 s).
  A finished task, a failed one or a cancelled one wakes the wait at once;
  otherwise, after each slice, the client asks the scheduler for its workers
  (a request bounded by the slice). Group tasks are submitted together from
  the client's event loop, the workers keep an evaluation's group results
  until the next one is submitted, and results come from the workers
  directly when the client can reach them, else through the scheduler
  (:mod:`logistic.backends._dask_fetch`).
* The wait ends with an error, never by waiting forever:

  ===========================================  =================================
  what happens                                 error
  ===========================================  =================================
  the connection to the scheduler closes       :class:`SchedulerLostError`, at
                                               once
  the scheduler does not answer for            :class:`SchedulerLostError`
  ``cluster_timeout`` seconds
  no worker can run tasks (none connected, or  :class:`WorkerMemoryError` (all
  all paused at their memory limit) for        paused) or
  ``cluster_timeout`` seconds                  :class:`DaskClusterError`
  the evaluation takes longer than             :class:`EvaluationTimeoutError`
  ``timeout`` seconds                          (:class:`WorkerMemoryError` when
                                               every worker is paused)
  a partition's task raises                    :class:`PartitionError`, naming
                                               the partition and its file
  a partition's task kills its worker more     :class:`PartitionError`, or
  than ``allowed-failures`` times              :class:`WorkerMemoryError` when a
  (``KilledWorker``)                           nanny restarted a worker for
                                               exceeding its memory limit
  a group task kills its worker more than      the same errors at once, naming
  ``allowed-failures`` times                   the group's partitions (and
                                               files)
  ===========================================  =================================

  A group task that killed its worker is not rerun one task per partition:
  the culprit would kill ``allowed-failures`` + 1 workers again (each death
  restarts a worker and loses the partitions persisted on it, recomputed from
  their files) only to narrow the suspects from the group's partitions to
  one, while the remedy, loading the named files alone, stays the same.
  The scheduler counts a worker's death against every task the worker held,
  the one it ran and those waiting behind it (nothing is held back at the
  scheduler for a graph of a few tasks a worker thread), so a cheap task can
  reach ``allowed-failures`` + 1 beside the culprit: the error names every
  partition whose task (or group task) was given up on as a suspect, never
  only the first by index.

  Messages name the partition (and file), the scheduler's address, what
  happened and the remedy; each error says that a fit given ``checkpoint=``
  resumes from its last checkpoint on a new cluster.
* The remaining tasks are cancelled before an error is raised; the client
  never continues without a partition's rows.

The cluster errors derive from :class:`logistic.LogisticError` and from the
matching builtin (``ConnectionError``, ``TimeoutError``, ``MemoryError``), not
from ``ValueError``: they are faults of the cluster, not of the data.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import CancelledError
from typing import Any

from ._dask_errors import (
    RESUME,
    DaskClusterError,
    EvaluationTimeoutError,
    PartitionError,
    SchedulerLostError,
    WorkerMemoryError,
    blamed,
)
from ._dask_fetch import EarlyFetch, direct_gather, hold_results
from ._wake import Wake

__all__ = [
    "ClusterRun",
    "DaskClusterError",
    "EvaluationTimeoutError",
    "PartitionError",
    "SchedulerLostError",
    "WorkerMemoryError",
]


#: What an evaluation's ``plan`` gives: each task's partitions and its
#: ``(fn, args, kwargs)`` for ``client.submit``.
Planned = tuple[list[list[int]], list[tuple[Any, tuple[Any, ...], dict[str, Any]]]]


def _mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


class ClusterRun:
    """Runs evaluations on a ``distributed.Client``; see the module docstring.

    Parameters
    ----------
    client : distributed.Client
    retries : int
        Passed to ``client.compute``: times a task that raised is re-run.
    timeout : float or None
        Seconds one evaluation may take (None: no limit).
    cluster_timeout : float or None
        Seconds the scheduler may go unanswered, or the cluster may have no
        worker able to run tasks, before the evaluation fails (None: no limit).
    part_names : sequence of str or None
        The file of each partition, for messages.
    """

    def __init__(
        self,
        client: Any,
        *,
        retries: int = 0,
        timeout: float | None = None,
        cluster_timeout: float | None = 60.0,
        part_names: Sequence[str] | None = None,
    ) -> None:
        self.client = client
        self.retries = retries
        self.timeout = timeout
        self.cluster_timeout = cluster_timeout
        self.part_names = part_names
        limit = 20.0 if cluster_timeout is None else cluster_timeout
        self.poll = min(2.0, max(0.05, limit / 10))
        self._begin()

    def _begin(self) -> None:
        """Start an evaluation: its ``timeout`` and its memory events count
        from now."""
        self._since = time.time()
        self._t0 = time.monotonic()

    @property
    def address(self) -> str:
        return str(getattr(self.client.scheduler, "address", "?"))

    def where(self, i: int) -> str:
        name = f" ({self.part_names[i]})" if self.part_names else ""
        return f"partition {i}{name}"

    # -- one evaluation ------------------------------------------------------
    def compute(
        self,
        tasks: list[Any],
        label: str,
        collect_errors: bool = False,
        *,
        resume: bool = False,
    ) -> list[Any]:
        """Results in partition order.

        With ``collect_errors`` every task is waited for and a failed one's
        exception is returned in its place (untranslated); otherwise the
        first failure cancels the rest and raises. ``resume``: the same
        evaluation after :meth:`compute_groups` returned None, so the tasks
        get what remains of its ``timeout``, not a new one.
        """
        if not resume:
            self._begin()
        futures = self._submit(tasks, label)
        try:
            self._wait(futures, label, fail_fast=not collect_errors)
            failed = self._failures(futures)
            if failed and not collect_errors:
                raise self.partition_error(failed)
            done = [f for f in futures if f.status == "finished"]
            values = iter(self._gather(done, label))
        except BaseException:
            self._cancel(futures)
            raise
        return [failed[i] if i in failed else next(values) for i in range(len(tasks))]

    def compute_groups(
        self,
        plan: Callable[[], Awaitable[Planned | None]],
        label: str,
        held: list[Any] | None = None,
        *,
        resume: bool = False,
    ) -> tuple[list[list[int]], list[Any]] | None:
        """One task per group of partitions, planned and submitted in one
        visit to the client's event loop (``plan()``, awaited there: each
        task's partitions and ``client.submit(fn, *args, **kwargs)`` call,
        None when the scheduler did not say where the partitions are).
        Returns the tasks' partitions and results, or None without a plan
        or when a task raised: the caller then recomputes the evaluation one
        task per partition (``compute(..., resume=True)``), which names the
        failed partition. A task that killed its worker (``KilledWorker``)
        raises :meth:`killed_error` for its partitions at once (module
        docstring). A cancelled task, a lost scheduler and the ``timeout``
        raise as for :meth:`compute` (the timeout naming the partitions of
        the unfinished tasks).

        ``held``: the futures of the caller's previous evaluation, replaced by
        this one's once its tasks are submitted (see :func:`hold_results`).
        ``resume``: the same evaluation after its direct calls were declined
        (:mod:`logistic.backends._dask_direct`): what remains of its
        ``timeout``.
        """
        if not resume:
            self._begin()
        if self.client.status != "running":
            return None  # the per-partition rerun reports what became of it
        try:
            submitted = self._submit_calls(plan, held)
        except (CancelledError, OSError) as exc:
            raise self._lost(label, f"{type(exc).__name__}: {exc}") from exc
        if submitted is None:
            return None
        members, futures, early = submitted
        try:
            wake = None if early is None else early.wake
            self._wait(futures, label, fail_fast=True, members=members, wake=wake)
            failed = self._failures(futures)
            killed = [i for i, e in failed.items() if _killed_worker(e)]
            if killed:  # every partition of each such task: a suspect
                groups = [members[i] for i in sorted(killed)]
                raise self.killed_error(groups, failed[killed[0]])
            if failed:
                self._cancel(futures)
                return None
            if early is not None and early.done.wait(self.poll) and early.complete:
                return members, early.values
            return members, self._gather(futures, label)
        except BaseException:
            self._cancel(futures)
            raise

    def _failures(self, futures: list[Any]) -> dict[int, BaseException]:
        """The failed tasks' exceptions by index. The scheduler reports the
        tasks it gave up on after a worker's death (``KilledWorker``) in one
        message batch, handled on the client's event loop: having seen one,
        a round trip on that loop lets the batch land before the statuses are
        read again, so that no task of that death is missed."""

        def read() -> dict[int, BaseException]:
            return {
                i: f.exception() for i, f in enumerate(futures) if f.status == "error"
            }

        failed = read()
        if any(_killed_worker(e) for e in failed.values()):
            with contextlib.suppress(TimeoutError, OSError, CancelledError):
                self.client.sync(asyncio.sleep, 0, callback_timeout=self.poll * 5)
            failed = read()
        return failed

    def _submit_calls(
        self, plan: Callable[[], Awaitable[Planned | None]], held: list[Any] | None
    ) -> tuple[list[list[int]], list[Any], EarlyFetch | None] | None:
        """On the client's event loop: ``plan()``, ``client.submit`` of every
        call and the :class:`EarlyFetch` of their results (None without a
        plan). The client sends its messages to the scheduler at most once
        every 10 ms (Dask's batched stream): submitted from this thread, the
        second task's message waited out those 10 ms while the first worker
        computed. Asking for ``plan`` from this thread too would be a second
        hand-over between threads (under load each can wait for a CPU).
        ``held`` (:func:`hold_results`) is updated after the submissions."""
        client = self.client

        async def on_loop() -> tuple[list[list[int]], list[Any], Any] | None:
            planned = await plan()
            if planned is None:
                return None
            members, calls = planned
            if held is not None:
                held.clear()  # their release leaves with these tasks (hold_results)
            futures = [
                client.submit(fn, *args, retries=self.retries, pure=False, **kw)
                for fn, args, kw in calls
            ]
            if held is not None:
                hold_results(held, futures)
            return members, futures, EarlyFetch.start(client, futures)

        return client.sync(on_loop, callback_timeout=self.cluster_timeout)

    def _submit(self, tasks: list[Any], label: str) -> list[Any]:
        if self.client.status not in ("running", "newly-created"):
            raise self._lost(label, f"the client is {self.client.status}")
        try:
            return list(self.client.compute(tasks, retries=self.retries))
        except (CancelledError, OSError) as exc:
            raise self._lost(label, f"{type(exc).__name__}: {exc}") from exc

    def wait_calls(
        self,
        calls: list[Any],
        label: str,
        members: list[list[int]],
        wake: Wake,
        on_look: Callable[[dict[str, Any] | None], bool],
    ) -> None:
        """:meth:`_wait` for direct calls (objects with a future's ``status``:
        ``pending``, ``finished`` or ``error``; ``wake`` set when one ends),
        until all answered or one was declined; ``members[i]``: call ``i``'s
        partitions, named by the ``timeout``'s error; ``on_look(info)`` at
        each look at the cluster (the scheduler's ``identity`` answer, None
        when it did not answer): true when it declined a call."""
        self._wait(
            calls, label, fail_fast=True, members=members, wake=wake, on_look=on_look
        )

    def _wait(
        self,
        futures: list[Any],
        label: str,
        fail_fast: bool,
        members: list[list[int]] | None = None,
        wake: Wake | None = None,
        on_look: Callable[[dict[str, Any] | None], bool] | None = None,
    ) -> None:
        """Until every task finished (``fail_fast``: or one failed), one was
        cancelled or a fault raises; ``wake``: set when a state may change;
        ``on_look``: :meth:`wait_calls`'."""
        wake = wake or _wake_on_done(futures)
        t0 = self._t0  # the evaluation's start (``timeout`` covers a rerun)
        stalled_since: float | None = None
        while True:
            wake.clear()
            status = [f.status for f in futures]
            if "cancelled" in status:
                raise self._cancelled(futures, label)
            # "lost": its result died with a worker and is being recomputed
            if all(s in ("finished", "error") for s in status):
                return
            if fail_fast and "error" in status:
                return
            elapsed = time.monotonic() - t0
            if self.timeout is not None and elapsed >= self.timeout:
                raise self._timed_out(futures, label, members)
            wait_s = self.poll
            if self.timeout is not None:
                wait_s = min(wait_s, self.timeout - elapsed)
            if wake.wait(wait_s):
                continue
            info = self._identity()
            if on_look is not None and on_look(info):
                continue  # a direct call was declined: the tasks rerun the pass
            problem = self._health(info)
            if problem is None:
                stalled_since = None
                continue
            stalled_since = stalled_since or time.monotonic()
            limit = self.cluster_timeout
            if limit is not None and time.monotonic() - stalled_since >= limit:
                raise problem(label, futures, limit)

    def _gather(self, futures: list[Any], label: str) -> list[Any]:
        gather = getattr(self.client, "_gather", None)
        direct = direct_gather(self.client)
        try:
            if gather is None:  # pragma: no cover - other distributed versions
                return list(self.client.gather(futures, direct=direct))
            return list(
                self.client.sync(
                    gather,
                    futures,
                    direct=direct,
                    callback_timeout=self.cluster_timeout,
                )
            )
        except (CancelledError, OSError) as exc:
            raise self._lost(label, f"{type(exc).__name__}: {exc}") from exc

    def _cancel(self, futures: list[Any]) -> None:
        try:
            self.client.cancel(futures)
        except Exception:  # noqa: BLE001 - the client may already be gone
            pass

    # -- what the cluster is doing -------------------------------------------
    def _identity(self) -> dict[str, Any] | None:
        """The scheduler's answer to ``identity``, or None when it does not answer."""
        if self.client.status != "running":
            return None
        try:
            return self.client.sync(
                self.client.scheduler.identity, n_workers=-1, callback_timeout=self.poll
            )
        except (TimeoutError, OSError, CancelledError):
            return None

    def _health(
        self, info: dict[str, Any] | None
    ) -> Callable[[str, list[Any], float], Exception] | None:
        """None when the cluster can make progress, else how to fail if it
        lasts; ``info``: the scheduler's :meth:`_identity` answer."""
        if info is None:
            return lambda label, futures, s: self._lost(
                label, f"it has not answered for {s:g} s (cluster_timeout)"
            )
        workers = info.get("workers", {})
        if any(w.get("status") == "running" for w in workers.values()):
            return None
        if workers:
            return lambda label, futures, s: self._paused(label, workers, s)
        return lambda label, futures, s: DaskClusterError(
            f"{label}: the Dask cluster at {self.address} has had no workers for "
            f"{s:g} s (cluster_timeout), so its tasks cannot run. Start workers (or "
            f"raise cluster_timeout for a cluster that scales up slowly); {RESUME}."
        )

    def _lost(self, label: str, why: str) -> SchedulerLostError:
        return SchedulerLostError(
            f"{label}: lost the Dask scheduler at {self.address} ({why}). The "
            f"partitions' results and any persisted data on it are gone, so the fit "
            f"cannot continue on this cluster: restart the scheduler (or connect to "
            f"another) and fit again; {RESUME}."
        )

    def _cancelled(self, futures: list[Any], label: str) -> DaskClusterError:
        reasons = set()
        for f in futures:
            exc = getattr(getattr(f, "_state", None), "exception", None)
            if f.status == "cancelled":
                reasons.add(str(getattr(exc, "reason", "unknown")))
        if self.client.status != "running" or "scheduler-connection-lost" in reasons:
            return self._lost(label, "the connection closed")
        return DaskClusterError(
            f"{label}: the cluster at {self.address} cancelled partition tasks "
            f"(reason: {', '.join(sorted(reasons))}); another client or a restart "
            f"of the cluster cancelled them. Fit again; {RESUME}."
        )

    def _paused(
        self, label: str, workers: dict[str, Any], seconds: float | None
    ) -> WorkerMemoryError:
        parts = []
        for address, w in sorted(workers.items()):
            memory = w.get("metrics", {}).get("memory")
            limit = w.get("memory_limit")
            use = f"{_mib(memory)} of {_mib(limit)}" if memory and limit else "?"
            parts.append(f"{address} ({w.get('status')}, {use})")
        how_long = "" if seconds is None else f" for {seconds:g} s (cluster_timeout)"
        return WorkerMemoryError(
            f"{label}: every Dask worker is paused at its memory limit{how_long}, so "
            f"no task can run: {', '.join(parts[:8])}. Give workers more memory "
            f"(memory_limit), use smaller partitions, dtype=float32 or persist=False; "
            f"{RESUME}."
        )

    def _timed_out(
        self, futures: list[Any], label: str, members: list[list[int]] | None = None
    ) -> DaskClusterError:
        """``members[i]``: the partitions of task ``i`` (None: one per task)."""
        pending = [i for i, f in enumerate(futures) if f.status in ("pending", "lost")]
        if members is not None:
            pending = sorted(j for i in pending for j in members[i])
        info = self._identity()
        if info is None:
            return self._lost(label, f"no answer at the timeout={self.timeout:g} s")
        workers = info.get("workers", {})
        statuses = [str(w.get("status")) for w in workers.values()]
        if workers and all(s == "paused" for s in statuses):
            return self._paused(label, workers, None)
        names = ", ".join(self.where(i) for i in pending[:5])
        names += ", ..." if len(pending) > 5 else ""
        return EvaluationTimeoutError(
            f"{label}: {len(pending)} partition task(s) did not finish within "
            f"timeout={self.timeout:g} s ({names}); "
            f"the cluster at {self.address} has {len(workers)} worker(s) "
            f"({', '.join(sorted(statuses)) or 'none'}). Raise timeout= for larger "
            f"partitions, or check the workers' logs; {RESUME}."
        )

    # -- a failed partition task ---------------------------------------------
    def partition_error(self, failed: Mapping[int, BaseException]) -> Exception:
        """The error for an evaluation whose partition tasks ``failed`` (each
        failed partition's exception): the first partition's, naming the
        others. When the first is a ``KilledWorker``, every partition whose
        task the scheduler gave up on for killing its worker is named as a
        suspect: the scheduler blames each task a dying worker held, the one
        it ran and those waiting behind it, so the first by index need not be
        the one at fault (the one at fault is among them)."""
        i = min(failed)
        exc = failed[i]
        suspects = [i]
        if _killed_worker(exc):
            suspects = sorted(j for j, e in failed.items() if _killed_worker(e))
        others = sorted(j for j in failed if j not in suspects)
        if _killed_worker(exc):
            return self.killed_error([[j] for j in suspects], exc, others)
        also = f" (partitions {others[:10]} failed too)" if others else ""
        where = self.where(i)
        path = self.part_names[i] if self.part_names else None
        return PartitionError(
            f"{where} failed{also}: {type(exc).__name__}: {exc}. The fit stops "
            f"rather than continue without these rows.",
            partition=i,
            path=path,
        )

    def killed_error(
        self,
        groups: Sequence[Sequence[int]],
        exc: BaseException,
        others: Sequence[int] = (),
    ) -> Exception:
        """The error for the tasks that killed their workers
        (``KilledWorker``), ``groups`` their partitions: one partition's own
        task, one task that reduced several, or several tasks the scheduler
        gave up on (each partition named, with its file, and why several
        are; :func:`~logistic.backends._dask_errors.blamed`). ``others``:
        partitions whose tasks failed otherwise."""
        attempts = int(getattr(exc, "allowed_failures", 0)) + 1
        members = [i for g in groups for i in g]
        one = len(members) == 1
        where, why = blamed(groups, self.part_names)
        also = f"; partitions {list(others[:10])} failed too" if others else ""
        paths = [self.part_names[i] for i in members] if self.part_names else None
        restarts = self._memory_restarts()
        if restarts:
            return WorkerMemoryError(
                f"{where} ran Dask workers out of memory: {len(restarts)} "
                f"worker(s) were restarted by their nanny for exceeding the "
                f"memory limit ({restarts[0]}), and the scheduler gave up after "
                f"{attempts} attempts (allowed-failures={attempts - 1}{also}).{why} "
                f"Give workers more memory (memory_limit), use smaller partitions "
                f"or dtype=float32; {RESUME}.",
                partition=members[0] if one else None,
                partitions=members,
                paths=paths,
            )
        path = self.part_names[members[0]] if self.part_names and one else None
        if one:
            what = "this partition"
            remedy = f"load {'this file' if path else 'this partition'} alone"
        else:
            what = "one of these partitions"
            remedy = f"load {'each file' if self.part_names else 'each'} alone"
        return PartitionError(
            f"{where} killed the worker running it {attempts} times "
            f"(allowed-failures={attempts - 1}; KilledWorker{also}).{why} The "
            f"worker process died while reading or reducing {what} (a crash in "
            f"native code, os._exit, or the operating system's out-of-memory "
            f"killer). The fit stops rather than continue without these rows: "
            f"{remedy} to find the cause, repair or remove it; {RESUME}.",
            partition=members[0] if one else -1,
            path=path,
            partitions=members,
            paths=paths,
        )

    def _memory_restarts(self) -> list[str]:
        """Workers restarted for memory since this evaluation began, described."""
        try:
            events = self.client.sync(
                self.client.scheduler.events,
                topic="worker-restart-memory",
                callback_timeout=self.poll * 5,
            )
        except (TimeoutError, OSError, CancelledError):
            return []
        return [
            f"{e.get('worker')}: {_mib(e.get('rss', 0))} resident"
            for t, e in events
            if t >= self._since - 1.0 and isinstance(e, dict)
        ]


def _killed_worker(exc: BaseException | None) -> bool:
    """Whether a task's error is ``distributed.scheduler.KilledWorker``."""
    return type(exc).__name__ == "KilledWorker"


def _wake_on_done(futures: list[Any]) -> Wake:
    """A flag set whenever one of ``futures`` finishes, fails or is cancelled
    (by Dask's callback, on the client's event loop: a :class:`Wake`, which
    no Ctrl-C in the waiting thread can leave blocking it)."""
    wake = Wake()

    def done(_: Any) -> None:
        wake.set()

    for f in futures:
        f.add_done_callback(done)
    if not futures:
        wake.set()
    return wake
