"""Predictions on a Dask array of integers, booleans or float16: its blocks
reach the prediction logits unconverted, and the coefficients were cast to
the block's dtype (rounded to integers: probabilities off by up to 0.5, no
error). A block of any dtype but float32 is multiplied by the float64
coefficients. Reference: numpy's formula 1 / (1 + exp(-(X w + b))) in float64
on the same values, with the fitted coefficients."""

from __future__ import annotations

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

from logistic import LogisticRegression  # noqa: E402

RNG = np.random.default_rng(9)
X_INT = RNG.integers(-3, 4, size=(400, 3))
Y = (RNG.random(400) < 1 / (1 + np.exp(-(X_INT @ [0.7, -0.4, 0.3])))).astype(float)
Y3 = RNG.integers(0, 3, 400).astype(float)


def _numpy_proba(model: LogisticRegression, X: np.ndarray) -> np.ndarray:
    z = X.astype(np.float64) @ model.coef_.astype(np.float64).T + model.intercept_
    if z.shape[1] == 1:  # binary: [1 - p, p]
        p = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return np.column_stack([1.0 - p, p])
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("y", [Y, Y3], ids=["binary", "3-class"])
@pytest.mark.parametrize(
    "X", [X_INT, X_INT.astype(np.int8), X_INT > 0, X_INT.astype(np.float16)],
    ids=["int64", "int8", "bool", "float16"],
)
def test_dask_predictions_of_non_float_blocks(X: np.ndarray, y: np.ndarray) -> None:
    model = LogisticRegression().fit(X.astype(np.float64), y)
    with dask.config.set(scheduler="synchronous"):
        got = np.asarray(model.predict_proba(da.from_array(X, chunks=(100, 3))))
    np.testing.assert_allclose(got, _numpy_proba(model, X), rtol=1e-12, atol=1e-15)
