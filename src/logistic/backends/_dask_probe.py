"""Whether an address is a Dask scheduler, asked within a deadline.

``distributed.Client(address)`` waits forever where the address accepts a
connection and then says nothing (the dashboard's HTTP port, the 8787 typed
for 8786; any HTTP server; a scheduler that is stopped), whatever its
``timeout``; where another service sends bytes first (an SSH banner), it reads
them as a frame length and fails to allocate exabytes (a ``MemoryError`` that
reads as "the data do not fit in memory"); a worker's or a nanny's address
fails with ``identity() got an unexpected keyword argument``.
:func:`check_scheduler` asks the address for its identity over Dask's
protocol first, in a thread of its own with its own event loop (so it works
under a caller's running loop, as in Jupyter), and bounds the whole exchange
by ``distributed.comm.timeouts.connect``. Each failure is an ``OSError``
saying what answered.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

__all__ = ["check_scheduler"]


def check_scheduler(address: str) -> None:
    """Raise ``OSError`` unless a Dask scheduler answers at ``address`` within
    the connect timeout (``ValueError`` for an address ``distributed`` cannot
    parse, as ``Client`` raises). TLS and other schemes, whose connection
    needs the caller's security settings, are left to ``Client``."""
    if "://" in address and not address.startswith(("tcp://", "inproc://")):
        return
    import dask
    from dask.utils import parse_timedelta

    timeout = dask.config.get("distributed.comm.timeouts.connect")
    seconds = float(parse_timedelta(timeout))
    box: dict[str, Any] = {}

    def ask() -> None:
        try:
            asked = asyncio.wait_for(_identity(address, seconds), seconds)
            box["reply"] = asyncio.run(asked)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=ask, name="logistic-scheduler-probe", daemon=True)
    thread.start()
    thread.join(seconds + 5.0)
    error = box.get("error")
    if thread.is_alive() or isinstance(error, asyncio.TimeoutError | TimeoutError):
        raise TimeoutError(
            f"{address} accepted no Dask connection within {seconds:g} s "
            "(distributed.comm.timeouts.connect): nothing answering there, a "
            "service other than Dask (the dashboard's HTTP port, 8787, for the "
            "scheduler's 8786?), or a scheduler that is stopped"
        )
    if isinstance(error, MemoryError):
        raise ConnectionError(
            f"{address} is not a Dask scheduler: the service there does not speak "
            "Dask's protocol"
        )
    if isinstance(error, ValueError | TypeError):
        raise error
    if error is not None:
        if isinstance(error, OSError):
            raise error
        raise ConnectionError(
            f"{address} is not a Dask scheduler ({type(error).__name__}: {error})"
        )
    kind = str((box.get("reply") or {}).get("type", "")) or "service"
    if kind != "Scheduler":
        raise ConnectionError(
            f"{address} is a Dask {kind.lower()}, not a scheduler: give the "
            "scheduler's address (its log's 'Scheduler at:' line)"
        )


async def _identity(address: str, seconds: float) -> Any:
    """The ``identity`` reply of the server at ``address``."""
    from distributed.comm import connect

    comm = await connect(address, timeout=seconds)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        await comm.close()
