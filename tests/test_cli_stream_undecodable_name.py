"""``fit --stream`` of a Parquet file or folder, and with a checkpoint or a
row cache, whose name holds a byte that is not UTF-8.

Found by a shell scripter: ``logistic fit $'d\\xe9.parquet' -t y --stream``
(and a folder ``$'parts\\xe9'``) failed with exit 65 and ``'utf-8' codec
can't encode character '\\udce9' in position 1: surrogates not allowed``:
the plan read the first row group and the later files' schemas by path,
which pyarrow encodes in UTF-8. ``--checkpoint $'ck\\xe9'`` or ``--cache-dir
$'rows\\xe9'`` ran the whole fit and then refused to save it (``field
'training.streaming.checkpoint' holds the lone surrogate``). The plan now
reads through opened files, as the passes do, and the model file records
those names escaped (``ck\\udce9``), as it records the data file's.
Reference: the same fit in memory.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def folder(workdir):
    name = os.fsdecode(b"parts\xe9")
    try:
        (workdir / name).mkdir()
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    frame = pd.read_csv(UCLA)
    parts = {
        workdir / name / "a.parquet": frame.iloc[:200],
        workdir / name / os.fsdecode(b"b\xe9.parquet"): frame.iloc[200:],
        workdir / os.fsdecode(b"d\xe9.parquet"): frame,
    }
    for path, part in parts.items():
        with open(path, "wb") as fh:  # pyarrow takes such a name by its file only
            part.to_parquet(fh)
    return name


def _coef(path):
    doc = json.loads(path.read_text())
    return np.r_[doc["model"]["intercept"], doc["model"]["coef"]]


def test_streamed_fits_of_undecodable_names(capsys, workdir, folder):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "mem.json"])
    assert code == EX_OK, err
    reference = _coef(workdir / "mem.json")
    checkpoint, cache = os.fsdecode(b"ck\xe9"), os.fsdecode(b"rows\xe9")
    runs = {
        "file.json": [os.fsdecode(b"d\xe9.parquet")],
        "folder.json": [folder],
        "kept.json": [UCLA, "--checkpoint", checkpoint, "--cache-dir", cache],
    }
    for out, args in runs.items():
        code, _, err = run_cli(
            capsys, ["fit", args[0], "-t", "admit", "--stream", "-o", out, *args[1:]]
        )
        assert code == EX_OK, err
        np.testing.assert_allclose(_coef(workdir / out), reference, rtol=1e-6)
    streaming = json.loads((workdir / "kept.json").read_text())["training"]["streaming"]
    assert streaming["checkpoint"] == "ck\\udce9"
    assert streaming["cache"].startswith("rows\\udce9" + os.sep)
