"""Dask collections whose pandas indexes hold X's row labels in another order.

An in-memory fit refuses y (or weights) whose index holds X's labels in
another order (:mod:`logistic._row_alignment`); the Dask backend paired such
partitions by position without a word: ``dd.from_pandas(y.iloc[::-1], ...,
sort=False)`` beside X fitted coefficients of 0.05 where the rows give 1.97.
The scan now compares the labels of partitions whose indexes differ (sums of
their hashes) and refuses a reordering naming the input; other labels are
paired by position, as in memory.
"""

from __future__ import annotations

import numpy as np
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

from logistic import DataValidationError, LogisticRegression  # noqa: E402


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(0)
    n = 4000
    X = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"])
    y = pd.Series((rng.uniform(size=n) < 1 / (1 + np.exp(-2 * X.a))).astype(int))
    w = pd.Series(rng.uniform(0.5, 2.0, n))
    return X, y, w


def _parts(v, sort=True):
    return dd.from_pandas(v, npartitions=2, sort=sort)


@pytest.mark.parametrize("shuffle", ["reversed", "shuffled"])
def test_reordered_y_or_weights_are_refused(frames, shuffle):
    X, y, w = frames
    order = np.arange(len(y))[::-1] if shuffle == "reversed" else np.random.default_rng(1).permutation(len(y))
    with dask.config.set(scheduler="threads"):
        with pytest.raises(DataValidationError, match="y's index holds X's row labels in another order"):
            LogisticRegression().fit(_parts(X), _parts(y.iloc[order], sort=False))
        with pytest.raises(DataValidationError, match="sample_weight's index holds X's row labels"):
            LogisticRegression().fit(
                _parts(X), _parts(y), sample_weight=_parts(w.iloc[order], sort=False)
            )


def test_aligned_and_relabelled_inputs_fit_as_in_memory(frames):
    X, y, w = frames
    reference = LogisticRegression().fit(X, y, sample_weight=w.to_numpy())
    fresh = pd.Series(y.to_numpy(), index=np.arange(len(y)) + 10_000)  # other labels
    with dask.config.set(scheduler="threads"):
        for yd in (_parts(y), _parts(fresh)):
            got = LogisticRegression().fit(_parts(X), yd, sample_weight=_parts(w))
            np.testing.assert_allclose(got.coef_, reference.coef_, rtol=1e-6)
