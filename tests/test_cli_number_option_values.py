"""A number option's value that is no number is refused naming the option and
the value received (exit 2).

Reproduction: ``logistic fit d.csv -t y --max-iter 1e3`` said "error: Invalid
value for '--max-iter': Input should be a valid integer, unable to parse string
as an integer" (typer 0.2x's pydantic words), with no sign of what was given;
click's own types say "'1e3' is not a valid integer.".
"""

from __future__ import annotations

import pytest

from conftest import TINY_CSV, run_cli


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["fit", "d.csv", "-t", "y", "--max-iter", "1e3"],
         "Invalid value for '--max-iter': Input should be a valid integer, unable "
         "to parse string as an integer; got '1e3'"),
        (["fit", "d.csv", "-t", "y", "--penalty", "l2", "--alpha", "abc"],
         "Invalid value for '--alpha': Input should be a valid number, unable to "
         "parse string as a number; got 'abc'"),
        (["fit", "d.csv", "-t", "y", "--tol", ""],
         "Invalid value for '--tol': Input should be a valid number, unable to "
         "parse string as a number; got ''"),
        (["fit", "d.csv", "-t", "y", "--cv", "1.5"],
         "Invalid value for '--cv': Input should be a valid integer, unable to "
         "parse string as an integer; got '1.5'"),
    ],
)
def test_a_value_that_is_no_number_is_shown(workdir, capsys, args, words):
    (workdir / "d.csv").write_text(TINY_CSV)
    code, out, err = run_cli(capsys, args)
    assert code == 2 and out == ""
    assert err == f"error: {words} (see 'logistic fit --help')\n"
    assert not (workdir / "model.json").exists()


def test_numbers_typer_spells_are_still_read(workdir, capsys):
    (workdir / "d.csv").write_text(TINY_CSV)
    code, _, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--max-iter", "1_000", "-o", "m.json"]
    )
    assert code == 0, err
