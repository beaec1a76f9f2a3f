"""y, sample_weight or offset given in memory (a column name, an ndarray, a
list) beside a Dask X: the refusal said "str given with a Dask X", naming
neither the parameter nor what it held. Now it names the parameter, what it
received and, for a column name, the Dask column to pass instead."""

from __future__ import annotations

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

from logistic import DataValidationError, LogisticRegression  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

RNG = np.random.default_rng(2)
FRAME = pd.DataFrame(RNG.normal(size=(60, 2)), columns=["a", "b"]).assign(
    y=RNG.integers(0, 2, 60), w=RNG.uniform(0.5, 2, 60)
)
DF = dd.from_pandas(FRAME, npartitions=2)


def test_a_weight_column_name_is_named_with_the_column_to_pass() -> None:
    with pytest.raises(DataValidationError) as err:
        Dask(DF, target="y", sample_weight="w")
    assert str(err.value).startswith("sample_weight is a str ('w') with a Dask X")
    assert "sample_weight=df['w']" in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "start"),
    [
        ({"y": FRAME["y"].to_numpy()}, "y is a ndarray of shape (60,)"),
        ({"sample_weight": list(FRAME["w"])}, "sample_weight is a list"),
        ({"offset": np.zeros(60)}, "offset is a ndarray of shape (60,)"),
    ],
    ids=["y", "sample_weight", "offset"],
)
def test_arrays_in_memory_are_named_by_parameter(kwargs: dict, start: str) -> None:
    args = {"y": DF["y"], **kwargs}
    y = args.pop("y")
    with pytest.raises(DataValidationError) as err:
        LogisticRegression().fit(DF[["a", "b"]], y, **args)
    assert str(err.value).startswith(start + " with a Dask X")
