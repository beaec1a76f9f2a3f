"""ONNX export of K-class models (RELIABILITY P08): onnxruntime agrees with
the native model on iris and digits (scikit-learn's bundled copies).

The graph's probabilities are its own softmax of its own logits, evaluated by
onnxruntime; the reference is the library's ``predict_proba`` in float64.
Tolerances as the binary test's (tests/test_onnx.py): 1e-6 for float32
arithmetic, 1e-12 for float64.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression
from logistic._exceptions import ConvergenceWarning, PerfectSeparationWarning
from logistic.onnx_export import to_onnx, to_onnx_bytes

ort = pytest.importorskip("onnxruntime", reason="the 'onnx' extra is not installed")
onnx = pytest.importorskip("onnx", reason="the 'onnx' extra is not installed")
datasets = pytest.importorskip("sklearn.datasets")


def _session(data: bytes):
    return ort.InferenceSession(data, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module", params=["iris", "digits"])
def fitted(request):
    load = {"iris": datasets.load_iris, "digits": datasets.load_digits}[request.param]
    X, y = load(return_X_y=True)
    with warnings.catch_warnings():  # the coefficients only need to be fixed
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(
            penalty="l2", C=1.0, solver="lbfgs", max_iter=200
        ).fit(X, y)
    return model, X


@pytest.mark.parametrize("double", [False, True])
def test_export_matches_native(fitted, double):
    model, X = fitted
    dtype = np.float64 if double else np.float32
    label, proba, logit = _session(to_onnx_bytes(model, double=double)).run(
        None, {"X": X.astype(dtype)}
    )
    K = len(model.classes_)
    native = model.predict_proba(X)
    z = model.decision_function(X)
    tol = 1e-12 if double else 1e-6
    assert proba.dtype == dtype and proba.shape == (X.shape[0], K)
    assert logit.shape == (X.shape[0], K) and label.shape == (X.shape[0],)
    np.testing.assert_allclose(proba, native, rtol=0, atol=tol)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=tol * 10)
    np.testing.assert_allclose(logit, z, rtol=tol * 10, atol=tol * 100)
    # labels agree except where the two largest logits tie to float32 resolution
    top2 = np.sort(z, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-4
    assert clear.mean() > 0.95
    assert np.array_equal(model.classes_[label[clear]], model.predict(X)[clear])


def test_reference_parametrization_and_saved_model(tmp_path):
    # an unpenalized (reference) fit, exported after a model-file round trip
    X, y = datasets.load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    with warnings.catch_warnings():  # iris is separated without a penalty
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = LogisticRegression().fit(X, names)
    assert np.all(model.coef_[0] == 0)  # classes_[0] is the reference
    loaded = logistic.load(logistic.save(model, tmp_path / "m.json"))
    proto = to_onnx(loaded, double=True)
    meta = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(meta["classes"]) == ["setosa", "versicolor", "virginica"]
    label, proba, _ = _session(proto.SerializeToString()).run(None, {"X": X})
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=1e-12)
    assert np.array_equal(loaded.classes_[label], model.predict(X))


def test_extreme_logits_give_finite_probabilities():
    X, y = datasets.load_iris(return_X_y=True)
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    model.intercept_ = np.array([1e300, 0.0, -1e300])  # softmax subtracts the max
    _, proba, _ = _session(to_onnx_bytes(model, double=True)).run(None, {"X": X[:3]})
    assert np.all(np.isfinite(proba))
    np.testing.assert_array_equal(proba, [[1.0, 0.0, 0.0]] * 3)


def test_metadata_classes_from_the_caller():
    X, y = datasets.load_iris(return_X_y=True)
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y.astype(float))
    levels = ["virginica", "setosa", "versicolor"]  # e.g. a CLI file's levels
    proto = to_onnx(model, classes=levels, feature_names=["a", "b", "c", "d"])
    meta = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(meta["classes"]) == levels
    assert json.loads(meta["feature_names"]) == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="classes lists 2 labels but the model has 3"):
        to_onnx(model, classes=["a", "b"])


def test_an_infinite_float32_logit_gives_the_model_s_probabilities():
    """A float32 row whose X w passes 3.4e38 has logits ±inf in the graph;
    its probabilities are the model's (float64 logits ±1e40: the class of
    the largest has probability 1), not the NaN of a Softmax of inf − inf."""
    X, y = datasets.load_iris(return_X_y=True)
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    model.coef_ = np.zeros_like(model.coef_)
    model.coef_[:, 0] = [1e10, 0.0, -1e10]
    rows = np.array([[1e30, 0, 0, 0], [-1e30, 0, 0, 0]], dtype=np.float32)
    label, proba, logit = _session(to_onnx_bytes(model)).run(None, {"X": rows})
    assert np.isinf(logit).sum() == 4
    np.testing.assert_array_equal(proba, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(proba, model.predict_proba(rows))
    assert label.tolist() == [0, 2]


def test_cli_export_of_a_k_class_python_fit_with_an_offset(tmp_path):
    """docs/cli.md and ``export --help``: a K-class model saved from a Python
    fit with ``offset=`` (n, K) gets the input ``offset`` (N, K), added to
    the K logits. Reference: scipy's softmax of ``X Wᵀ + b + offset``."""
    from scipy.special import softmax

    from logistic.cli.app import main

    rng = np.random.default_rng(8)
    X = rng.standard_normal((150, 2))
    y = rng.integers(0, 3, 150)
    offsets = rng.standard_normal((150, 3))
    model = LogisticRegression().fit(X, y, offset=offsets)
    path, out = tmp_path / "k.json", tmp_path / "k.onnx"
    logistic.save(model, path)
    assert main(["export", str(path), "--onnx", str(out), "--double"]) == 0
    session = _session(out.read_bytes())
    assert [(i.name, i.shape) for i in session.get_inputs()] == [
        ("X", ["N", 2]), ("offset", ["N", 3])
    ]
    _, proba, _ = session.run(None, {"X": X, "offset": offsets})
    expected = softmax(X @ model.coef_.T + model.intercept_ + offsets, axis=1)
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-12)
