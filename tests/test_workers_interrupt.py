"""Ctrl-C at any point of an in-memory reduction's ``map`` leaves its workers usable.

Python's SIGINT handler raises ``KeyboardInterrupt`` in the main thread between
two bytecodes, wherever that thread is: also inside ``threading`` code, between
a lock's acquire and the ``with`` block that would release it. A lock the
caller shares with the workers so left held would deadlock the next reduction
of the process (a notebook's next fit after Ctrl-C).

Here the interrupt is raised by a trace function, deterministically, at every
opcode boundary of the main thread during ``in_memory._pool(2).map``, one run
per boundary, in a subprocess: each run must end in the interrupt (or give
the right result, past the last boundary), and a map after it must give the
right result. With the pool's one worker held by another thread's map during
the interrupted one (``held``), no worker took any of its calls, so none of
them may run in a worker afterwards; with the worker free (``free``), the
worker races the caller for the calls.
"""

from __future__ import annotations

import pytest

from conftest import run_interrupt_sweep

SWEEP = r"""
import sys, threading, time
from logistic.backends import in_memory

HELD, N, WAIT = sys.argv[1] == "held", 4, 20
MAIN = threading.get_ident()
ran = []  # (map number, argument, run in the main thread)
maps = [0]

def work(i):
    ran.append((maps[0], i, threading.get_ident() == MAIN))
    return i * i

def hold_worker():
    # the pool's one worker and another thread's map, held until ``hold`` is set
    started, hold = [], threading.Event()

    def block(i):
        started.append(i)
        hold.wait(WAIT)
        return i

    other = threading.Thread(
        target=in_memory._pool(2).map, args=(block, [0, 1]), daemon=True
    )
    other.start()
    deadline = time.monotonic() + WAIT
    while len(started) < 2:
        assert time.monotonic() < deadline, "the worker never took a call"
        time.sleep(1e-4)
    return hold, other

def through_the_queue():
    # a map whose second call runs on the worker: every call queued before
    # it has been taken by then (run, or skipped as cancelled)
    second = threading.Event()

    def check(i):
        if i == 0:
            assert second.wait(WAIT), "the worker never took the call"
        else:
            second.set()
        return i

    assert in_memory._pool(2).map(check, [0, 1]) == [0, 1]

want = [i * i for i in range(N)]
points = 0
while True:
    maps[0] += 1
    if HELD:
        hold, other = hold_worker()
    count[0], target[0] = 0, points + 1
    sys.settrace(trace)  # this (the main) thread only
    try:
        got = in_memory._pool(2).map(work, list(range(N)))
        interrupted = False
    except KeyboardInterrupt:
        interrupted = True
    sys.settrace(None)
    if HELD:
        hold.set()
        other.join(WAIT)
        assert not other.is_alive(), "the other map never ended"
        through_the_queue()
        late = [a for m, a, main in ran if m == maps[0] and not main]
        assert not late, f"calls {late} of the interrupted map ran on a worker"
    if not interrupted:
        assert got == want
        break
    points += 1
    maps[0] += 1
    assert in_memory._pool(2).map(work, list(range(N))) == want, "a map after it"
print(points)
"""


@pytest.mark.parametrize("worker", ["held", "free"])
def test_an_interrupt_at_any_point_of_a_map_leaves_the_workers_usable(worker):
    out = run_interrupt_sweep(
        SWEEP, worker, timeout=60, hung=f"{worker}: a map hung after an interrupt"
    )
    assert int(out) > 50  # every opcode boundary of a map was a point
