"""A NaN in a Parquet float column (Spark and polars write a missing float so;
pyarrow reads it as a number, not a null) is a missing value to a streamed fit
as to the in-memory one: named "missing values ... (first at row N)" with the
same remedy, in a feature and in the target. The streamed fit called it "a
non-finite value (nan) ...; only finite numbers are allowed" (and the Dask fit
already calls it missing)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli


@pytest.mark.parametrize("column", ["x", "y"])
def test_nan_is_a_missing_value_when_streamed(workdir, capsys, column):
    rng = np.random.default_rng(2)
    values = {"x": rng.normal(size=50), "y": (np.arange(50) % 2).astype(float)}
    values[column][6] = np.nan
    table = pa.table({k: pa.array(v, from_pandas=False) for k, v in values.items()})
    assert table.column(column).null_count == 0  # a NaN, not a null
    pq.write_table(table, workdir / "d.parquet")
    args = ["fit", "d.parquet", "-t", "y", "-o", "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert f"missing values in d.parquet: column {column!r} (1 row(s), first at row 7)" in err
    code, _, err = run_cli(capsys, [*args, "--stream", "--no-cache"])
    assert (code, err) == (
        65,
        f"error: missing values in d.parquet: column {column!r} (first at row 7); fill "
        "them in, or drop those rows (`logistic fit --missing drop` does, for a fit in "
        "memory)\n",
    )
