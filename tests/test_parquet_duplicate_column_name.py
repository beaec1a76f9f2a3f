"""A Parquet file naming a column twice is refused in Parquet's words: its
names are in its schema, not in a header line (a CSV file's words stay)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli
from logistic._exceptions import DataValidationError
from logistic.backends import Chunked

MESSAGE = (
    "duplicate column name(s) ['x'] in its schema; rename them so every column is unique"
)


@pytest.fixture
def twice(workdir):
    table = pa.table([[1.0, 2.0, 3.0], [0.5, 0.1, 0.2], [0, 1, 0]], names=["x", "x", "y"])
    pq.write_table(table, workdir / "twice.parquet")
    return workdir / "twice.parquet"


@pytest.mark.parametrize("mode", ["--no-stream", "--stream"])
def test_the_cli_names_the_schema(twice, capsys, mode):
    code, out, err = run_cli(capsys, ["fit", "twice.parquet", "-t", "y", mode, "-o", "m.json"])
    assert (code, out) == (65, "")
    assert err == f"error: twice.parquet: {MESSAGE}\n"
    assert not (twice.parent / "m.json").exists()


def test_the_streamed_backend_names_the_schema(twice):
    with pytest.raises(DataValidationError) as info:
        Chunked.from_parquet(twice, target="y")
    assert str(info.value).endswith(MESSAGE)


def test_a_csv_header_keeps_its_words(workdir, capsys):
    (workdir / "twice.csv").write_text("x,x,y\n1,2,0\n3,4,1\n")
    code, _, err = run_cli(capsys, ["fit", "twice.csv", "-t", "y", "-o", "m.json"])
    assert code == 65 and "duplicate column name(s) ['x'] in the header;" in err
