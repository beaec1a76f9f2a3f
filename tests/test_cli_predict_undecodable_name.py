"""``predict -o`` writes to a file whose name holds a byte that is not UTF-8.

Found by a shell scripter: ``logistic predict m.json d.csv -o $'p\\xe9.csv'``
(a Latin-1 name, as old archives hold) failed with exit 65 and ``error:
'utf-8' codec can't encode character '\\udce9' in position 2: surrogates not
allowed``: pyarrow's writers encode a path given as text in UTF-8, which
Python's undecodable byte (``\\udce9``) cannot be. CSV and Parquet are now
written through a file opened by its bytes; ``fit``, ``margins`` and
``export`` wrote such names already.
"""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def undecodable(workdir):
    """The file name ``b'p\\xe9'`` as Python spells it, where the file system
    takes it."""
    name = os.fsdecode(b"p\xe9")
    try:
        (workdir / name).write_bytes(b"")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    os.remove(workdir / name)
    return name


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_predictions_written_to_an_undecodable_name(capsys, workdir, undecodable, suffix):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json"])
    assert code == EX_OK, err
    out = undecodable + suffix
    code, _, err = run_cli(capsys, ["predict", "m.json", UCLA, "-o", out])
    assert code == EX_OK, err
    assert f"400 predictions written to p\\udce9{suffix}" in err
    code, stdout, err = run_cli(capsys, ["predict", "m.json", UCLA])
    assert code == EX_OK, err
    if suffix == ".csv":
        assert (workdir / out).read_text() == stdout
    else:
        with open(workdir / out, "rb") as fh:
            assert pq.read_table(fh).num_rows == 400
