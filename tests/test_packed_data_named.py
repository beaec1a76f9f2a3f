"""Data compressed with a codec the readers do not decompress (zstd, xz, lz4),
or a CSV file inside a zip archive, is refused by name with the command that
unpacks it, by every reader: not called binary (its NUL bytes), not a
workbook to export as CSV, and not parsed as CSV text (a zip archive's stored
entry reads as rows until its central directory, a ragged line).

The magic numbers are the formats' own: zstd frames start ``28 B5 2F FD``
(RFC 8878, 3.1.1), xz files ``FD 37 7A 58 5A 00`` (The .xz File Format 1.2.1,
2.1.1.1), LZ4 frames ``04 22 4D 18`` (LZ4 Frame Format 1.6.4), zip local file
headers ``PK 03 04`` with the entry's name at offset 30 (APPNOTE.TXT 4.3.7);
the files below are written by Python's lzma and zipfile and pyarrow's zstd
and lz4 codecs, not by the code under test.
"""

from __future__ import annotations

import io
import lzma
import zipfile

import pyarrow as pa
import pytest

from conftest import run_cli
from logistic import DataValidationError
from logistic.backends import Chunked
from logistic.tabular import read_data

CSV = "".join(["x,y\n"] + [f"{i % 7},{i % 2}\n" for i in range(60)]).encode()


def _arrow_compressed(codec: str) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, codec) as out:
        out.write(CSV)
    return sink.getvalue().to_pybytes()


def _zipped(entry: str) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as z:
        z.writestr(entry, CSV)
    return sink.getvalue()


PACKED = {
    "zstd": (
        lambda: _arrow_compressed("zstd"),
        "d.csv.zst is zstd-compressed, which this tool does not read (it reads "
        "plain, gzip and bz2 files); decompress it first (e.g. zstd -d FILE), or "
        "compress it with gzip",
    ),
    "xz": (
        lambda: lzma.compress(CSV),
        "d.csv.zst is xz-compressed, which this tool does not read (it reads plain, "
        "gzip and bz2 files); decompress it first (e.g. xz -d FILE), or compress it "
        "with gzip",
    ),
    "lz4": (
        lambda: _arrow_compressed("lz4"),
        "d.csv.zst is lz4-compressed, which this tool does not read (it reads "
        "plain, gzip and bz2 files); decompress it first (e.g. lz4 -d FILE), or "
        "compress it with gzip",
    ),
    "zip": (
        lambda: _zipped("export/données.csv"),
        "d.csv.zst is a zip archive holding 'export/données.csv'; unzip it first "
        "(e.g. unzip FILE) and give the file it holds",
    ),
}


@pytest.mark.parametrize("kind", sorted(PACKED))
@pytest.mark.parametrize("stream", [False, True], ids=["memory", "stream"])
def test_cli_names_the_packing(workdir, capsys, kind, stream):
    content, message = PACKED[kind]
    (workdir / "d.csv.zst").write_bytes(content())
    args = ["fit", "d.csv.zst", "-t", "y", *(["--stream"] if stream else [])]
    code, _, err = run_cli(capsys, args)
    assert (code, err) == (65, f"error: {message}\n")


@pytest.mark.parametrize("kind", sorted(PACKED))
def test_python_readers_name_the_packing(workdir, kind):
    content, message = PACKED[kind]
    (workdir / "d.csv.zst").write_bytes(content())
    with pytest.raises(DataValidationError) as read:
        read_data("d.csv.zst")
    with pytest.raises(DataValidationError) as streamed:
        Chunked.from_csv("d.csv.zst", target="y")
    assert str(read.value) == str(streamed.value) == message


def test_a_workbook_is_still_named_a_workbook(workdir, capsys):
    # an .xlsx file is a zip archive whose first entry is [Content_Types].xml
    (workdir / "book.xlsx").write_bytes(_zipped("[Content_Types].xml"))
    code, _, err = run_cli(capsys, ["fit", "book.xlsx", "-t", "y"])
    assert (code, err) == (
        65,
        "error: book.xlsx is a zip archive (an Excel .xlsx or .ods workbook?), not "
        "a data file this tool reads; export it as CSV (UTF-8) or Parquet\n",
    )
