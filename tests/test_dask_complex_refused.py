"""A Dask collection of a complex dtype (X, a DataFrame column, the sample
weights) is refused on the client, as in-memory arrays are: each partition's
cast to float dropped the imaginary part with only numpy's ComplexWarning,
and the fit went on with other data than given."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")

from logistic import DataValidationError, LogisticRegression  # noqa: E402

RNG = np.random.default_rng(2)
X = RNG.standard_normal((100, 3))
Y = (X[:, 0] > 0).astype(float)


def _cases() -> list[tuple[str, tuple[object, ...]]]:
    y = da.from_array(Y, chunks=50)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1] + 1j})
    return [
        ("X has dtype complex128", (da.from_array(X + 1j, chunks=(50, 3)), y)),
        ("X's column 'b' has dtype complex128", (dd.from_pandas(frame, npartitions=2), dd.from_pandas(pd.Series(Y), npartitions=2))),
        ("sample_weight has dtype complex128", (da.from_array(X, chunks=(50, 3)), y, da.from_array(np.ones(100) + 0.5j, chunks=50))),
    ]


@pytest.mark.parametrize("k", range(3), ids=["array", "frame-column", "weights"])
def test_complex_dask_input_is_refused(k: int) -> None:
    words, args = _cases()[k]
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's ComplexWarning is no answer
        with pytest.raises(DataValidationError, match=f"Complex data not supported: {words}"):
            LogisticRegression().fit(*args)
