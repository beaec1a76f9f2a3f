"""Ctrl-C at any point of a Dask wait's flag leaves the event loop able to set it.

The Dask backend's wait (``_dask_faults.ClusterRun._wait``) clears its flag
and sleeps on it in the main thread; Dask's done callbacks set it on the
client's event loop. Python raises ``KeyboardInterrupt`` in the main thread
between any two bytecodes, also inside ``threading`` code between a lock's
acquire and release: a flag guarded by such a lock (``threading.Event``'s
``Condition``) so left held would block the loop's next ``set`` for good,
and with it the client and every later fit on it.

Here the interrupt is raised by a trace function, deterministically, at every
opcode boundary of the main thread while it clears and waits on the flag of
``_wake_on_done`` (as the wait does), one run per boundary, in a subprocess:
after each run, a thread standing for the event loop runs the futures' done
callbacks, which must return at once, and the flag must then be set.
"""

from __future__ import annotations

from conftest import run_interrupt_sweep

SWEEP = r"""
import threading
from logistic.backends._dask_faults import _wake_on_done

class Future:
    # a future's done callbacks, run by the "event loop" below
    def __init__(self):
        self.callbacks = []

    def add_done_callback(self, fn):
        self.callbacks.append(fn)

points = 0
while True:
    futures = [Future(), Future()]
    wake = _wake_on_done(futures)
    count[0], target[0] = 0, points + 1
    sys.settrace(trace)  # this (the main) thread only
    try:
        for _ in range(2):  # the wait's loop: clear, look, sleep a slice
            wake.clear()
            woken = wake.wait(0.001)
        interrupted = False
    except KeyboardInterrupt:
        interrupted = True
    sys.settrace(None)
    loop = threading.Thread(
        target=lambda: [fn(f) for f in futures for fn in f.callbacks], daemon=True
    )
    loop.start()
    loop.join(10)
    assert not loop.is_alive(), f"point {points}: the event loop's set() blocked"
    assert wake.wait(10) and wake.is_set(), f"point {points}: the flag is not set"
    if not interrupted:
        assert not woken
        break
    points += 1
print(points)
"""


def test_an_interrupt_at_any_point_of_a_wait_leaves_the_flag_settable():
    out = run_interrupt_sweep(
        "import sys\n" + SWEEP,
        "",
        timeout=120,
        hung="the wait's flag hung after an interrupt",
    )
    assert int(out) > 20  # every opcode boundary of the clears and waits
