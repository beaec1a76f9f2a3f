"""A ``fit`` that raises leaves a ``partial_fit`` stream as it was.

``fit`` dropped the stream's state (``_partial_state``) before it read the
data, so a fit refused (X with a NaN) or interrupted (Ctrl-C, here a
callback raising KeyboardInterrupt) left the stream's coefficients but not
its state: the next ``partial_fit`` silently started a new stream from them
(new column scales, the step restarted; ``n_iter_`` 1 instead of 3 and other
coefficients than the stream's). The stream now ends only when a fit stores
its result. The reference is the same stream never interrupted.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import DataValidationError, LogisticRegression

rng = np.random.default_rng(0)
X = rng.normal(size=(3000, 3))
Y = (X[:, 0] + rng.logistic(size=3000) > 0).astype(int)
Y3 = np.digitize(X[:, 0] + rng.logistic(size=3000), [-1.0, 1.0])  # 3 classes


def _stream(y):
    model = LogisticRegression(solver="sgd", random_state=0)
    model.partial_fit(X[:1000], y[:1000], classes=np.unique(y))
    return model.partial_fit(X[1000:2000], y[1000:2000])


def _interrupt(entry):
    raise KeyboardInterrupt


@pytest.mark.parametrize("y", [Y, Y3], ids=["binary", "three classes"])
@pytest.mark.parametrize("how", ["refused", "interrupted"])
def test_the_stream_goes_on_after_a_fit_that_raises(y, how):
    reference = _stream(y).partial_fit(X[2000:], y[2000:])
    model = _stream(y)
    if how == "refused":
        bad = X.copy()
        bad[3, 1] = np.nan
        with pytest.raises(DataValidationError):
            model.fit(bad, y)
    else:
        with pytest.raises(KeyboardInterrupt):
            model.fit(X, y, callback=_interrupt)
    model.partial_fit(X[2000:], y[2000:])
    assert model.n_iter_[0] == reference.n_iter_[0] == 3
    np.testing.assert_array_equal(model.coef_, reference.coef_)
    np.testing.assert_array_equal(model.intercept_, reference.intercept_)


def test_a_fit_that_succeeds_still_ends_the_stream():
    model = _stream(Y).fit(X, Y)
    model.partial_fit(X[2000:], Y[2000:])
    assert model.n_iter_[0] == 1  # a new stream, from the fit's coefficients
