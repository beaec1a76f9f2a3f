"""``fit --workers N`` on a file whose target has a missing label prints one
line, naming the column and the file's line (CSV, its header counted) or row
(Parquet, 1-based), as the in-memory and ``--stream`` fits do.

It printed the worker's log of the failed scan task first ("distributed.worker
- ERROR - Compute Failed ... Traceback: ..."), then "partition 0: y has a
missing label (<NA>) at row 5 (0-based, global; row 5 of partition 0)": the
scan's task raised the error, and a worker logs a task that raises, with its
traceback's text, on the standard error it shares with the CLI. The scan's
task now returns it (as a Parquet file's reading task does a missing value).

Run in a fresh interpreter: the workers' standard error is the CLI's own.
The label NA is read by a cluster of the command's own (``--workers 1``),
the other files on the session's shared cluster (``--scheduler``,
conftest's ``dask_scheduler``: one cluster start, its workers' standard
error checked as the command's).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import dask_option, run_cli_process

pytest.importorskip("distributed")

# the streamed readers' one remedy (logistic._value_refusals.STREAMED_REMEDY)
_DROP = (
    "fill them in, or drop those rows (`logistic fit --missing drop` does, for a fit "
    "in memory)"
)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.normal(size=n)
    y = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-x)), "yes", "no")
    return pd.DataFrame({"x": x, "y": y.astype(object)})


def _fit(directory, data: str, dask: list[str]) -> tuple[int, str, str]:
    # one worker: the file (3000 rows) is one partition, whose scan task runs
    # on one worker however many there are; a second worker's start costs
    # ~2.5 s of CPU and nothing else
    argv = ["fit", data, "-t", "y", *dask, "-o", "m.json", "-q"]
    return run_cli_process(directory, argv)


@pytest.mark.parametrize("label,line", [("NA", 7), ("", 2001)], ids=["NA", "empty"])
def test_csv_missing_label_names_the_line_in_one_line(tmp_path, request, label, line):
    frame = _frame()
    frame.loc[line - 2, "y"] = label  # data row i is line i + 2
    frame.to_csv(tmp_path / "d.csv", index=False)
    dask = dask_option(request, own_cluster=label == "NA")
    assert _fit(tmp_path, "d.csv", dask) == (
        65,
        "",
        f"error: missing values in d.csv: column 'y' (first at line {line}); {_DROP}\n",
    )
    assert not (tmp_path / "m.json").exists()


def test_numeric_target_with_an_empty_field_names_the_line(tmp_path, dask_scheduler):
    frame = _frame()
    frame["y"] = (frame["y"] == "yes").astype(float)
    frame.loc[10, "y"] = np.nan  # written as an empty field
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert _fit(tmp_path, "d.csv", ["--scheduler", dask_scheduler]) == (
        65,
        "",
        f"error: missing values in d.csv: column 'y' (first at line 12); {_DROP}\n",
    )


def test_parquet_missing_label_prints_one_line(tmp_path, dask_scheduler):
    """A Parquet file's missing value was raised by its reading task: logged
    by the worker the same way."""
    frame = _frame()
    frame.loc[5, "y"] = None
    frame.to_parquet(tmp_path / "d.parquet")
    assert _fit(tmp_path, "d.parquet", ["--scheduler", dask_scheduler]) == (
        65,
        "",
        f"error: missing values in d.parquet: column 'y' (first at row 6); {_DROP}\n",
    )
