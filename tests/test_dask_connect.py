"""The clusters the library starts (``--workers``): their nannies keep
restarting dead workers for as long as the cluster is in use."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.dask

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from dask.utils import parse_timedelta  # noqa: E402

from logistic.backends._dask_connect import nannies_keep_restarting  # noqa: E402
from logistic.cli._stream_backends import dask_client  # noqa: E402

KEY = "distributed.deploy.lost-worker-timeout"


def test_nannies_keep_restarting_for_the_block_only():
    """Inside: an hour (distributed's default, 15 s, closes a nanny whose
    worker's restart takes longer); after: distributed's own default again."""
    before = dask.config.get(KEY)
    assert parse_timedelta(before) == 15
    with nannies_keep_restarting():
        assert parse_timedelta(dask.config.get(KEY)) == 3600
    assert dask.config.get(KEY) == before


def test_workers_cluster_is_used_and_closed_with_nannies_that_keep_restarting():
    """``--workers 1``: the key is read at each worker's removal, so the hour
    holds while the client is handed out, not only while the cluster starts;
    the cluster is closed and the default back after the block."""
    with dask_client(None, 1) as client:
        cluster = client.cluster
        client.wait_for_workers(1, timeout=60)
        assert parse_timedelta(dask.config.get(KEY)) == 3600
        assert len(cluster.workers) == 1
    assert cluster.status.name == "closed"
    assert parse_timedelta(dask.config.get(KEY)) == 15
