"""Peak memory of a call measured with ``tracemalloc``, for tests that bound
what a code path allocates (numpy reports its arrays to ``tracemalloc``).

``tracemalloc`` counts every thread's allocations, not only the call's, which
made a bound fail once in CI (98 115 bytes where the path allocates ~37 KB).
The session's shared Dask cluster (conftest's ``_shared_cluster``, started by
the first CLI test of an xdist worker that reads on it) runs its scheduler
and client in event-loop threads of the test process: their heartbeats
allocated up to 270 KB within a 0.5 s idle wait of the main thread, in one
5 ms window of ten. Event loops running in other threads are therefore held
(a callback that waits) while a call is measured, and a call is measured up
to three times, a bound holding if one peak is under it (another thread, a
pool or a reader finishing, may still allocate): an array the code path
should not allocate is in every call's peak.
"""

from __future__ import annotations

import sys
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Calls measured at most, for a bound to hold on one of them.
TRIES = 3

#: Longest a held event loop waits (a measured call that needed it would
#: otherwise wait for it for good).
HOLD_S = 120.0


def _other_threads_loops() -> list[Any]:
    """The asyncio loops that run in other threads: tornado's, which
    distributed's clients, schedulers and clusters run on (tornado lists every
    loop it wraps); none where tornado was never imported."""
    ioloop = sys.modules.get("tornado.ioloop")
    if ioloop is None:
        return []
    me = threading.get_ident()
    loops = list(getattr(ioloop.IOLoop, "_ioloop_for_asyncio", {}))
    return [
        loop
        for loop in loops
        if loop.is_running() and getattr(loop, "_thread_id", me) not in (None, me)
    ]


@contextmanager
def _other_loops_held() -> Iterator[None]:
    """Each event loop of another thread waits in a callback of ours (the GIL
    released) from when it has run it until the block ends."""
    release = threading.Event()
    for loop in _other_threads_loops():
        entered = threading.Event()

        def hold(entered: threading.Event = entered) -> None:
            entered.set()
            release.wait(HOLD_S)

        try:
            loop.call_soon_threadsafe(hold)
        except RuntimeError:  # closed meanwhile
            continue
        entered.wait(5.0)
    try:
        yield
    finally:
        release.set()


def traced_peak(call: Callable[[], Any]) -> tuple[Any, int]:
    """``call()``'s result and the peak bytes ``tracemalloc`` traced during
    it, the event loops of other threads held meanwhile."""
    with _other_loops_held():
        tracemalloc.start()
        try:
            out = call()
            return out, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def peaks_until(call: Callable[[], Any], below: float) -> tuple[Any, list[int]]:
    """The last call's result and the peaks of up to :data:`TRIES` calls of
    ``call``, stopping at the first under ``below`` bytes; a test asserts
    ``min(peaks) < below`` (each call must do the same work: no state that a
    first call consumes)."""
    peaks: list[int] = []
    out = None
    for _ in range(TRIES):
        out, peak = traced_peak(call)
        peaks.append(peak)
        if peak < below:
            break
    return out, peaks
