"""A streamed fit (``--stream``) checks the header as the in-memory reader does:
duplicate names and empty names are refused naming the columns (exit 65), where
a streamed fit crashed on a duplicate name (KeyError from pyarrow's schema) and
left a named-less data column out silently; an empty first name (pandas' index
column) is left out with the in-memory note."""

from __future__ import annotations

import json

import numpy as np
import pytest

import logistic
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


def _with_id(path, rows=300):
    """``id,x1,x2,y``: an identifier the in-memory fit leaves out."""
    return _write(path, "id,x1,x2,y", rows=rows)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_streamed_fit_leaves_an_identifier_out_as_in_memory(tmp_path, capsys, kind):
    """``id`` (named so, whole numbers, distinct on every row) was a feature of
    a streamed fit and not of the in-memory one: the streamed fit judges it on
    the rows it reads before its first pass, leaves it out with the in-memory
    note, and ends with the in-memory model; ``--include id`` keeps it."""
    data = _with_id(tmp_path / "d.csv")
    if kind == "parquet":
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        pq.write_table(pacsv.read_csv(data), tmp_path / "d.parquet")
        data = tmp_path / "d.parquet"
    fits = {}
    for name, extra in (("mem", []), ("stream", ["--stream"])):
        out = tmp_path / f"{name}.json"
        code, _, err = run_cli(capsys, ["fit", data, "-t", "y", *extra, "-o", out])
        assert code == 0, err
        assert "keep it as a feature with --include id" in err
        fits[name] = json.loads(out.read_text())
        fits[name]["coef"] = logistic.load(out).coef_.ravel()
    assert fits["stream"]["encoding"]["feature_names"] == ["x1", "x2"]
    assert "(streamed: judged on the first 300 rows)" in err
    np.testing.assert_allclose(fits["mem"]["coef"], fits["stream"]["coef"], rtol=1e-6)
    out = tmp_path / "kept.json"
    code, _, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--stream", "--include", "id", "-o", out]
    )
    assert code == 0, err
    assert json.loads(out.read_text())["encoding"]["feature_names"] == ["id", "x1", "x2"]
