"""Persisted partitions load on the worker they are spread to
(``_dask_locality.persist_spread``), even when one worker loads slowly.

A loading task queued behind others on its worker would be stolen by a
worker idle first: the thief then holds the decoded file while the pieces'
own tasks fetch it over the network (the partitions end up unevenly spread
and unaligned). Each worker is therefore given only as many loads as it has
threads at a time. One cluster (2 worker processes, 1 thread each).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")

from conftest import local_dask_client  # noqa: E402
from logistic.backends._dask_locality import persist_spread  # noqa: E402

PARTS = 12


def _load(index, slow_address, seconds):
    """A partition's pieces: ``seconds`` to load on ``slow_address``, at
    once elsewhere."""
    if distributed.get_worker().address == slow_address:
        time.sleep(seconds)
    X = np.full((500, 3), float(index))
    return X, np.arange(500.0) % 2


def _incoming_keys(dask_worker):
    return [str(k) for d in dask_worker.transfer_incoming_log for k in d["keys"]]


def test_loads_stay_on_their_worker_when_one_worker_is_slow():
    """Worker A takes 0.5 s a partition, B none: B, idle after its share,
    steals none of A's loads; every partition is held once, by the worker
    of its contiguous run, and no worker fetched any piece."""
    import dask

    with local_dask_client() as client:
        slow, fast = sorted(client.scheduler_info()["workers"])
        parts = []
        for i in range(PARTS):
            pair = dask.delayed(_load, nout=2, pure=False)(i, slow, 0.5)
            parts.append((pair[0], pair[1]))
        persisted = persist_spread(client, parts, timeout=60)
        futures = distributed.futures_of(persisted)
        distributed.wait(futures, timeout=60)
        X = [distributed.futures_of(persisted[2 * i])[0] for i in range(PARTS)]
        who = client.who_has(X)
        holders = [tuple(who[str(f.key)]) for f in X]
        assert holders == [(slow,)] * (PARTS // 2) + [(fast,)] * (PARTS // 2)
        assert all(not keys for keys in client.run(_incoming_keys).values())
        loaded = client.gather(X)
        assert [float(x[0, 0]) for x in loaded] == [float(i) for i in range(PARTS)]
