"""Planning and checking the columns of a file with very many columns takes time in
proportion to their number, not its square.

Found by a security reviewer: ``logistic fit`` of a 1.9 MB CSV of 6 rows
and 100 000 columns (``--target y``) ran past 3 minutes (killed) in
:func:`logistic.columns.plan_columns`, which tested each column against the
list of chosen ones: 5 s for 20 000 columns, 50 s for 50 000, hours for a
million. With the chosen columns in a set the same file fits in ~10 s.
"""

from __future__ import annotations

import time

from logistic.columns import plan_columns


def test_a_plan_of_many_columns_is_linear():
    names = ["y"] + [f"c{i}" for i in range(30_000)]
    start = time.perf_counter()
    plan = plan_columns(names, target="y", drop=["c7"])
    took = time.perf_counter() - start
    assert len(plan.features) == 29_999 and plan.left_out == ("c7",)
    # 0.02 s here, quadratic ~12 s: a margin for a loaded machine
    assert took < 2.0, f"{took:.1f} s for 30 000 columns"


def test_checking_many_columns_present_is_linear():
    # predict and evaluate on the same file: 100 000 columns ran past two
    # minutes in require_columns (and in listing the columns a model ignores)
    from logistic.columns import require_columns

    names = [f"c{i}" for i in range(30_000)]
    start = time.perf_counter()
    require_columns(names, names[::-1], "feature")
    took = time.perf_counter() - start
    assert took < 2.0, f"{took:.1f} s for 30 000 columns"
