"""A partial_fit stream whose fit_intercept is changed between calls: the
stream's iterate holds an intercept (or not) from its first call on, so a
later call with the other setting is refused with an error naming
fit_intercept, and leaves the stream as its last call left it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import InvalidParameterError, LogisticRegression


def _chunks(k, dense):
    rng = np.random.default_rng(7)
    out = []
    for _ in range(3):
        X = sp.random(200, 12, density=0.2, format="csr", random_state=rng)
        y = rng.integers(0, k, 200).astype(float)
        out.append((X.toarray() if dense else X, y))
    return out


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("dense", [False, True], ids=["csr", "dense"])
@pytest.mark.parametrize("first", [True, False])
def test_changed_fit_intercept_is_refused_and_the_stream_goes_on(k, dense, first):
    chunks, classes = _chunks(k, dense), np.arange(float(k))

    def est():
        return LogisticRegression(
            penalty="l2", alpha=1e-3, fit_intercept=first, random_state=0
        )

    whole = est()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a small first chunk
        for X, y in chunks:
            whole.partial_fit(X, y, classes=classes)
        cut = est()
        for X, y in chunks[:2]:
            cut.partial_fit(X, y, classes=classes)
    coef = cut.coef_.copy()
    cut.set_params(fit_intercept=not first)
    with pytest.raises(InvalidParameterError, match="fit_intercept") as info:
        cut.partial_fit(*chunks[2])
    assert f"fit_intercept={not first}" in str(info.value)
    assert f"fit_intercept={first}" in str(info.value)  # what the stream has
    np.testing.assert_array_equal(cut.coef_, coef)  # the stream as it was
    cut.set_params(fit_intercept=first)
    cut.partial_fit(*chunks[2])  # the refused chunk, given again
    np.testing.assert_array_equal(cut.coef_, whole.coef_)
    np.testing.assert_array_equal(cut.intercept_, whole.intercept_)
