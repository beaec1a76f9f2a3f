"""The clusters the library starts (``--workers``): their nannies keep
restarting dead workers for as long as the cluster is in use."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.dask

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import threading  # noqa: E402
import time  # noqa: E402

from dask.utils import parse_timedelta  # noqa: E402

from logistic.backends._dask_connect import nannies_keep_restarting  # noqa: E402
from logistic.cli._dask_client import dask_client  # noqa: E402

KEY = "distributed.deploy.lost-worker-timeout"


def test_nannies_keep_restarting_for_the_block_only():
    """Inside: an hour (distributed's default, 15 s, closes a nanny whose
    worker's restart takes longer); after: distributed's own default again."""
    before = dask.config.get(KEY)
    with nannies_keep_restarting():
        assert parse_timedelta(dask.config.get(KEY)) == 3600
    assert dask.config.get(KEY) == before


def test_overlapping_blocks_of_two_threads_keep_the_hour_until_the_last_ends():
    """A enters, B enters, A leaves first: B still runs with the hour, and
    after both the value from before A is back (not the hour, not 15 s
    restored under B)."""
    before = dask.config.get(KEY)
    a_in, a_out, b_in = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def a() -> None:
        with nannies_keep_restarting():
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def b() -> None:
        a_in.wait(10)
        with nannies_keep_restarting():
            b_in.set()
            a_out.wait(10)
            seen["b after a left"] = dask.config.get(KEY)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert a_out.is_set()
    assert parse_timedelta(seen["b after a left"]) == 3600
    assert dask.config.get(KEY) == before


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_setting_restored_after_an_exception_in_the_block(exc):
    before = dask.config.get(KEY)
    with pytest.raises(type(exc)):
        with nannies_keep_restarting():
            raise exc
    assert dask.config.get(KEY) == before


def test_scheduler_address_leaves_the_setting_alone(monkeypatch):
    """``--scheduler``: the cluster is not the library's, so the key keeps
    the caller's value while the client is in use."""
    import logistic.backends.dask as dask_backend

    before = dask.config.get(KEY)
    seen = []
    monkeypatch.setattr(dask_backend, "connect", lambda **kw: _StubClient(seen, kw))
    with dask_client("tcp://127.0.0.1:8786", None) as client:
        assert dask.config.get(KEY) == before
    assert client.closed and seen == [
        {"scheduler": "tcp://127.0.0.1:8786", "workers": None}
    ]


class _StubClient:
    cluster = None

    def __init__(self, seen: list, kw: dict) -> None:
        seen.append(kw)
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_workers_cluster_is_used_and_closed_with_nannies_that_keep_restarting():
    """``--workers 1``: the key is read at each worker's removal, so the hour
    holds while the client is handed out, not only while the cluster starts;
    the cluster is closed and the value from before back after the block."""
    before = dask.config.get(KEY)
    with dask_client(None, 1) as client:
        cluster = client.cluster
        client.wait_for_workers(1, timeout=60)
        assert parse_timedelta(dask.config.get(KEY)) == 3600
        assert len(cluster.workers) == 1
    assert cluster.status.name == "closed"
    assert dask.config.get(KEY) == before


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_workers_cluster_closed_and_setting_restored_after_an_exception(exc):
    before = dask.config.get(KEY)
    with pytest.raises(type(exc)):
        with dask_client(None, 1) as client:
            cluster = client.cluster
            assert parse_timedelta(dask.config.get(KEY)) == 3600
            raise exc
    assert cluster.status.name == "closed"
    assert dask.config.get(KEY) == before


def test_a_removal_the_cluster_no_longer_lists_leaves_its_watch_running():
    """distributed's own ``LocalCluster`` raises ``KeyError`` on a removal
    message for a worker it does not list (one crossing a ``scale`` or a
    restart): its watch of the worker list stops there and ``close`` raises
    that error after the work is done. The library's cluster ignores such a
    message; a real removal still drops the worker, and the cluster closes."""
    with dask_client(None, 2) as client:
        cluster = client.cluster
        client.wait_for_workers(2, timeout=60)
        cluster._update_worker_status("remove", "tcp://127.0.0.1:1")
        assert len(cluster.scheduler_info["workers"]) == 2
        cluster.scale(1)
        deadline = time.monotonic() + 60
        while len(cluster.scheduler_info["workers"]) > 1:  # the watch saw it
            assert time.monotonic() < deadline, cluster.scheduler_info["workers"]
            time.sleep(0.05)
    assert cluster.status.name == "closed"


def test_workers_default_to_the_cpus_the_process_may_use(monkeypatch):
    """``connect()`` without ``workers``: one worker a CPU of the process's
    affinity mask (``os.cpu_count()`` counts the machine's, more than a
    process confined by ``taskset`` or a container's cpuset may use)."""
    import logistic.backends._dask_connect as dc

    made: list[dict] = []
    monkeypatch.setattr(dc, "available_cpus", lambda: 3)
    monkeypatch.setattr(dc, "local_cluster", lambda **kw: made.append(kw))
    monkeypatch.setattr(distributed, "Client", lambda cluster: "client")
    assert dc.connect() == "client"
    assert dc.connect(workers=5) == "client"
    assert [kw["n_workers"] for kw in made] == [3, 5]
