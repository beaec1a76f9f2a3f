"""Peak memory of a call measured with ``tracemalloc``, for tests that bound
what a code path allocates (numpy reports its arrays to ``tracemalloc``).

``tracemalloc`` counts every thread's allocations, not only the call's: a
thread an earlier test left in the same xdist worker (an event loop, a pool,
a reader thread finishing) can add to one call's peak, which made a bound
fail once in CI (98 115 bytes where the path allocates ~37 KB). A call is
therefore measured up to three times and a bound holds if one peak is under
it: an array the code path should not allocate is in every call's peak.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

#: Calls measured at most, for a bound to hold on one of them.
TRIES = 3


def traced_peak(call: Callable[[], Any]) -> tuple[Any, int]:
    """``call()``'s result and the peak bytes ``tracemalloc`` traced during it."""
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
