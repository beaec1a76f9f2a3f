"""Ctrl-C at any point of ``one_blas_thread`` leaves BLAS's thread counts as
they were and the next limit working.

Python's SIGINT handler raises ``KeyboardInterrupt`` in the main thread between
two bytecodes, wherever that thread is: also between a lock's acquire and the
``with`` block that would release it, or between a count's change and the
limit's. A lock so left held would deadlock the next fit of the process (a
notebook's next fit after Ctrl-C); a count so left off would keep BLAS on one
thread for the rest of the process.

Here the interrupt is raised by a trace function, deterministically, at every
event of the main thread (opcodes included) during a function's
``with one_blas_thread(): ...`` (the setter search made again each time, as in
a process's first fit), one run per event of an uninterrupted run, in a
subprocess whose BLAS libraries threadpoolctl has set to three threads: after
each run the counts must be three again (threadpoolctl reads them), no
compiled context left inside, and a limit after it must hold them at one and
restore them. The ``with``'s own exit opcodes before its ``__exit__`` call are
left out: an exception there skips ``__exit__`` whatever the context, and no
signal is checked there.
With another thread inside a limit during the interrupted one (``beside``),
the counts must stay one until that thread leaves.
"""

from __future__ import annotations

import pytest

from conftest import run_interrupt_sweep

pytest.importorskip("threadpoolctl")

SWEEP = r"""
import dis, sys, threading
import numpy, scipy.linalg  # numpy's and scipy's OpenBLAS
import threadpoolctl
from logistic import _blas_threads, _loader

BESIDE, WAIT = sys.argv[1] == "beside", 20
blas = [
    lib for lib in threadpoolctl.ThreadpoolController().lib_controllers
    if lib.user_api == "blas"
]
if not blas or any(lib.internal_api != "openblas" for lib in blas):
    print("skip")
    sys.exit()
for lib in blas:
    lib.set_num_threads(3)

def counts():
    return [lib.num_threads for lib in blas]

def limited():
    # as callers have it: the ``with`` in a function (a trace function is
    # not called for the frame that sets it)
    with _blas_threads.one_blas_thread():
        return counts()

def normal_exit(code):
    # Offsets of the ``with``'s normal exit up to its ``__exit__`` call: they
    # lie outside the ``with``'s exception table, so an exception raised
    # there skips ``__exit__``; CPython checks for signals only after that
    # call returns, so a real Ctrl-C never lands there: not raised at.
    ops = list(dis.get_instructions(code))
    covered = [(e.start, e.end) for e in dis.Bytecode(code).exception_entries]
    start = next(op.offset for op in ops if op.opname == "BEFORE_WITH")
    skip = set()
    for op in ops:
        if op.offset <= start or any(a <= op.offset < b for a, b in covered):
            continue
        skip.add(op.offset)
        if op.opname == "CALL":
            return skip
    raise AssertionError("no normal exit found")

EXIT = normal_exit(limited.__code__)

def trace(frame, event, arg):
    frame.f_trace_opcodes = True
    count[0] += 1
    if count[0] == target[0] and not (
        frame.f_code is limited.__code__ and frame.f_lasti in EXIT
    ):
        raise KeyboardInterrupt  # as the SIGINT handler would, here
    return trace

def hold():
    # another thread inside a limit until ``leave`` is set
    entered, leave = threading.Event(), threading.Event()

    def inside():
        with _blas_threads.one_blas_thread():
            entered.set()
            leave.wait(WAIT)

    other = threading.Thread(target=inside, daemon=True)
    other.start()
    assert entered.wait(WAIT), "the other thread never entered"
    return leave, other

def run(k):
    # a limit with the k-th event of the main thread interrupted (0: none);
    # whether it was reached, and the counts inside when not interrupted
    if BESIDE:
        leave, other = hold()
    _blas_threads._SETTERS[:] = []  # the search made again, as in a first fit
    count[0], target[0] = 0, k
    sys.settrace(trace)  # this (the main) thread only
    try:
        inside = limited()
    except KeyboardInterrupt:
        inside = None
    sys.settrace(None)
    events = count[0]
    if BESIDE:
        assert counts() == [1] * len(blas), f"point {k}: limit left early"
        leave.set()
        other.join(WAIT)
        assert not other.is_alive(), "the other thread never left"
    assert counts() == [3] * len(blas), f"point {k}: counts {counts()} left"
    assert _loader.one_thread_inside() == (0, 0), f"point {k}: a context left in"
    assert inside is None or inside == [1] * len(blas), f"point {k}: {inside}"
    return events >= k > 0, events

run(0)  # the first limit of the process imports and builds what it uses
reached, events = run(0)
points = 0
while run(points + 1)[0]:
    points += 1
    with _blas_threads.one_blas_thread():  # a limit after it
        assert counts() == [1] * len(blas), f"after point {points}"
    assert counts() == [3] * len(blas), f"after point {points}: not restored"
assert points == events, f"{points} points of {events} events"
print(points)
"""


@pytest.mark.parametrize("other", ["alone", "beside"])
def test_an_interrupt_at_any_point_of_a_limit_leaves_the_counts_and_no_lock(other):
    out = run_interrupt_sweep(
        SWEEP, other, timeout=120, hung=f"{other}: a limit hung after an interrupt"
    )
    if out.strip() == "skip":
        pytest.skip("a BLAS other than OpenBLAS, or none that threadpoolctl sees")
    assert int(out) > 100  # every opcode boundary of a search and limit was a point
