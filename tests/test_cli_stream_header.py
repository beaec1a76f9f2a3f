"""A streamed fit (``--stream``) checks the header as the in-memory reader does:
duplicate names and empty names are refused naming the columns (exit 65), where
a streamed fit crashed on a duplicate name (KeyError from pyarrow's schema) and
left a named-less data column out silently; an empty first name (pandas' index
column) is left out with the in-memory note."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli


def _write(path, header, rows=200, trailing=""):
    rng = np.random.default_rng(4)
    lines = [header]
    for i in range(rows):
        x1, x2 = rng.normal(size=2)
        y = int(rng.random() < 1 / (1 + np.exp(-x1)))
        lines.append(f"{i + 1},{x1:.5f},{x2:.5f},{y}{trailing}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("stream", [[], ["--stream"]])
@pytest.mark.parametrize(
    "header, trailing, message",
    [
        ("id,x1,x1,y", "", "duplicate column name(s) ['x1'] in the header"),
        ("id,x1,,y", "", "column(s) [3] have an empty header name"),
        ("id,x1,x2,y,", ",", "column(s) [5] have an empty header name"),
    ],
)
def test_a_header_the_in_memory_reader_refuses_is_refused_streamed_too(
    tmp_path, capsys, stream, header, trailing, message
):
    data = _write(tmp_path / "d.csv", header, trailing=trailing)
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "-t", "y", *stream, "-o", out])
    assert code == 65, err
    assert f"d.csv: {message}" in err
    assert not out.exists()


def test_an_unnamed_first_column_is_left_out_with_a_note_when_streamed(tmp_path, capsys):
    data = _write(tmp_path / "d.csv", ",x1,x2,y")
    for stream in ([], ["--stream"]):
        out = tmp_path / f"m{len(stream)}.json"
        code, text, err = run_cli(
            capsys, ["fit", data, "-t", "y", *stream, "-o", out]
        )
        assert code == 0, err
        assert "ignored column(s) [1] with an empty header name" in err
        assert "x1" in text and "x2" in text
