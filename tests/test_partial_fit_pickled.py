"""A partial_fit stream pickled between calls (scikit-learn's estimators are
picklable; joblib and multiprocessing hand them on so): the unpickled
estimator goes on to the coefficients of the stream never pickled, and the
pickle leaves out the stream's rebuildable cache (the standardized view and
the lazy steps' columns: O(p) arrays, 42 MB of a 134 MB pickle on 2^20
columns and 3 classes)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("alpha", [None, 1e-3])
def test_a_pickled_stream_goes_on_as_the_unpickled_one(k, alpha):
    rng = np.random.default_rng(11)
    chunks = []
    for _ in range(4):
        X = sp.random(300, 50, density=0.1, format="csr", random_state=rng)
        chunks.append((X, rng.integers(0, k, 300).astype(float)))
    params = dict(penalty=None) if alpha is None else dict(penalty="l2", alpha=alpha)
    whole = LogisticRegression(random_state=0, **params)
    cut = LogisticRegression(random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a small first chunk
        for i, (X, y) in enumerate(chunks):
            whole.partial_fit(X, y, classes=np.arange(float(k)))
            if i == 2:
                text = pickle.dumps(cut)
                cut = pickle.loads(text)
                assert cut._partial_state.coordinates is None  # rebuilt, not kept
                assert whole._partial_state.coordinates is not None
            cut.partial_fit(X, y, classes=np.arange(float(k)))
    np.testing.assert_array_equal(cut.coef_, whole.coef_)
    np.testing.assert_array_equal(cut.intercept_, whole.intercept_)
