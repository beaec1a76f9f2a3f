"""Ctrl-C at any point of a threaded pass (``backends._prefetch``) ends it promptly.

Python's SIGINT handler raises ``KeyboardInterrupt`` in the main thread between
two bytecodes, wherever that thread is: also inside ``threading`` code, between
a lock's acquire and the ``with`` block that would release it. A lock the
pass's worker threads share with the main thread, so left held, would block
them for good, and an exit that joins them would hang.

Here the interrupt is raised by a trace function, deterministically, at every
opcode boundary of the main thread during a pass (``ordered_map`` or
``prefetched``), one run per boundary, in a subprocess: each run must end in the
interrupt, a pass after it must give the right result, and the process must
then exit by itself (ordinary interpreter exit) within the timeout.
"""

from __future__ import annotations

import pytest

from conftest import run_interrupt_sweep

SWEEP = """
import gc, os, sys, time
from logistic.backends import _prefetch
from logistic.backends._prefetch import ordered_map, prefetched

KIND, N = sys.argv[1], 6

def work(i):
    return i * i

def run_pass():
    if KIND == "ordered_map":
        gen = ordered_map(work, range(N), 2, 2)
    else:
        gen = prefetched(map(work, range(N)))
    try:
        return sum(gen)
    finally:
        gen.close()

def threads():
    return len(os.listdir("/proc/self/task"))

want = sum(i * i for i in range(N))
before = threads()
points = 0
while True:
    count[0], target[0] = 0, points + 1
    sys.settrace(trace)  # this (the main) thread only
    try:
        got = run_pass()
    except KeyboardInterrupt:
        sys.settrace(None)
        points += 1
        assert run_pass() == want, "a pass after the interrupt"
        continue
    sys.settrace(None)
    assert got == want
    break
deadline = time.monotonic() + 30
while True:  # producers of dropped generators (in a cycle: collected) go idle
    gc.collect()
    new, idle = threads() - before, _prefetch._IDLE[0].qsize()
    if new - idle <= 10 or time.monotonic() > deadline:
        break
    time.sleep(_prefetch._POLL)
print(points, new, idle)
"""


@pytest.mark.parametrize("kind", ["ordered_map", "prefetched"])
def test_an_interrupt_at_any_point_of_a_pass_ends_it_and_the_process_exits(kind):
    out = run_interrupt_sweep(
        SWEEP, kind, timeout=120, hung=f"{kind}: a pass or the exit hung after an interrupt"
    )
    points, new_threads, idle = map(int, out.split())
    assert points > 100  # every opcode boundary of a pass was a point
    if kind == "ordered_map":
        assert new_threads == 2  # its two workers, whatever was interrupted
    else:
        # producers are reused; only a point between taking an idle producer
        # and handing it the job (a few opcodes) leaves one idle for good
        assert new_threads - idle <= 10
