"""A comment or spreadsheet ``sep=`` line above a CSV header is named as such.

Both were "line 2: expected 1 fields, saw 9 (delimiter ','; pass --sep if
that is wrong)": the delimiter was right, the first line is not the header.
"""

from __future__ import annotations

import pytest

from conftest import run_cli

BODY = "y,x1,x2\n0,1,2\n1,2,1\n0,3,3\n1,4,1\n0,2,5\n1,5,2\n"


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    "first, words",
    [
        ("# exported 2024-01-01 by system X", "line 1 ('# exported 2024-01-01 by system X') looks like a comment, not the header"),
        ("# exported, by X", "line 1 ('# exported, by X') looks like a comment"),
        ("sep=,", "line 1 ('sep=,') is a spreadsheet's delimiter line, not the header"),
        ("# one\n# two", "line 1 ('# one') looks like a comment"),
        ("# one\n", "line 1 ('# one') looks like a comment"),
        ("sep=\t", "line 1 ('sep=\\t') is a spreadsheet's delimiter line"),
    ],
)
def test_first_line_not_a_header(tmp_path, capsys, first, words, stream):
    path = tmp_path / "d.csv"
    path.write_text(first + "\n" + BODY)
    args = ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"] + (["--stream"] if stream else [])
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert words in err
    assert "--sep" not in err


@pytest.mark.parametrize("stream", [False, True])
def test_a_ragged_row_still_names_the_delimiter(tmp_path, capsys, stream):
    # --stream said pyarrow's "CSV parse error: Expected 3 columns, got 4:"
    path = tmp_path / "d.csv"
    path.write_text(BODY + "1,2,3,4\n")
    args = ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"] + (["--stream"] if stream else [])
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert "line 8: expected 3 fields, saw 4 (delimiter ','; pass --sep if that is wrong)" in err


TWO = "x1,y\n1,0\n2,1\n3,0\n4,1\n2,0\n5,1\n"


@pytest.mark.parametrize("first, body", [("sep=,", TWO), ("sep=;", TWO.replace(",", ";"))])
@pytest.mark.parametrize("stream", [False, True])
def test_a_delimiter_line_above_two_columns(tmp_path, capsys, first, body, stream):
    # 'sep=,' splits into as many fields as a header of two columns: it was
    # read as the header, "column(s) [2] have an empty header name"
    path = tmp_path / "d.csv"
    path.write_text(first + "\n" + body)
    args = ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"] + (["--stream"] if stream else [])
    code, out, err = run_cli(capsys, args)
    assert (code, out) == (65, "")
    assert err == (
        f"error: {path}: cannot read CSV: line 1 ({first!r}) is a spreadsheet's "
        "delimiter line, not the header; remove it (e.g. tail -n +2 FILE)\n"
    )


def test_predict_names_the_delimiter_line_not_a_missing_column(tmp_path, capsys):
    # predict leaves out unnamed columns: it said "model input column 'x1' not
    # found ...; available: 'sep='"
    train = tmp_path / "t.csv"
    train.write_text(TWO)
    model = tmp_path / "m.json"
    assert run_cli(capsys, ["fit", train, "-t", "y", "-o", model, "-q"])[0] == 0
    path = tmp_path / "d.csv"
    path.write_text("sep=,\n" + TWO)
    code, out, err = run_cli(capsys, ["predict", model, path])
    assert (code, out) == (65, "")
    assert "line 1 ('sep=,') is a spreadsheet's delimiter line" in err, err
