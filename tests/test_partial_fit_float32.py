"""``partial_fit`` on float32 chunks gives float32 ``coef_`` and ``intercept_``,
as ``fit`` does ("float32 in, float32 coef_ out", README): it gave float64
(binary and K classes). The stream goes on from its own float64 state, so the
cast does not change where it goes.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression


def _chunks(classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for _ in range(3):
        X = rng.normal(size=(200, 4)).astype(np.float32)
        y = rng.integers(0, classes, 200)
        yield X, y


@pytest.mark.parametrize("classes", [2, 3])
def test_float32_chunks_give_float32_coefficients(classes):
    fit = LogisticRegression().fit(*next(_chunks(classes)))
    assert fit.coef_.dtype == np.float32  # the convention partial_fit follows
    model = LogisticRegression(solver="sgd", random_state=0)
    for X, y in _chunks(classes):
        model.partial_fit(X, y, classes=list(range(classes)))
        assert model.coef_.dtype == np.float32 and model.intercept_.dtype == np.float32
    # a float64 chunk: float64 coefficients, as fit on float64 data
    X, y = next(_chunks(classes, seed=1))
    model.partial_fit(X.astype(np.float64), y)
    assert model.coef_.dtype == np.float64


def test_the_stream_goes_on_from_its_state_not_from_coef():
    # the float32 coef_ is what the stream shows, not what it continues
    # from: overwriting it between calls changes nothing
    a = LogisticRegression(solver="sgd", random_state=0)
    b = LogisticRegression(solver="sgd", random_state=0)
    for X, y in _chunks(2):
        a.partial_fit(X, y, classes=[0, 1])
        if hasattr(b, "coef_"):
            b.coef_ = np.zeros_like(b.coef_)
        b.partial_fit(X, y, classes=[0, 1])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert np.any(a.coef_ != 0)
