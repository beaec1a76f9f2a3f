"""``logistic fit`` refuses one column given two roles among the target (``-t``
or a formula's left-hand side), ``--weights``, ``--offset`` and ``--trials``
(exit 2, naming both options and the column), before reading the data.

``--offset y`` with ``-t y`` fitted the outcome into the linear predictor and
exited 0; ``--weights w --offset w`` too; ``--trials s -t s`` and
``--weights y`` failed later with messages that did not say why.
"""

from __future__ import annotations

import pytest

from conftest import run_cli

ROWS = "y,x,w,n,s\n1,0.5,1,3,1\n0,1.5,2,3,2\n1,0.7,1,3,0\n0,2.0,1,3,1\n1,0.1,2,3,3\n0,1.1,1,3,2\n"


@pytest.mark.parametrize(
    ("args", "options", "column"),
    [
        (["-t", "y", "--offset", "y"], ("--offset", "--target"), "y"),
        (["-t", "y", "--weights", "y"], ("--weights", "--target"), "y"),
        (["-t", "y", "--weights", "w", "--offset", "w"], ("--offset", "--weights"), "w"),
        (["--formula", "y ~ x", "--offset", "y"], ("--offset", "the formula's target"), "y"),
        (["--formula", "`y` ~ x", "--weights", "y"], ("--weights", "the formula's target"), "y"),
        (["--formula", "cbind(s, n) ~ x", "--weights", "s"],
         ("--weights", "the formula's successes"), "s"),  # fmt: skip
        (["-t", "s", "--trials", "s"], ("--trials", "--target"), "s"),
    ],
)
def test_one_column_two_roles_is_a_usage_error(tmp_path, capsys, args, options, column):
    data = tmp_path / "d.csv"
    data.write_text(ROWS)
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, *args, "-o", out, "-q"])
    assert code == 2, err
    assert f"{options[0]} and {options[1]} both name the column '{column}'" in err
    assert not out.exists()


def test_distinct_columns_fit(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text(ROWS)
    out = tmp_path / "m.json"
    code, _, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--weights", "w", "--offset", "x", "-o", out, "-q"]
    )
    assert code == 0, err
    assert out.exists()
