"""Predictions of a multinomial (K > 2) model for Dask collections and
array-API arrays (torch CPU, array-api-strict) equal the in-memory numpy ones.

The reference is the model's own numpy predictions, which test_multinomial.py
checks against scikit-learn; here the backends must agree with them (to
rounding) and keep the data where it is: lazy Dask arrays, device arrays.
Each backend's tests skip when its package is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris

from logistic import LogisticRegression


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    text = LogisticRegression(penalty="l2", C=1.0).fit(X, labels[y])
    offset = np.random.default_rng(0).standard_normal((X.shape[0], 3))
    return X, model, text, offset


def _expected(model, X, offset=None):
    return (
        model.decision_function(X, offset),
        model.predict_proba(X, offset),
        model.predict_log_proba(X, offset),
        model.predict(X, offset),
    )


# -- Dask ------------------------------------------------------------------------
def test_dask_array_predictions_are_lazy_and_equal(fitted):
    da = pytest.importorskip("dask.array")
    X, model, text, offset = fitted
    Xd = da.from_array(X, chunks=(40, 4))
    Z, P, logP, labels = _expected(model, X)
    out = model.decision_function(Xd), model.predict_proba(Xd)
    assert all(isinstance(o, da.Array) for o in out)
    assert out[1].shape == (150, 3) and out[1].chunks[0] == Xd.chunks[0]
    np.testing.assert_allclose(out[0].compute(), Z, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(out[1].compute(), P, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(
        model.predict_log_proba(Xd).compute(), logP, rtol=1e-14, atol=1e-14
    )
    np.testing.assert_array_equal(model.predict(Xd).compute(), labels)
    np.testing.assert_array_equal(text.predict(Xd).compute(), text.predict(X))


def test_dask_offset_matrix(fitted):
    da = pytest.importorskip("dask.array")
    X, model, _, offset = fitted
    Xd = da.from_array(X, chunks=(40, 4))
    Od = da.from_array(offset, chunks=(40, 3))
    Z, P, _, labels = _expected(model, X, offset)
    np.testing.assert_allclose(model.predict_proba(Xd, Od).compute(), P, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(model.predict(Xd, Od).compute(), labels)


def test_dask_offset_chunked_across_columns(fitted):
    # an offset split between column chunks still gives rows of K probabilities
    da = pytest.importorskip("dask.array")
    X, model, _, offset = fitted
    Xd = da.from_array(X, chunks=(40, 4))
    Od = da.from_array(offset, chunks=(40, (2, 1)))
    Z, P, logP, labels = _expected(model, X, offset)
    np.testing.assert_allclose(model.predict_proba(Xd, Od).compute(), P, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(model.predict_log_proba(Xd, Od).compute(), logP, rtol=1e-14, atol=1e-14)
    np.testing.assert_array_equal(model.predict(Xd, Od).compute(), labels)


def test_dask_dataframe(fitted):
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    X, model, _, _ = fitted
    frame = dd.from_pandas(pd.DataFrame(X), npartitions=3)
    np.testing.assert_allclose(
        model.predict_proba(frame).compute(), model.predict_proba(X), rtol=1e-14, atol=1e-15
    )


def test_dask_wrong_width_is_refused(fitted):
    da = pytest.importorskip("dask.array")
    X, model, _, _ = fitted
    with pytest.raises(ValueError, match=r"expected \(n_samples, 4\)"):
        model.predict_proba(da.from_array(X[:, :3], chunks=(40, 3)))


# -- array API: torch CPU ---------------------------------------------------------
@pytest.fixture(scope="module")
def torch():
    pytest.importorskip("array_api_compat")
    return pytest.importorskip("torch")


def test_torch_predictions_stay_tensors_and_equal(fitted, torch):
    X, model, text, offset = fitted
    for Xt, tol in ((torch.asarray(X), 1e-13), (torch.asarray(X, dtype=torch.float32), 1e-5)):
        X_host = Xt.numpy().astype(np.float64)
        Z, P, logP, labels = _expected(model, X_host)
        out = model.decision_function(Xt), model.predict_proba(Xt), model.predict_log_proba(Xt)
        assert all(isinstance(o, torch.Tensor) and o.dtype == torch.float64 for o in out)
        np.testing.assert_allclose(out[0].numpy(), Z, rtol=tol, atol=tol)
        np.testing.assert_allclose(out[1].numpy(), P, rtol=tol, atol=tol)
        np.testing.assert_allclose(out[2].numpy(), logP, rtol=tol, atol=tol)
        predicted = model.predict(Xt)
        assert isinstance(predicted, torch.Tensor)
        np.testing.assert_array_equal(predicted.numpy(), labels)
        # string labels come back as numpy (tensors hold no strings)
        np.testing.assert_array_equal(text.predict(Xt), text.predict(X_host))


def test_torch_offset_and_extreme_logits(fitted, torch):
    X, model, _, offset = fitted
    Xt = torch.asarray(X)
    np.testing.assert_allclose(
        model.predict_proba(Xt, offset).numpy(), model.predict_proba(X, offset), rtol=1e-13, atol=1e-15
    )
    # logits of ±1e300: the stable form gives finite log-probabilities, like numpy's
    huge = np.array([[0.0, 1e300, -1e300]])
    from logistic import _multinomial_predict as mp
    from logistic._softmax import log_softmax

    got = mp.log_proba(torch.asarray(huge)).numpy()
    np.testing.assert_array_equal(got, log_softmax(huge))
    # a tiny loss keeps its accuracy: log p_top = -log1p(e^-40) ≈ -4.2e-18, not 0
    tiny = np.array([[40.0, 0.0, -5.0]])
    np.testing.assert_allclose(mp.log_proba(torch.asarray(tiny)).numpy(), log_softmax(tiny), rtol=1e-15)


def test_array_api_strict(fitted):
    xs = pytest.importorskip("array_api_strict")
    pytest.importorskip("array_api_compat")
    X, model, _, _ = fitted
    P = model.predict_proba(xs.asarray(X))
    np.testing.assert_allclose(np.asarray(P), model.predict_proba(X), rtol=1e-13, atol=1e-15)
