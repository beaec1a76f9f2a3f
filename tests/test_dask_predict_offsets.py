"""Offsets of predictions on Dask input: a Dask Series or DataFrame column
(as fit takes them) raised AttributeError ('Series' object has no attribute
'map_blocks'); an offset whose rows X's unknown partition lengths could not
be matched against (X from a DataFrame's to_dask_array()) failed with Dask's
"operands could not be broadcast"; a short or 2-D offset with that message
too, naming neither offset nor what it needs. Now the offset is paired with
X's rows by position, partition by partition where lengths are unknown, and
a wrong one is a DataValidationError naming offset. Reference: the in-memory
predictions of the same rows and offsets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")

from logistic import DataValidationError, LogisticRegression  # noqa: E402

RNG = np.random.default_rng(5)
N = 600
X = RNG.normal(size=(N, 2))
OFF = RNG.normal(size=N) * 0.5
Y = (RNG.random(N) < 1 / (1 + np.exp(-X[:, 0] - OFF))).astype(float)
FRAME = pd.DataFrame(X, columns=["a", "b"]).assign(o=OFF)
DF = dd.from_pandas(FRAME, npartitions=3)
MODEL = LogisticRegression(penalty=None).fit(X, Y, offset=OFF)
EXPECTED = MODEL.predict_proba(X, offset=OFF)


@pytest.mark.parametrize(
    "X_dask, offset",
    [
        (da.from_array(X, chunks=(200, 2)), DF["o"]),  # a Dask Series
        (DF[["a", "b"]].to_dask_array(), DF["o"].to_dask_array()),
        (DF[["a", "b"]].to_dask_array(), da.from_array(OFF, chunks=200)),
        (DF[["a", "b"]].to_dask_array(), DF["o"]),
        (da.from_array(X, chunks=(200, 2)), da.from_array(OFF, chunks=150)),
    ],
    ids=["series", "unknown-unknown", "unknown-known", "unknown-series", "rechunk"],
)
def test_dask_offsets_paired_by_position(X_dask: object, offset: object) -> None:
    with dask.config.set(scheduler="synchronous"):
        got = np.asarray(MODEL.predict_proba(X_dask, offset=offset).compute())
    np.testing.assert_allclose(got, EXPECTED, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "X_dask, offset, match",
    [
        (da.from_array(X, chunks=(200, 2)), da.from_array(OFF[:-1], chunks=200),
         r"offset has 599 rows but X has 600"),
        (da.from_array(X, chunks=(200, 2)), np.c_[OFF, OFF],
         r"offset has shape \(600, 2\); expected \(n_samples,\)"),
        (DF[["a", "b"]].to_dask_array(), da.from_array(OFF[:-1], chunks=200),
         r"offset's partition paired with it has 199"),
        (DF[["a", "b"]].to_dask_array(), da.from_array(OFF, chunks=100),
         r"X has 3 partitions but offset has 6"),
        (DF[["a", "b"]].to_dask_array(), OFF, r"offset in memory cannot be paired"),
    ],
    ids=["short", "2-D", "short-partition", "partitions", "numpy-unknown"],
)
def test_dask_offsets_that_do_not_fit_name_offset(
    X_dask: object, offset: object, match: str
) -> None:
    with dask.config.set(scheduler="synchronous"), pytest.raises(
        DataValidationError, match=match
    ):
        MODEL.predict_proba(X_dask, offset=offset).compute()


def test_dask_offsets_of_a_three_class_model() -> None:
    y3 = RNG.integers(0, 3, N)
    model = LogisticRegression().fit(X, y3)
    off = np.c_[OFF, -OFF, 0 * OFF]
    expected = model.predict_proba(X, offset=off)
    frame = dd.from_pandas(pd.DataFrame(off), npartitions=3)
    with dask.config.set(scheduler="synchronous"):
        got = model.predict_proba(DF[["a", "b"]].to_dask_array(), offset=frame)
        np.testing.assert_allclose(got.compute(), expected, rtol=0, atol=1e-15)
        with pytest.raises(DataValidationError, match=r"expected \(n_samples, 3\)"):
            model.predict_proba(da.from_array(X, chunks=200), offset=OFF)
