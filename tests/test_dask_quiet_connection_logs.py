"""While the command line uses a Dask cluster, ``distributed.client`` logs no
traceback of a lost connection: when the scheduler went away mid-fit, the
client logged one per pending call (``ConnectionRefusedError``,
``CommClosedError``, ``CancelledError``: ~40 lines and two tracebacks) before
the fit's own one-line error, which names the lost scheduler and how to
resume. Other records of that logger pass.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

pytest.importorskip("distributed")

from distributed.comm.core import CommClosedError  # noqa: E402

from logistic.backends._dask_connect import quiet_connection_tracebacks  # noqa: E402


def _log(exc: BaseException | None, message: str) -> None:
    logger = logging.getLogger("distributed.client")
    if exc is None:
        logger.error(message)
        return
    try:
        raise exc
    except BaseException:
        logger.exception(message)


@pytest.mark.parametrize(
    "exc",
    [ConnectionRefusedError(111, "refused"), CommClosedError("closed"), asyncio.CancelledError()],
    ids=["refused", "comm-closed", "cancelled"],
)
def test_lost_connection_tracebacks_are_dropped_in_the_block(caplog, exc):
    with caplog.at_level(logging.WARNING, logger="distributed.client"):
        with quiet_connection_tracebacks():
            _log(exc, "lost")
            _log(None, "Failed to reconnect to scheduler after 30.00 seconds, closing client")
            _log(ValueError("a bug"), "other")
            _log(PermissionError(13, "denied"), "a file")
            _log(None, "plain error")
        _log(exc, "after")
    said = [r.getMessage() for r in caplog.records if r.name == "distributed.client"]
    assert said == ["other", "a file", "plain error", "after"]
