"""A ``distributed.Client`` for the CLI's ``--scheduler`` / ``--workers``.

Kept apart from the backend (:mod:`logistic.backends.dask`, which re-exports
:func:`connect`): which cluster to run on is the caller's choice, not part of
how a pass runs on it.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["connect"]


def connect(
    scheduler: str | None = None,
    workers: int | None = None,
    threads_per_worker: int = 1,
) -> Any:
    """A ``distributed.Client``: to ``scheduler`` (an address) or a new LocalCluster.

    The CLI's ``--scheduler ADDRESS`` / ``--workers N``. Without an address,
    a LocalCluster of ``workers`` worker processes (default: one per core) of
    ``threads_per_worker`` threads. Close the returned client (and its
    cluster) when done:
    ``client.close(); client.cluster and client.cluster.close()``.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler)
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=threads_per_worker,
        processes=True,
        dashboard_address=None,
    )
    return Client(cluster)
