"""predict_interval of a Dask backend (the rows a Dask fit was given) is
refused, as Dask only sums over its blocks; the refusal told the user to
"pass inference() the arrays ... or the Dask collections themselves", advice
for inference(), and the Dask collections are what predict_interval refuses
next. Now it names predict_interval and the inputs it takes."""

from __future__ import annotations

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

from logistic import InvalidParameterError, LogisticRegression  # noqa: E402
from logistic.backends.dask import Dask  # noqa: E402

RNG = np.random.default_rng(6)
X = RNG.normal(size=(400, 2))
Y = (RNG.random(400) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)


def test_predict_interval_of_a_dask_backend_names_what_it_takes() -> None:
    Xd, yd = da.from_array(X, chunks=(100, 2)), da.from_array(Y, chunks=100)
    with dask.config.set(scheduler="synchronous"):
        model = LogisticRegression(penalty=None).fit(Xd, yd)
        with pytest.raises(InvalidParameterError) as err:
            model.predict_interval(Dask(Xd, yd))
    message = str(err.value)
    assert message.startswith("predict_interval reads a backend's rows block by block")
    assert "X_dask.compute()" in message and "inference()" not in message
    # the advice is followed to the in-memory intervals
    frame = model.predict_interval(np.asarray(Xd.compute()))
    assert frame.shape[0] == 400


@pytest.mark.parametrize("method", ["predict_proba", "predict", "decision_function"])
def test_predictions_of_a_dask_backend_point_to_the_collection(method: str) -> None:
    """Predictions of a Dask backend pointed to predict_interval(backend),
    which refuses Dask (above); they now point to the Dask collection."""
    model = LogisticRegression().fit(X, Y)
    Xd, yd = da.from_array(X, chunks=(100, 2)), da.from_array(Y, chunks=100)
    with dask.config.set(scheduler="synchronous"):
        with pytest.raises(InvalidParameterError) as err:
            getattr(model, method)(Dask(Xd, yd))
        assert "predict_interval" not in str(err.value)
        assert "model.predict_proba(X_dask)" in str(err.value)
        got = model.predict_proba(Xd).compute()  # the advice, followed
    np.testing.assert_allclose(got, model.predict_proba(X), rtol=0, atol=1e-15)
