"""``fit --workers N`` on a file with a missing value, an infinite value or a
negative weight names the column and the file's line (CSV, its header and
line breaks counted) or row (Parquet, 1-based), as the in-memory fit does.
It gave the Dask scan's words: "partition 0: X has a non-finite value (nan)
at row 5 (0-based, global; row 5 of partition 0)".

The expected line is where the test itself wrote the bad value: data row
``i`` (0-based) is line ``i + 2`` of a file with one header line.

The fits run in this process. The first starts a cluster of its own
(``--workers 1``); the others fit on the session's shared cluster
(``--scheduler``, conftest's ``dask_scheduler``: one cluster start, its
workers' standard error checked).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

pytest.importorskip("distributed")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n)})
    frame["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-frame["x1"]))).astype(int)
    frame["w"] = 1.0
    return frame


def _fit(capsys, dask, data, *extra):
    argv = ["fit", data, "-t", "y", "--features", "x1,x2", "-o", "m.json"]
    # one worker: a file of 300 rows is one partition, scanned on one worker
    # however many there are (a second one is ~2.5 s of CPU to start)
    return run_cli(capsys, [*argv, *dask, *extra])


def test_missing_and_infinite_values_name_the_csv_line(workdir, capsys, dask_scheduler):
    frame = _frame()
    frame.loc[5, "x1"] = np.nan
    frame.to_csv(workdir / "d.csv", index=False)
    code, out, err = _fit(capsys, ["--workers", "1"], "d.csv")
    assert (code, out) == (65, "")
    assert err.startswith("error: missing values in d.csv: column 'x1' (first at line 7)")
    assert "0-based" not in err and "partition" not in err
    frame.loc[5, "x1"] = 0.5
    frame.loc[7, "x2"] = np.inf
    frame.to_csv(workdir / "d.csv", index=False)
    code, _, err = _fit(capsys, ["--scheduler", dask_scheduler], "d.csv")
    assert code == 65
    assert "column 'x2' in d.csv has an infinite value (inf) at line 9" in err


def test_parquet_missing_value_and_negative_weight_name_the_row(
    workdir, capsys, dask_scheduler
):
    shared = ["--scheduler", dask_scheduler]
    frame = _frame()
    frame.loc[5, "x1"] = np.nan
    frame.to_parquet(workdir / "d.parquet")
    code, _, err = _fit(capsys, shared, "d.parquet")
    assert code == 65
    assert "missing values in d.parquet: column 'x1' (first at row 6)" in err
    frame.loc[5, "x1"] = 0.5
    frame.loc[12, "w"] = -2.0
    frame.to_csv(workdir / "w.csv", index=False)
    code, _, err = _fit(capsys, shared, "w.csv", "--weights", "w")
    assert code == 65
    assert "--weights column 'w' in w.csv has a negative value (-2) at line 14" in err
