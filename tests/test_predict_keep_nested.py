"""``predict --keep`` of a Parquet column whose values a CSV file cannot hold
(a list, a struct, a map: Arrow's CSV writer has no text for them) is refused
naming the column, its type and the output that keeps it (exit 2), before
anything is written; the error was pyarrow's own "Unsupported Type:list<element:
int64>", naming neither the column nor a remedy. A Parquet output keeps the
values as the input file holds them (read back with pyarrow, the reference).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

N = 40


@pytest.fixture
def nested(workdir, capsys):
    x = [float(i % 7) for i in range(N)]
    y = [i % 2 if i % 5 else 1 - i % 2 for i in range(N)]
    pq.write_table(pa.table({"x": x, "y": y}), workdir / "train.parquet")
    table = pa.table(
        {
            "x": x,
            "tags": pa.array([[i, i + 1] for i in range(N)]),
            "meta": pa.array([{"id": i} for i in range(N)]),
        }
    )
    pq.write_table(table, workdir / "new.parquet")
    code, _, err = run_cli(capsys, ["fit", "train.parquet", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    return table


@pytest.mark.parametrize("out", [["-o", "p.csv"], []], ids=["file", "stdout"])
def test_csv_output_refuses_nested_columns_by_name(workdir, capsys, nested, out):
    args = ["predict", "m.json", "new.parquet", "--keep", "tags,x,meta", *out]
    code, stdout, err = run_cli(capsys, args)
    assert (code, stdout) == (2, "")
    assert err == (
        "error: --keep 'tags' (list<element: int64>), 'meta' (struct<id: int64>): "
        "a CSV file cannot hold such values; write the predictions as Parquet (-o "
        "FILE.parquet) or leave them out of --keep\n"
    )
    assert not (workdir / "p.csv").exists()


def test_parquet_output_keeps_them(workdir, capsys, nested):
    args = ["predict", "m.json", "new.parquet", "--keep", "tags,meta", "-o", "p.parquet"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    written = pq.read_table(workdir / "p.parquet")
    assert written.column("tags").to_pylist() == nested.column("tags").to_pylist()
    assert written.column("meta").to_pylist() == nested.column("meta").to_pylist()
