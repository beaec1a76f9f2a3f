"""The Python API's file readers name a refused value as the command line
does (logistic._value_refusals): the file, the column and the value's 1-based
row in that file, for ``Chunked.from_parquet`` and ``Dask.from_parquet``
alike, where Dask said "row 1507 (0-based, global; row 7 of partition 2)".
The rows are those the test writes the bad value at (row index 7 of the
second file is its row 8)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("dask")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from logistic import DataValidationError  # noqa: E402
from logistic._value_refusals import MissingValues  # noqa: E402
from logistic.backends import Chunked  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

REMEDY = (
    "fill them in, or drop those rows (`logistic fit --missing drop` does, for a "
    "fit in memory)"
)
INF = (
    "only finite numbers are allowed (a number beyond float64's ±1.8e308, such "
    "as 1e999, reads as infinite)"
)


def _dask(path, **opts):
    return Dask.from_parquet(path, client=None, **opts)


READERS = [
    pytest.param(Chunked.from_parquet, id="chunked"),
    pytest.param(_dask, id="dask"),
]


@pytest.fixture(autouse=True)
def _threads(monkeypatch):
    """Dask's threaded scheduler (no cluster: the words are the client's)."""
    monkeypatch.setattr(Dask, "_client", lambda self: None)


def _directory(tmp_path, column, value):
    """Two files of 10 rows; ``column``'s row index 7 of the second holds
    ``value`` (None: a null)."""
    rng = np.random.default_rng(3)
    for k in range(2):
        cols = {
            "a": rng.standard_normal(10),
            "label": np.arange(10) % 2,
            "w": np.ones(10),
        }
        data = {c: pa.array(v) for c, v in cols.items()}
        if k == 1:
            values = cols[column].tolist()
            values[7] = value
            data[column] = pa.array(values, type=data[column].type)
        pq.write_table(pa.table(data), tmp_path / f"part-{k}.parquet")
    return tmp_path, tmp_path / "part-1.parquet"


@pytest.mark.parametrize("read", READERS)
@pytest.mark.parametrize("value", [None, float("nan")], ids=["null", "nan"])
def test_missing_feature_names_file_and_row(read, value, tmp_path):
    root, bad = _directory(tmp_path, "a", value)
    with pytest.raises(MissingValues) as info:
        read(root, target="label", features=["a"])
    assert str(info.value) == (
        f"missing values in {bad}: column 'a' (first at row 8); {REMEDY}"
    )


@pytest.mark.parametrize("read", READERS)
@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_feature_names_file_row_and_value(read, value, tmp_path):
    root, bad = _directory(tmp_path, "a", value)
    shown = "inf" if value > 0 else "-inf"
    with pytest.raises(DataValidationError) as info:
        read(root, target="label", features=["a"])
    assert str(info.value) == (
        f"column 'a' in {bad} has an infinite value ({shown}) at row 8; {INF}"
    )


@pytest.mark.parametrize("read", READERS)
def test_missing_target_names_its_column(read, tmp_path):
    root, bad = _directory(tmp_path, "label", None)
    with pytest.raises(MissingValues) as info:
        read(root, target="label", features=["a"])
    assert str(info.value) == (
        f"missing values in {bad}: column 'label' (first at row 8); {REMEDY}"
    )


@pytest.mark.parametrize("read", READERS)
def test_negative_weight_names_file_and_row(read, tmp_path):
    root, bad = _directory(tmp_path, "w", -2.0)
    with pytest.raises(DataValidationError) as info:
        read(root, target="label", features=["a"], weight="w")
    assert str(info.value) == (
        f"{bad}: negative sample_weight (column 'w') (-2) at row 8; weights must "
        "be >= 0"
    )


def test_dask_error_keeps_its_partition(tmp_path):
    """The restated refusal still names the partition for a caller that
    handles PartitionError (its index, its file)."""
    from logistic.backends._dask_faults import PartitionError

    root, bad = _directory(tmp_path, "a", np.inf)
    with pytest.raises(PartitionError) as info:
        _dask(root, target="label", features=["a"])
    assert (info.value.partition, info.value.path) == (1, str(bad))
    assert info.value.bad_value["row"] == 17  # 0-based over both files
