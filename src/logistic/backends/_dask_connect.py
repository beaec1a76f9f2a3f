"""A ``distributed.Client`` for the CLI's ``--scheduler`` / ``--workers``.

Kept apart from the backend (:mod:`logistic.backends.dask`, which re-exports
:func:`connect`): which cluster to run on is the caller's choice, not part of
how a pass runs on it.

Convention (owned here): while the CLI uses a ``LocalCluster`` it started
(``--workers``), ``distributed.deploy.lost-worker-timeout`` is
:data:`LOST_WORKER_TIMEOUT` (:func:`nannies_keep_restarting`, entered by
:func:`logistic.cli._stream_backends.dask_client`; :func:`connect` itself
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
stops and the error surfaces at ``close``, after a finished fit).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._thread_budget import available_cpus

__all__ = ["LOST_WORKER_TIMEOUT", "connect", "local_cluster", "nannies_keep_restarting"]

#: How long a ``LocalCluster`` of the library waits for a removed worker's
#: nanny to bring it back before closing that nanny (module docstring).
LOST_WORKER_TIMEOUT = "1h"

_KEY = "distributed.deploy.lost-worker-timeout"


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


def connect(
    scheduler: str | None = None,
    workers: int | None = None,
    threads_per_worker: int = 1,
) -> Any:
    """A ``distributed.Client``: to ``scheduler`` (an address) or a new LocalCluster.

    The CLI's ``--scheduler ADDRESS`` / ``--workers N``. Without an address,
    a LocalCluster of ``workers`` worker processes (default: one per CPU this
    process may run on, its affinity mask, as a fit's threads) of
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

    if scheduler is not None:
        return Client(scheduler)
    cluster = local_cluster(
        n_workers=workers or available_cpus(),
        threads_per_worker=threads_per_worker,
        processes=True,
        dashboard_address=None,
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
