"""A streamed fit names a missing value, an infinite value and a negative
weight by the line its row starts on, as the in-memory reader does, in a file
whose earlier rows hold quoted line breaks or that has blank lines: it named
``line {row + 2}`` (line 12 for the row on line 22 below). The lines are
counted here from the text written, the reference."""

from __future__ import annotations

import pytest

from conftest import run_cli
from logistic import DataValidationError
from logistic.backends import Chunked


def _text(bad_row: int, value: str, column: str, blank: bool) -> tuple[str, int]:
    """A CSV text of 40 rows, row ``bad_row``'s ``column`` holding ``value``,
    each earlier row's note two lines long (or, ``blank``, one line followed
    by a blank line); the line that row starts on."""
    lines, line = ["x,w,y,note"], 1
    for i in range(40):
        x, w = (value, "1") if (i == bad_row and column == "x") else (f"{i % 7}", "1")
        if i == bad_row and column == "w":
            w = value
        note = f'"n{i}\nmore"' if not blank else f"n{i}"
        line += 1
        if i == bad_row:
            at = line
        lines.append(f"{x},{w},{i % 2},{note}")
        line += 1  # the note's second line, or the blank line after the row
        if blank:
            lines.append("")
    return "\n".join(lines) + "\n", at


CASES = [
    ("x", "", "missing values in d.csv: column 'x' (1 row(s), first at line {at})",
     "missing values in d.csv: column 'x' (first at line {at})"),
    ("x", "inf", "column 'x' in d.csv has an infinite value (inf) at line {at}",
     "column 'x' in d.csv has an infinite value (inf) at line {at}"),
    ("w", "-2", "--weights column 'w' in d.csv has a negative value (-2) at line {at}",
     "d.csv: negative --weights (column 'w') (-2) at line {at}"),
]


@pytest.mark.parametrize("blank", [False, True], ids=["quoted breaks", "blank lines"])
@pytest.mark.parametrize(("column", "value", "memory", "streamed"), CASES)
def test_streamed_message_names_the_line(workdir, capsys, blank, column, value, memory, streamed):
    text, at = _text(10, value, column, blank)
    assert text.splitlines()[at - 1].startswith(f"{value},") or column == "w"
    (workdir / "d.csv").write_text(text)
    args = ["fit", "d.csv", "-t", "y", "--features", "x", "--weights", "w", "-o", "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 65 and memory.format(at=at) in err, err
    code, _, err = run_cli(capsys, [*args, "--stream", "--no-cache"])
    assert code == 65 and streamed.format(at=at) in err, err


def test_python_streamed_reader_names_the_line(workdir):
    text, at = _text(10, "", "x", blank=False)
    (workdir / "d.csv").write_text(text)
    with pytest.raises(DataValidationError, match=f"first at line {at}\\)"):
        Chunked.from_csv("d.csv", target="y", features=["x"], cache=False)
