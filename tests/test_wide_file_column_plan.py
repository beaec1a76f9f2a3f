"""Planning and checking the columns of a file with very many columns takes time in
proportion to their number, not its square.

Found by a security reviewer: ``logistic fit`` of a 1.9 MB CSV of 6 rows
and 100 000 columns (``--target y``) ran past 3 minutes (killed) in
:func:`logistic.columns.plan_columns`, which tested each column against the
list of chosen ones: 5 s for 20 000 columns, 50 s for 50 000, hours for a
million. The tests compare the time of 30 000 columns with that of 3 000
(the best of five interleaved runs each, in the thread's CPU time): ten times the columns take about ten times
as long when linear, a hundred times when quadratic; the bound, 40, leaves
room for a loaded machine without depending on its speed.
"""

from __future__ import annotations

import gc
import time

from logistic.columns import plan_columns, require_columns

RATIO_BOUND = 40.0


def _ratio(work, small: int, large: int) -> float:
    """The best of five times of ``work(large)`` over the best of five of
    ``work(small)``, the runs interleaved so that a load that comes and goes
    meets both sizes alike; the thread's CPU time with the garbage collector
    off (another process's load and a collection in one run do not count)."""
    times: dict[int, list[float]] = {small: [], large: []}
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            for n in (small, large):
                start = time.thread_time()
                work(n)
                times[n].append(time.thread_time() - start)
    finally:
        gc.enable()
    return min(times[large]) / max(min(times[small]), 1e-9)


def _plan(n: int):
    names = ["y"] + [f"c{i}" for i in range(n)]
    return plan_columns(names, target="y", drop=["c7"])


def _require(n: int) -> None:
    names = [f"c{i}" for i in range(n)]
    require_columns(names, names[::-1], "feature")


def test_a_plan_of_many_columns_is_linear():
    plan = _plan(30_000)
    assert len(plan.features) == 29_999 and plan.left_out == ("c7",)
    ratio = _ratio(_plan, 3_000, 30_000)
    assert ratio < RATIO_BOUND, f"30 000 columns took {ratio:.0f}× 3 000's time"


def test_checking_many_columns_present_is_linear():
    # predict and evaluate on the same file: 100 000 columns ran past two
    # minutes in require_columns (and in listing the columns a model ignores)
    ratio = _ratio(_require, 3_000, 30_000)
    assert ratio < RATIO_BOUND, f"30 000 columns took {ratio:.0f}× 3 000's time"
