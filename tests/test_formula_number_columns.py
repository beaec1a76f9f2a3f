"""A column a ``--formula`` reads as a number is checked as without one.

The formula's design read such a column with ``np.asarray(..., float64)``:
an integer beyond ±2**53 was rounded silently at fit and at predict, where
the same column without a formula is refused, and an ``inf`` in the file was
reported as the formula term's own result ("check the values its function
receives (e.g. log of 0)") even for a plain column. Now both are the
refusals of a numeric column, naming the column, value and line.
"""

from __future__ import annotations

import pytest

from conftest import run_cli

TRAIN = "x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n0,0\n"
BIG = 9007199254740993  # 2**53 + 1: float64 reads it as 2**53


def _beyond(path, remedy):
    return (
        f"error: column 'x' in {path} holds integers too large to be a numeric "
        f"feature exactly: {BIG} at line 3 (1 value(s) beyond ±2**53); {remedy}"
        "write the values as decimals (9.007e15) to use them rounded\n"
    )


def _infinite(path):
    return (
        f"error: column 'x' in {path} has an infinite value (inf) at line 3; only "
        "finite numbers are allowed (a number beyond float64's ±1.8e308, such as "
        "1e999, reads as infinite)\n"
    )


@pytest.mark.parametrize("formula", ["y ~ x", "y ~ np.log1p(x)"])
def test_fit_refuses_an_integer_beyond_float64(tmp_path, capsys, formula):
    data = tmp_path / "d.csv"
    data.write_text(f"x,y\n1,0\n{BIG},1\n3,0\n4,1\n")
    model = tmp_path / "m.json"
    code, out, err = run_cli(capsys, ["fit", data, "--formula", formula, "-o", model])
    assert (code, out) == (65, "")
    assert err == _beyond(data, "an identifier? take it out of --formula; or ")
    assert not model.exists()


@pytest.mark.parametrize("formula", ["y ~ x", "y ~ np.log1p(x)"])
def test_fit_names_an_infinite_value_as_the_column_s(tmp_path, capsys, formula):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,0\ninf,1\n3,0\n4,1\n")
    code, out, err = run_cli(
        capsys, ["fit", data, "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert (code, out, err) == (65, "", _infinite(data))
    # the words of the same column without a formula
    code, _, plain = run_cli(capsys, ["fit", data, "-t", "y", "-o", tmp_path / "p.json"])
    assert (code, plain) == (65, err)


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_applying_a_formula_model_refuses_what_the_fit_refuses(
    tmp_path, capsys, command
):
    train = tmp_path / "train.csv"
    train.write_text(TRAIN)
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", train, "--formula", "y ~ x", "-o", model])
    assert code == 0, err
    big = tmp_path / "big.csv"
    big.write_text(f"x,y\n1,0\n{BIG},1\n")
    code, out, err = run_cli(capsys, [command, model, big])
    assert (code, out, err) == (65, "", _beyond(big, "the model reads it as a number: "))
    infinite = tmp_path / "inf.csv"
    infinite.write_text("x,y\n1,0\ninf,1\n")
    code, out, err = run_cli(capsys, [command, model, infinite])
    assert (code, out, err) == (65, "", _infinite(infinite))
