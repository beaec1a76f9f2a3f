"""A Parquet column without a name is refused in Parquet's words.

The refusal was the CSV header's: "give each column a name in the header
line, or remove the unnamed column(s) from the file (a trailing delimiter on
every line adds one)"; a Parquet file has no header line and no delimiter.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_an_unnamed_parquet_column(tmp_path, capsys, stream):
    table = pa.Table.from_arrays(
        [pa.array([1.0, 2, 3, 4, 5, 0]), pa.array([1.0, 0, 1, 0, 1, 1]),
         pa.array([0, 1, 0, 1, 1, 0])],
        names=["x", "", "y"],
    )
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    code, out, err = run_cli(
        capsys, ["fit", path, "-t", "y", "-o", tmp_path / "m.json", *stream]
    )
    assert (code, out) == (65, "")
    assert err == (
        f"error: {path}: column(s) [2] have an empty name; give each column a "
        "name (rename it where the file is written), or leave the unnamed "
        "column(s) out of the file\n"
    )


def test_a_csv_header_keeps_its_words(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x,,y\n1,2,0\n2,3,1\n")
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 65
    assert "have an empty header name; give each column a name in the header line" in err
