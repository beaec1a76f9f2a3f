"""A class whose rows all have weight 0 is refused by every backend.

In memory, ``check_sample_weight`` refuses it before any pass ("sample_weight
is zero for every sample of class 1"). Streamed CSV and Parquet files (with
and without the row cache) and Dask reached the fit unchecked and returned a
"converged" model of the other class alone (intercept about -23, slopes about
0, standard errors about 2 800), exit 0 on the command line: docs/reliability.md
promises the in-memory refusal everywhere. ``partial_fit``'s batches may hold
one class and are not refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import DataValidationError, LogisticRegression
from logistic.backends import Chunked

MESSAGE = (
    "--weights is zero for every sample of class 1: the data then lack that class; "
    "give samples of every class a positive weight"
)


def _frame(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X @ [1.0, -2.0, 0.5]))).astype(int)
    frame = pd.DataFrame(X, columns=list("abc"))
    frame["w"] = np.where(y == 1, 0.0, 1.0)
    frame["o"] = rng.normal(scale=0.2, size=n)
    frame["y"] = y
    return frame


@pytest.mark.parametrize(
    ("suffix", "mode"),
    [
        ("csv", []),  # in memory: the reference refusal
        ("csv", ["--stream"]),
        ("csv", ["--stream", "--no-cache"]),
        ("parquet", ["--stream"]),
        ("csv", ["--stream", "--offset", "o"]),
        pytest.param("parquet", ["--workers", "1"], id="dask"),
    ],
)
def test_every_reader_refuses_a_class_of_weight_zero(workdir, capsys, suffix, mode):
    data = workdir / f"zw.{suffix}"
    frame = _frame()
    frame.to_csv(data, index=False) if suffix == "csv" else frame.to_parquet(data)
    drop = [] if "--offset" in mode else ["--drop", "o"]
    code, out, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--weights", "w", *drop, *mode, "-o", "m.json"]
    )
    assert code == 65, err
    assert err.strip().endswith(MESSAGE), err
    assert not Path("m.json").exists()


def test_the_python_api_refuses_it_on_a_streamed_file(tmp_path):
    data = tmp_path / "zw.csv"
    _frame().to_csv(data, index=False)
    source = Chunked.from_csv(data, target="y", weight="w", features=["a", "b", "c"])
    with pytest.raises(DataValidationError, match="zero for every sample of class 1"):
        LogisticRegression().fit(source, None)


def test_partial_fit_takes_a_batch_of_one_class():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    model = LogisticRegression(penalty="l2", alpha=0.01)
    model.partial_fit(X, np.zeros(200), classes=[0, 1])
    model.partial_fit(X, np.ones(200))
    assert np.isfinite(model.coef_).all()


@pytest.mark.parametrize("mode", [[], ["--stream"], ["--workers", "1"]])
def test_a_weightless_class_of_three_is_refused_in_every_mode(workdir, capsys, mode):
    """Three classes, class 2's rows all of weight 0: the in-memory fit
    refused it; streamed and Dask multinomial fits reported a model of class
    2 against 0 with an intercept of -22.7 and a standard error of 2 645."""
    rng = np.random.default_rng(0)
    n = 3000
    frame = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"])
    frame["y"] = rng.integers(0, 3, n)
    frame["w"] = np.where(frame["y"] == 2, 0.0, 1.0)
    frame.to_csv(workdir / "k.csv", index=False)
    code, out, err = run_cli(
        capsys, ["fit", "k.csv", "-t", "y", "--weights", "w", *mode, "-o", "m.json"]
    )
    assert code == 65, err
    assert err.strip().endswith(MESSAGE.replace("class 1", "class 2")), err
