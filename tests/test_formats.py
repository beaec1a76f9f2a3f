"""logistic.formats: what a data file is (content first, then the name), Parquet datasets."""

from __future__ import annotations

import bz2
import gzip
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from logistic import DataValidationError
from logistic.formats import (
    is_tab_separated,
    no_parquet_files,
    parquet_files,
    sniff_format,
    strip_compression,
)
from logistic.tabular._read import sniff_delimiter

CSV = b"x,y\n1,0\n2,1\n"
LIBSVM = b"1 1:0.5 3:2\n0 2:1\n"


def _parquet_bytes(tmp_path) -> bytes:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"x": [1.0], "y": [0]}), path)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("d.csv", CSV, ("csv", None)),
        ("d.tab", CSV, ("csv", None)),
        ("d.tsv.gz", gzip.compress(CSV, mtime=0), ("csv", "gzip")),
        ("d.csv.bz2", bz2.compress(CSV), ("csv", "bz2")),
        ("d.txt", CSV, ("csv", None)),
        ("d.txt", LIBSVM, ("libsvm", None)),
        ("d", gzip.compress(LIBSVM, mtime=0), ("libsvm", "gzip")),
        ("d.svm", CSV, ("libsvm", None)),  # the name decides over CSV-like text
        ("d.parq", CSV, ("parquet", None)),  # a Parquet name: refused by its reader
        ("d.PQ", CSV, ("parquet", None)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_sniff_format_content_then_name(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    assert sniff_format(path) == expected


def test_parquet_content_wins_over_any_name(tmp_path):
    for name in ("data.csv", "data.tab", "data.txt", "data"):
        (tmp_path / name).write_bytes(_parquet_bytes(tmp_path))
        assert sniff_format(tmp_path / name) == ("parquet", None)


def test_directory_is_a_parquet_dataset_in_natural_order(tmp_path):
    table = pa.table({"x": [1.0], "y": [0]})
    for name in ("part.10.parquet", "part.2.parquet", "sub/part.1.PARQ", "x.pq"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        pq.write_table(table, tmp_path / name)
    for name in ("_metadata.parquet", ".hidden.parquet", "notes.txt"):
        (tmp_path / name).write_bytes(b"not data")
    assert sniff_format(tmp_path) == ("parquet", None)
    found = [p.relative_to(tmp_path).as_posix() for p in parquet_files(tmp_path)]
    assert found == ["part.2.parquet", "part.10.parquet", "sub/part.1.PARQ", "x.pq"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_among_the_data_files_is_listed_not_skipped(tmp_path):
    os.mkfifo(tmp_path / "part.1.parquet")
    assert parquet_files(tmp_path) == [tmp_path / "part.1.parquet"]


def test_truncated_compressed_text_is_named(tmp_path):
    path = tmp_path / "d"
    path.write_bytes(gzip.compress(LIBSVM * 100)[:40])
    with pytest.raises(DataValidationError, match=r"d: cannot decompress \(gzip\)"):
        sniff_format(path)


def test_missing_file_keeps_its_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        sniff_format(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("name", "bare", "tab"),
    [
        ("d.tsv", "d.tsv", True),
        ("d.TSV.GZ", "d.TSV", True),
        ("d.tsv.gzip", "d.tsv", True),
        ("dir/d.tab.bz2", "dir/d.tab", True),
        ("d.tab", "d.tab", True),
        ("d.csv.gz", "d.csv", False),
        ("d.gz", "d", False),
        ("bz2.csv", "bz2.csv", False),
        ("tsv", "tsv", False),
        ("d.tsv.zip", "d.tsv.zip", False),
    ],
)
def test_compression_suffix_and_tab_separated_names(name, bare, tab):
    """A suffix is stripped, not characters (``rstrip`` once missed
    ``.tsv.gzip``); ``.tab`` is tab-separated like ``.tsv``."""
    assert strip_compression(name) == bare
    assert is_tab_separated(name) is tab
    header = b"a,b\tc\n"  # a comma-separated header, unless the name says tab
    assert sniff_delimiter(header, name) == ("\t" if tab else ",")


def test_no_parquet_files_names_every_suffix(tmp_path):
    message = no_parquet_files(tmp_path)
    assert message == f"no Parquet files (*.parquet, *.parq, *.pq) under {tmp_path}"
