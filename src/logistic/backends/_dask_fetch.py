"""How a grouped Dask evaluation's results come back to the client.

Convention (owned here): results are fetched from the workers directly when
the client surely reaches them (:func:`direct_gather`), else through the
scheduler; a grouped evaluation's fetch starts on the client's event loop
as soon as its tasks are submitted (:class:`EarlyFetch`), and the workers
keep its results until the next evaluation is submitted
(:func:`hold_results`). Used by :mod:`logistic.backends._dask_faults`.
"""

from __future__ import annotations

from typing import Any

from ._wake import Wake

__all__ = ["EarlyFetch", "direct_gather", "hold_results"]


def direct_gather(client: Any) -> bool:
    """Whether results are fetched from the workers directly rather than
    through the scheduler: the client's own ``direct_to_workers`` when set,
    else only for a cluster whose workers the client surely reaches: an
    in-process scheduler, or the client's own ``LocalCluster``. A scheduler
    address on loopback alone does not qualify (an SSH tunnel to a remote
    scheduler looks the same, and its workers cannot be reached: the fetch
    would retry until ``cluster_timeout``). Direct fetching skips the
    scheduler's copy of every result (one hop and one copy less per pass,
    with the scheduler's event loop free for the task messages)."""
    direct = getattr(client, "direct_to_workers", None)
    if direct is not None:
        return bool(direct)
    if str(getattr(client.scheduler, "address", "")).startswith("inproc://"):
        return True
    from distributed import LocalCluster  # loaded: a client exists

    return isinstance(getattr(client, "cluster", None), LocalCluster)


class EarlyFetch:
    """The tasks' results fetched on the client's event loop once the last
    task finishes (``Client._gather``, directly from the workers where
    :func:`direct_gather` says so). ``wake`` is set when the fetch ends (with
    the values, or a task's error, a cancellation, a lost connection);
    ``values`` are read once ``done`` is set and ``complete``, else the wait
    fetches as without it (:meth:`ClusterRun._gather`), so failures are
    reported as before. The waiting thread wakes once, with the results,
    not on the finished tasks (through Dask's callback thread) and again
    for the fetch: each wake-up is a hand-over between threads, which on a
    loaded machine waits for a CPU. (A fetch per task as it finished moved
    the first result while the other computed, but each direct fetch asks
    the scheduler where its keys are: one request more a pass, no faster.)
    """

    def __init__(self, n: int) -> None:
        self.wake = Wake()  # set from the event loop: no lock a Ctrl-C can hold
        self.done = Wake()
        self.values: list[Any] = [None] * n
        self.complete = False
        self._task: Any = None  # the loop keeps only a weak reference

    @classmethod
    def start(cls, client: Any, futures: list[Any]) -> EarlyFetch | None:
        """Start the fetch (called on the client's event loop); None when
        this client has no ``_gather`` coroutine (other ``distributed``
        versions)."""
        gather = getattr(client, "_gather", None)
        if gather is None:  # pragma: no cover - other distributed versions
            return None
        import asyncio

        early = cls(len(futures))
        direct = direct_gather(client)
        early._task = asyncio.ensure_future(early._fetch(gather, futures, direct))
        return early

    async def _fetch(self, gather: Any, futures: list[Any], direct: bool) -> None:
        try:
            self.values = list(await gather(futures, direct=direct))
            self.complete = True
        except BaseException:  # noqa: BLE001 - the waiting thread finds it
            pass
        finally:
            self.done.set()
            self.wake.set()


def hold_results(held: list[Any], futures: list[Any]) -> None:
    """Put ``futures`` in ``held``, emptied just before they were submitted
    (on the same visit to the client's event loop). A dropped future's key
    is released by a callback the loop runs next, and the client sends to
    the scheduler at most once every 10 ms (Dask's batched stream): released
    at the end of an evaluation, the message delayed the next submit by up
    to 10 ms; released after the submit, it left 10 ms later, mid-pass;
    released just before, it leaves with the tasks. Until then the workers
    keep the previous evaluation's partial sums."""
    held[:] = futures
