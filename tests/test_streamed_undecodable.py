"""Text that is not UTF-8 in a CSV file read in chunks is named as in memory.

pyarrow's streaming reader types a column whose text is not UTF-8 as bytes.
A label column of bytes became labels: ``fit(path, "y")`` with one label
``\\xff`` fitted a three-class model with ``b'\\xff'`` a class, silently (the
command line ran the whole fit, then failed writing the model file, exit 65
blaming it). A bad byte in a numeric column was "text", or "type binary,
which cannot be a feature", or, late in the file, a usage error (exit 2).
Each now gives the in-memory reader's error: the line, the byte and its
offset, and a remedy that works for streamed files.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli
from logistic import DataValidationError, LogisticRegression
from logistic.backends.chunked import Chunked


def _write(path, bad_row=None, column=2, n=20_000, bad=b"\xe9", seed=0):
    rng = np.random.default_rng(seed)
    lines = [b"x1,x2,y"]
    for i in range(n):
        cells = [f"{v:.4f}".encode() for v in rng.normal(size=2)]
        cells.append(b"1" if rng.random() < 0.5 else b"0")
        if i == bad_row:
            cells[column] += bad
        lines.append(b",".join(cells))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return bad_row + 2 if bad_row is not None else None  # its line in the file


@pytest.mark.parametrize("column", [2, 1], ids=["label", "feature"])
@pytest.mark.parametrize("row", [1, 15_000], ids=["first-block", "late-block"])
def test_python_streamed_fit_names_the_line(tmp_path, column, row):
    path = tmp_path / "d.csv"
    line = _write(path, row, column)
    with pytest.raises(DataValidationError) as info:  # at the source or its passes
        source = Chunked.from_csv(str(path), target="y", chunk_bytes=2**16)
        LogisticRegression().fit(source, None)
    text = str(info.value)
    assert f"line {line} is not UTF-8 text (byte 0xe9 at offset" in text
    assert "streamed files are read as UTF-8 only" in text
    _write(path)  # the same file, well formed, fits
    model = LogisticRegression().fit(str(path), "y")
    assert list(model.classes_) == [0, 1]


@pytest.mark.parametrize("column", [2, 1], ids=["label", "feature"])
def test_command_line_stream_refuses_before_fitting(workdir, capsys, column):
    line = _write(workdir / "d.csv", 1, column, n=200)
    args = ["fit", "d.csv", "-t", "y", "--stream", "--no-cache", "-o", "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert err.startswith(f"error: d.csv: line {line} is not UTF-8 text (byte 0xe9"), err
    assert not (workdir / "m.json").exists()


def test_a_column_the_fit_leaves_out_is_not_read(workdir, capsys, tmp_path):
    """A byte that is not UTF-8 in a column the fit does not read: the
    command line's streamed fit of the other columns goes on (its first
    block showed the column as bytes), and a non-number in a read column is
    named as such, not as the other column's byte."""
    rows = ["x1,x2,note,y"] + [f"{i % 7},{i % 5},ok,{i % 2}" for i in range(40)]
    text = ("\n".join(rows) + "\n").encode().replace(b"ok", b"caf\xe9", 1)
    (workdir / "n.csv").write_bytes(text)
    args = ["fit", "n.csv", "-t", "y", "--features", "x1,x2", "--stream", "--no-cache"]
    code, _, err = run_cli(capsys, [*args, "-o", "m.json", "-q"])
    assert code == 0, err
    source = tmp_path / "s.csv"
    source.write_bytes(text.replace(b"\n3,3,", b"\n3,abc,", 1))
    with pytest.raises(DataValidationError, match="'abc' is not a number") as info:
        LogisticRegression().fit(Chunked.from_csv(str(source), target="y",
                                                  features=["x1", "x2"]), None)  # fmt: skip
    assert "UTF-8" not in str(info.value)


def test_a_header_that_is_not_utf8_is_named_as_such(workdir, capsys):
    """A column name that is not UTF-8: the streamed fits said Python's raw
    "'utf-8' codec can't decode byte 0xe9" (command line) or "the file is
    corrupt" (Python)."""
    (workdir / "h.csv").write_bytes(b"x1,caf\xe9,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    args = ["fit", "h.csv", "-t", "y", "--stream", "--no-cache", "-o", "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert err.startswith("error: h.csv: line 1 is not UTF-8 text (byte 0xe9"), err
    with pytest.raises(DataValidationError, match="line 1 is not UTF-8 text"):
        LogisticRegression().fit(str(workdir / "h.csv"), "y")
