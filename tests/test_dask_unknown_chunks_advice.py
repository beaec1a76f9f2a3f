"""X with unknown chunk sizes (a DataFrame's to_dask_array()) and a y chunked
otherwise: the refusal advised y.rechunk(X.chunks[0]), which Dask refuses
while X's chunks are NaN. It now says to compute X's chunk sizes first, and
the advice, followed, fits as in memory."""

from __future__ import annotations

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

from logistic import LogisticRegression  # noqa: E402
from logistic._exceptions import DataValidationError  # noqa: E402

RNG = np.random.default_rng(8)
X = RNG.normal(size=(300, 2))
Y = (RNG.random(300) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)


def test_advice_for_unknown_chunks_is_followed_to_a_fit() -> None:
    Xu = dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=3)
    Xu = Xu.to_dask_array()
    y = da.from_array(Y, chunks=((50, 150, 100),))
    with dask.config.set(scheduler="synchronous"):
        with pytest.raises(DataValidationError, match=r"X\.compute_chunk_sizes\(\)"):
            LogisticRegression().fit(Xu, y)
        Xu.compute_chunk_sizes()
        model = LogisticRegression().fit(Xu, y.rechunk(Xu.chunks[0]))
    reference = LogisticRegression().fit(X, Y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-12)
