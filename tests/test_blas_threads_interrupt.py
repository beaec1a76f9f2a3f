"""Ctrl-C at any point of ``one_blas_thread`` leaves BLAS's thread counts as
they were and the next limit working.

Python's SIGINT handler raises ``KeyboardInterrupt`` in the main thread between
two bytecodes, wherever that thread is: also between a lock's acquire and the
``with`` block that would release it, or between a count's change and the
limit's. A lock so left held would deadlock the next fit of the process (a
notebook's next fit after Ctrl-C); a count so left off would keep BLAS on one
thread for the rest of the process.

Here the interrupt is raised by a trace function, deterministically, at every
opcode boundary of the main thread during ``with one_blas_thread(): ...``
(the setter search made again each time, as in a process's first fit), one run
per boundary, in a subprocess whose BLAS libraries threadpoolctl has set to
three threads: after each run the counts must be three again (threadpoolctl
reads them), and a limit after it must hold them at one and restore them.
With another thread inside a limit during the interrupted one (``beside``),
the counts must stay one until that thread leaves.
"""

from __future__ import annotations

import pytest

from conftest import run_interrupt_sweep

pytest.importorskip("threadpoolctl")

SWEEP = r"""
import sys, threading
import numpy, scipy.linalg  # numpy's and scipy's OpenBLAS
import threadpoolctl
from logistic import _blas_threads

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

points = 0
while True:
    if BESIDE:
        leave, other = hold()
    _blas_threads._SETTERS[:] = []  # the search made again, as in a first fit
    count[0], target[0] = 0, points + 1
    sys.settrace(trace)  # this (the main) thread only
    try:
        with _blas_threads.one_blas_thread():
            inside = counts()
        interrupted = False
    except KeyboardInterrupt:
        interrupted = True
    sys.settrace(None)
    if BESIDE:
        assert counts() == [1] * len(blas), f"point {points}: limit left early"
        leave.set()
        other.join(WAIT)
        assert not other.is_alive(), "the other thread never left"
    assert counts() == [3] * len(blas), f"point {points}: counts {counts()} left"
    if not interrupted:
        assert inside == [1] * len(blas)
        break
    points += 1
    with _blas_threads.one_blas_thread():  # a limit after it
        assert counts() == [1] * len(blas), f"after point {points - 1}"
    assert counts() == [3] * len(blas), f"after point {points - 1}: not restored"
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
