"""``fit data.csv --workers N`` reads a feature of integers holding one beyond
±2**53 as the whole-file and streamed fits read it.

The whole-file reader types a column from the whole file: integers only are
int64, and an int64 feature holding 9007199254740993 (2**53 + 1, which
float64 holds as 2**53: IEEE 754 binary64 has a 53-bit significand) is
refused naming the column, the value and its line; ``--stream`` reads the
column again as int64 once a block holds a value of 2**53 or more and
refuses it alike. Dask's ``read_csv`` read the features as float64 and the
fit wrote a model of 2**53 (exit 0). With a ``2.5`` anywhere in the column
every reader reads floats (pyarrow's inference, like pandas', tries integers
first), the value its nearest float.

The Dask fits run on one worker: the file is one partition. The refusal's
in a fresh interpreter on a cluster of its own (``--workers 1``: its
workers' standard error is the command line's); the floats' in this process
on the session's shared cluster (``--scheduler``, conftest's
``dask_scheduler``: one cluster start, its workers' standard error checked),
as only their coefficients are compared.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli, run_cli_process
from logistic._exceptions import DataValidationError
from logistic.backends._csv_source import CSVSource

BEYOND = 9007199254740993  # 2**53 + 1
ROWS = 140_010  # "d,-0.123,d\n": about 1.4 MB, past the streamed reader's 1 MiB block


def _write(path, late: str, early: str | None = None) -> int:
    """A file ``x,z,y`` of ROWS rows, x small integers, whose row ROWS - 10
    holds ``late`` in x (and row 5 ``early``); the late row's line."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 10, ROWS)
    z = rng.normal(size=ROWS).round(3)
    y = (rng.random(ROWS) < 0.3 + 0.04 * x).astype(int)
    lines = [f"{a},{b},{c}" for a, b, c in zip(x, z, y, strict=True)]
    row = ROWS - 10
    lines[row] = f"{late},{z[row]},{y[row]}"
    if early is not None:
        lines[5] = f"{early},{z[5]},{y[5]}"
    path.write_text("x,z,y\n" + "\n".join(lines) + "\n")
    assert sum(len(s) + 1 for s in lines[:row]) > 1 << 20  # past the first block
    return row + 2


def _argv(*mode: str) -> list[str]:
    return ["fit", "d.csv", "-t", "y", *mode, "-o", "m.json", "-q", "--force"]


@pytest.mark.dask
def test_every_reader_refuses_the_integer_in_the_same_words(
    tmp_path, monkeypatch, capsys
):
    pytest.importorskip("distributed")
    line = _write(tmp_path / "d.csv", str(BEYOND))
    monkeypatch.chdir(tmp_path)
    said = (
        f"column 'x' in d.csv holds integers too large to be a numeric feature "
        f"exactly: {BEYOND} at line {line}"
    )
    code, _, whole = run_cli(capsys, _argv("--no-stream"))
    assert code == 65 and said in whole, whole
    code, _, streamed = run_cli(capsys, _argv("--stream", "--no-cache"))
    assert code == 65 and streamed.startswith(f"error: {said};"), streamed
    assert (tmp_path / "m.json").exists() is False
    # the Dask fit: exit 0 and a model of 2**53 before; now the streamed line
    assert run_cli_process(tmp_path, _argv("--workers", "1")) == (65, "", streamed)
    assert not (tmp_path / "m.json").exists()


@pytest.mark.dask
def test_a_decimal_in_the_column_makes_every_reader_read_floats(
    tmp_path, monkeypatch, capsys, dask_scheduler
):
    pytest.importorskip("distributed")
    _write(tmp_path / "d.csv", str(BEYOND), early="2.5")
    # pandas' reader (an independent one) reads the column as floats, the
    # value as its nearest float64
    x = pd.read_csv(tmp_path / "d.csv")["x"]
    assert x.dtype == np.float64 and x.iloc[ROWS - 10] == 2.0**53
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, _argv("--no-stream"))
    assert code == 0, err
    whole = json.loads((tmp_path / "m.json").read_text())["model"]["coef"]
    code, _, err = run_cli(capsys, _argv("--scheduler", dask_scheduler))
    assert code == 0, err
    dask = json.loads((tmp_path / "m.json").read_text())["model"]["coef"]
    np.testing.assert_allclose(dask, whole, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        (["1", str(BEYOND), "2"], f"{BEYOND} at line 3"),
        (["1", "2", str(-(2**63))], f"{-(2**63)} at line 4"),  # int64's least
        (["1", str(2**53), "2"], None),  # 2**53 itself is exact
        (["2.5", str(BEYOND), "2"], None),  # floats, as in memory
    ],
)
def test_the_column_read_again_refuses_integers_only(tmp_path, values, refused):
    # the client's check behind a partition's 2**53 (CSVSource.refuse_inexact_integers)
    path = tmp_path / "c.csv"
    path.write_text("x,y\n" + "".join(f"{v},{i % 2}\n" for i, v in enumerate(values)))
    source = CSVSource(path, target="y", features=["x"])
    if refused is None:
        source.refuse_inexact_integers("x")
        return
    with pytest.raises(DataValidationError, match=refused):
        source.refuse_inexact_integers("x")
