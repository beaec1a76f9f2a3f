"""Errors a fit's ``--weights`` column explains name the column and the file
(findings of a field test):

- weights that are zero on every row: in memory the column and file were
  named, a streamed fit said only that the weights sum to 0;
- a weight so large (1e308) that the fit's weighted sums overflow: the error
  named no column or line and pointed to ``exception.last_finite_coef``, a
  Python attribute.
"""

from __future__ import annotations

import pytest

from conftest import run_cli

STREAM = [[], ["--stream"]]


@pytest.mark.parametrize("stream", STREAM)
def test_zero_weights_name_the_column_streamed_too(workdir, capsys, stream):
    (workdir / "w0.csv").write_text("x,w,y\n1,0,1\n2,0,0\n3,0,1\n4,0,0\n")
    argv = ["fit", "w0.csv", "-t", "y", "--weights", "w", "-o", "m.json", *stream]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert err == (
        "error: --weights column 'w' in w0.csv is zero on every row used; at least "
        "one row needs a positive weight\n"
    )


@pytest.mark.parametrize("stream", STREAM)
def test_a_weight_too_large_is_named_by_column(workdir, capsys, stream):
    (workdir / "big.csv").write_text("x,w,y\n1,1,1\n2,1e308,0\n3,1,1\n4,1,0\n5,2,1\n")
    argv = ["fit", "big.csv", "-t", "y", "--weights", "w", "-o", "m.json", *stream]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert "last_finite_coef" not in err and "exception" not in err
    assert "--weights column 'w' in big.csv" in err
    assert "divide the column by a common factor" in err
    if not stream:  # the rows are in memory: the line is named
        assert "1e+308 at line 3" in err
    # divided by 1e10, the same column fits
    (workdir / "ok.csv").write_text("x,w,y\n1,1e-10,1\n2,1e298,0\n3,1e-10,1\n4,1e-10,0\n5,2e-10,1\n")
    argv = ["fit", "ok.csv", "-t", "y", "--weights", "w", "-o", "m.json", "-q", *stream]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


def test_other_non_finite_starts_name_no_python_attribute():
    from logistic.cli._spelling import cli_spelling

    said = cli_spelling(
        "solver 'newton' produced a non-finite objective or gradient at iteration "
        "0; the last finite coefficients are attached (exception.last_finite_coef). "
        "Check the input for extreme values, or add a penalty."
    )
    assert said == (
        "solver 'newton' produced a non-finite objective or gradient at iteration "
        "0. Check the input for extreme values, or add a penalty."
    )


def test_an_overflow_the_weights_do_not_explain_is_not_blamed_on_them(workdir, capsys):
    # every weight is 1; the values and offsets overflow by themselves: the
    # error blamed "a weight too large for the fit: 1 at line 2"
    (workdir / "big.csv").write_text(
        "x,w,off,y\n1e308,1,1e308,0\n1e308,1,1e308,0\n3,1,1e308,0\n4,1,0,0\n"
        "5,1,0,1\n6,1,0,0\n7,1,0,1\n"
    )
    argv = ["fit", "big.csv", "-t", "y", "--weights", "w", "--offset", "off", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65
    assert "weight too large" not in err
