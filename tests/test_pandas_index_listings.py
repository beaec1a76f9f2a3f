"""Column lists in messages show a pandas index apart from the data columns.

Reference: :func:`pandas.read_parquet` on the same file: the columns its
pandas metadata names as the index (``index_columns``) become the frame's
index, the rest its columns. A message listing a file's columns (no target,
an absent column) lists the latter as the columns and names the index
apart, as row labels a user may still name (with ``--features``), for every
reader: in memory, ``--stream`` and a directory of files (Dask's reader).
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from conftest import data_path, run_cli

pytest.importorskip("pyarrow")

UCLA = data_path("ucla-admissions", "binary.csv")


def _shuffled_parquet(path: str, name: str | None = None) -> tuple[list[str], str]:
    """Write a shuffled frame (a non-default index pandas stores as a
    column); return pandas' own reading: (columns, index column's name)."""
    frame = pd.read_csv(UCLA).sample(frac=1, random_state=0).rename_axis(name)
    frame.to_parquet(path)
    back = pd.read_parquet(path)
    import pyarrow.parquet as pq

    index = pq.read_schema(path).pandas_metadata["index_columns"]
    assert len(index) == 1 and isinstance(index[0], str)
    return list(back.columns), index[0]


def _listed(err: str, lead: str) -> tuple[list[str], str]:
    """The names quoted after ``lead`` up to the index remark, and the rest."""
    tail = err.split(lead, 1)[1]
    names, _, rest = tail.partition("; and the pandas index")
    return re.findall(r"'([^']*)'", names), rest


@pytest.mark.parametrize("extra", [[], ["--stream"]])
def test_no_target_lists_pandas_columns_and_the_index_apart(workdir, capsys, extra):
    columns, index = _shuffled_parquet("idx.parquet")
    code, _, err = run_cli(capsys, ["fit", "idx.parquet", *extra, "-o", "m.json"])
    assert code == 2, err
    listed, rest = _listed(err, "columns: ")
    assert listed == columns  # pandas.read_parquet's columns, in order
    assert f"{len(columns)} columns" in err
    assert f"column {index!r}" in rest and "row labels" in rest, err


def test_directory_of_files_lists_the_index_apart(workdir, capsys):
    (workdir / "parts").mkdir()
    columns, index = _shuffled_parquet("parts/a.parquet")
    _shuffled_parquet("parts/b.parquet")
    code, _, err = run_cli(capsys, ["fit", "parts", "--stream", "-o", "m.json"])
    assert code == 2, err
    listed, rest = _listed(err, "columns: ")
    assert listed == columns and f"column {index!r}" in rest, err


@pytest.mark.parametrize("extra", [[], ["--stream"]])
def test_absent_feature_lists_the_index_apart(workdir, capsys, extra):
    columns, index = _shuffled_parquet("idx.parquet", "row")
    args = ["fit", "idx.parquet", "-t", "admit", "--features", "gre,gpx", *extra]
    code, _, err = run_cli(capsys, [*args, "-o", "m.json"])
    assert code == 65, err
    listed, rest = _listed(err, "available: ")
    assert listed == columns and "column 'row'" in rest, err
    # the index may still be named: it is a column of the file
    args = ["fit", "idx.parquet", "-t", "admit", "--features", "gre,row", *extra]
    code, _, err = run_cli(capsys, [*args, "-o", "m.json"])
    assert code == 0, err


def test_predict_keep_lists_the_index_apart(workdir, capsys):
    columns, index = _shuffled_parquet("idx.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "idx.parquet", "-t", "admit", "-o", "m.json"]
    )
    assert code == 0, err
    code, _, err = run_cli(
        capsys, ["predict", "m.json", "idx.parquet", "--keep", "nope"]
    )
    assert code == 65, err
    listed, rest = _listed(err, "available: ")
    assert listed == columns and f"column {index!r}" in rest, err
    # kept when named: the row labels beside the predictions
    code, out, err = run_cli(
        capsys, ["predict", "m.json", "idx.parquet", "--keep", index]
    )
    assert code == 0, err
    assert next(csv.reader(io.StringIO(out)))[0] == index


def test_file_without_pandas_metadata_lists_every_column(workdir, capsys):
    pd.read_csv(UCLA).to_csv("plain.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "plain.csv", "-o", "m.json"])
    assert code == 2, err
    assert "pandas index" not in err
    assert re.findall(r"'([^']*)'", err.split("columns: ", 1)[1]) == list(
        pd.read_csv("plain.csv").columns
    )


def test_a_file_missing_a_column_lists_its_index_apart(workdir, capsys):
    (workdir / "parts").mkdir()
    _shuffled_parquet("parts/a.parquet")
    pd.read_parquet("parts/a.parquet").drop(columns="gpa").to_parquet("parts/b.parquet")
    columns = list(pd.read_parquet("parts/b.parquet").columns)
    code, _, err = run_cli(
        capsys, ["fit", "parts", "-t", "admit", "--stream", "-o", "m.json"]
    )
    assert code == 65, err
    found = err.split("(found ", 1)[1]
    listed, rest = found.split("]", 1)
    assert re.findall(r"'([^']*)'", listed) == columns
    assert "pandas index column '__index_level_0__'" in rest, err
