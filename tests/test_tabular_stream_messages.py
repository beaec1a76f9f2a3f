"""Streamed and in-memory reads word the same data errors the same way, with
1-based file lines; a CSV file named ``.parquet`` gets the ``--format csv``
hint; unused empty-named columns (a trailing delimiter) are ignored at predict.

The line numbers are those of the files written here (header = line 1).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli
from logistic._exceptions import DataValidationError
from logistic.backends._csv_source import CSVSource

N_ROWS = 4000


def _numbers(path, bad_line=None, value="None"):
    rng = np.random.default_rng(2)
    lines = ["a,b,y"]
    for _ in range(N_ROWS):
        a, b = rng.normal(size=2)
        lines.append(f"{a:.5f},{b:.5f},{int(a + b > 0)}")
    if bad_line is not None:
        lines[bad_line - 1] = (
            value + lines[bad_line - 1][lines[bad_line - 1].index(",") :]
        )
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("line", [201, N_ROWS - 10])
def test_stray_word_in_a_number_column_same_message_streamed(workdir, capsys, line):
    _numbers(workdir / "d.csv", bad_line=line)
    want = f"column 'a' in d.csv is numeric but has non-numeric value 'None' at line {line}"
    code, _, memory = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json"])
    assert code == 65 and want in memory
    code, _, streamed = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--stream", "--no-cache", "-o", "m.json"]
    )
    assert code == 65 and want in streamed
    assert "one-hot" not in streamed


def test_stray_word_after_the_first_block_names_the_line_before(tmp_path):
    _numbers(tmp_path / "d.csv", bad_line=N_ROWS - 10)
    source = CSVSource(tmp_path / "d.csv", target="y", block_bytes=2**16)
    with pytest.raises(DataValidationError) as info:
        for _ in source.chunks(np.float64):
            pass
    text = str(info.value)
    assert "column 'a' in" in text and "non-numeric value 'None' after line" in text
    before = int(text.split("after line ")[1].split(" ")[0])
    assert before < N_ROWS - 10  # the last line of the blocks read before


def test_missing_value_named_by_its_line_streamed(workdir, capsys):
    _numbers(workdir / "d.csv", bad_line=101, value="")
    args = ["fit", "d.csv", "-t", "y", "-o", "m.json"]
    code, _, memory = run_cli(capsys, args)
    assert code == 65 and "column 'a' (1 row(s), first at line 101)" in memory
    code, _, streamed = run_cli(capsys, [*args, "--stream", "--no-cache"])
    assert code == 65
    assert "missing values in d.csv: column 'a' (first at line 101)" in streamed


def test_infinity_named_by_its_line_streamed(workdir, capsys):
    _numbers(workdir / "d.csv", bad_line=31, value="inf")
    code, _, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--stream", "--no-cache", "-o", "m.json"]
    )
    assert (
        code == 65
        and "column 'a' in d.csv has an infinite value (inf) at line 31" in err
    )


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_csv_named_parquet_suggests_format_csv(workdir, capsys, stream):
    _numbers(workdir / "d.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "d.parquet", "-t", "y", *stream, "-o", "m.json"]
    )
    assert code == 65 and "pass --format csv" in err and "footer" not in err
    code, _, err = run_cli(
        capsys, ["fit", "d.parquet", "-t", "y", "--format", "csv", "-o", "m.json", "-q"]
    )
    assert code == 0, err


def test_trailing_delimiter_column_ignored_at_predict(workdir, capsys):
    _numbers(workdir / "d.csv")
    assert run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    lines = (workdir / "d.csv").read_text().splitlines()
    (workdir / "t.csv").write_text("".join(line + ",\n" for line in lines))
    code, plain, _ = run_cli(capsys, ["predict", "m.json", "d.csv"])
    assert code == 0
    code, out, err = run_cli(capsys, ["predict", "m.json", "t.csv"])
    assert code == 0, err
    assert out == plain
    assert "column(s) [4] with an empty header name" in err
    code, _, err = run_cli(capsys, ["fit", "t.csv", "-t", "y", "-o", "n.json"])
    assert code == 65 and "empty header name" in err  # fit still names it
