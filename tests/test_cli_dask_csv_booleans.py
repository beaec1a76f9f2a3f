"""``fit data.csv --workers N`` of a CSV file with a boolean feature column
(``true``/``false``): read as the in-memory and streamed readers read it.

* A ``1`` or ``0`` among the words (pyarrow's CSV readers take both as
  booleans): the same coefficients as in memory, not pandas' "cannot safely
  convert passed user dtype of bool for object dtyped data in column 0".
* A missing value: named by its column and line, as ``--stream`` names it,
  not as pandas' "Bool column has NA values in column 0".

Run in a fresh interpreter: the workers' standard error is the CLI's own.
The missing value is read by a cluster of the command's own (``--workers
1``), the words on the session's shared cluster (``--scheduler``,
conftest's ``dask_scheduler``: one cluster start, its workers' standard
error checked as the command's) in this process: their coefficients need no
fresh interpreter.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli, run_cli_process

pytest.importorskip("distributed")


def _write(directory, word: str) -> None:
    rng = np.random.default_rng(1)
    n = 3_000
    flag = rng.uniform(size=n) < 0.5
    x = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(x + flag - 0.5)))).astype(int)
    words = np.where(flag, "true", "false").astype(object)
    words[700] = word
    pd.DataFrame({"flag": words, "x": x, "y": y}).to_csv(directory / "d.csv", index=False)


def _fit(directory, *mode: str) -> tuple[int, str, str]:
    args = ["fit", "d.csv", "-t", "y", *mode, "-o", "m.json", "-q", "--force"]
    return run_cli_process(directory, args)


def _coef(directory) -> np.ndarray:
    model = json.loads((directory / "m.json").read_text())["model"]
    return np.r_[model["coef"], model["intercept"]]


@pytest.mark.parametrize("word", ["1", "0"])
def test_a_one_or_zero_among_true_and_false_is_the_in_memory_boolean(
    tmp_path, monkeypatch, capsys, dask_scheduler, word
):
    _write(tmp_path, word)
    # the in-memory reference, then the Dask fit on the shared cluster, both
    # in this process (coefficients need no fresh interpreter)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q"])
    assert code == 0, err
    in_memory = _coef(tmp_path)
    shared = ["--scheduler", dask_scheduler]
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", *shared, "-o", "m.json", "-q", "--force"])
    assert code == 0, err
    np.testing.assert_allclose(_coef(tmp_path), in_memory, rtol=1e-8, atol=1e-10)


def test_a_missing_boolean_is_named_by_column_and_line(tmp_path):
    _write(tmp_path, "")
    code, out, err = _fit(tmp_path, "--workers", "1")
    assert (code, out) == (65, "")
    assert err == (
        "error: missing values in d.csv: column 'flag' (first at line 702); fill "
        "them in, or drop those rows (`logistic fit --missing drop` does, for a fit "
        "in memory)\n"
    )
    assert not (tmp_path / "m.json").exists()
