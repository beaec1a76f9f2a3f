"""The sha256 a model file records of a directory of Parquet files
(``training.data.sha256``) covers the files the fit reads, in the order it
reads them (``logistic.formats.parquet_files``: natural name order, names
starting with ``_`` or ``.`` left out).

It hashed every file under the directory in lexicographic order: a Spark-style
``_SUCCESS`` marker or a hidden ``.crc`` file beside the same data gave
another fingerprint, and ``part.10`` was hashed before ``part.2``, which the
fit reads first. The reference digest is computed here with ``hashlib`` over
the files written by this test.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from conftest import data_path, run_cli


def _fingerprint(capsys, folder: str, model: str) -> str:
    argv = ["fit", folder, "-t", "admit", "--stream", "--no-cache", "-q", "-o", model]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    with open(model, encoding="utf-8") as fh:
        return json.load(fh)["training"]["data"]["sha256"]


def test_a_directory_fingerprint_covers_the_files_read_in_their_order(
    workdir, capsys
):
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    (workdir / "d").mkdir()
    frame.iloc[:150].to_parquet(workdir / "d" / "part.2.parquet", index=False)
    frame.iloc[150:].to_parquet(workdir / "d" / "part.10.parquet", index=False)
    h = hashlib.sha256()
    for name in ("part.2.parquet", "part.10.parquet"):  # the order a fit reads
        h.update(name.encode() + b"\0" + (workdir / "d" / name).read_bytes())
    first = _fingerprint(capsys, "d", "m1.json")
    assert first == h.hexdigest()

    # files the fit does not read leave it unchanged
    (workdir / "d" / "_SUCCESS").write_bytes(b"")
    (workdir / "d" / ".part.2.parquet.crc").write_bytes(b"crc")
    (workdir / "d" / "notes.txt").write_text("not data\n")
    assert _fingerprint(capsys, "d", "m2.json") == first
