"""ONNX export (RELIABILITY P08): onnxruntime agrees with the native model."""

from __future__ import annotations

import numpy as np
import pytest

import logistic
from conftest import fit_ucla_model
from logistic.cli.app import main

ort = pytest.importorskip("onnxruntime", reason="the 'onnx' extra is not installed")
pytest.importorskip("onnx", reason="the 'onnx' extra is not installed")


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("onnx")
    return fit_ucla_model(d)


def _design():
    X, _, _ = logistic.datasets.load_ucla_admissions()
    return X  # gre, gpa, rank2..4: the formula's column order


@pytest.mark.parametrize("double", [False, True])
def test_export_matches_native(model_file, tmp_path, double):
    out = tmp_path / "m.onnx"
    args = ["export", str(model_file), "--onnx", str(out)] + (
        ["--double"] if double else []
    )
    assert main(args) == 0
    m = logistic.load(model_file)
    X = _design()
    z = X @ m.coef_.ravel() + m.intercept_[0]
    native = 1 / (1 + np.exp(-z))
    dtype = np.float64 if double else np.float32
    label, proba, logit = _session(out).run(None, {"X": X.astype(dtype)})
    assert proba.dtype == dtype and proba.shape == (400, 2)
    tol = 1e-12 if double else 1e-6
    assert np.allclose(proba[:, 1], native, rtol=0, atol=tol)
    assert np.allclose(proba[:, 0], 1 - native, rtol=0, atol=tol)
    assert np.allclose(logit, z, rtol=tol * 10, atol=tol * 100)
    # labels agree except where |z| is below float32 resolution
    clear = np.abs(z) > 1e-5
    assert np.array_equal(label[clear], (z[clear] > 0).astype(np.int64))


def test_export_metadata_and_refusals(model_file, tmp_path, capsys):
    import json

    import onnx

    out = tmp_path / "m.onnx"
    assert main(["export", str(model_file), "--onnx", str(out)]) == 0
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert json.loads(meta["feature_names"])[-1] == "C(rank)[T.4]"
    assert json.loads(meta["classes"]) == [0.0, 1.0]
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["export", str(model_file), "--onnx", str(out)]) == 73
    assert out.read_bytes() == before


def test_export_keeps_a_text_target_s_labels(tmp_path):
    """The metadata's classes are the target's values (negative, positive), as
    a K-class export's are, not the class codes 0 and 1 they stand for; the
    'label' output indexes them."""
    import json

    import onnx

    rng = np.random.default_rng(3)
    x = rng.standard_normal(80)
    y = np.where(x + rng.standard_normal(80) > 0, "yes", "no")
    data = tmp_path / "yn.csv"
    data.write_text("x,y\n" + "".join(f"{a:.4f},{b}\n" for a, b in zip(x, y, strict=True)))
    model, out = tmp_path / "yn.json", tmp_path / "yn.onnx"
    assert main(["fit", str(data), "-t", "y", "-o", str(model), "-q"]) == 0
    assert main(["export", str(model), "--onnx", str(out)]) == 0
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert json.loads(meta["classes"]) == ["no", "yes"]
    label, _, _ = _session(out).run(None, {"X": x[:, None].astype(np.float32)})
    fitted = logistic.load(model)  # classes_ ['no', 'yes'], as the metadata's
    labels = np.array(json.loads(meta["classes"]), dtype=object)[label]
    assert np.array_equal(labels, fitted.predict(x[:, None]))


def test_export_of_an_offset_model_adds_the_offset(tmp_path):
    """A model fitted with --offset scores ``X w + b + offset`` (statsmodels'
    Logit with ``offset=``): the exported graph takes the offset as a second
    input rather than scoring every row as if its offset were 0."""
    import pandas as pd

    sm = pytest.importorskip("statsmodels.api")
    frame = pd.read_csv(logistic.datasets.ucla_admissions_path())
    frame["off"] = np.linspace(-1.0, 1.0, len(frame))
    data, model, out = tmp_path / "o.csv", tmp_path / "o.json", tmp_path / "o.onnx"
    frame.to_csv(data, index=False)
    fit = ["fit", str(data), "-t", "admit", "--features", "gre,gpa", "-q"]
    assert main([*fit, "--offset", "off", "-o", str(model)]) == 0
    assert main(["export", str(model), "--onnx", str(out), "--double"]) == 0
    X = frame[["gre", "gpa"]].to_numpy(float)
    ref = sm.Logit(frame["admit"], sm.add_constant(X), offset=frame["off"]).fit(
        disp=0
    )
    expected = ref.predict(sm.add_constant(X), offset=frame["off"].to_numpy())
    session = _session(out)
    assert [i.name for i in session.get_inputs()] == ["X", "offset"]
    _, proba, _ = session.run(None, {"X": X, "offset": frame["off"].to_numpy(float)})
    assert np.allclose(proba[:, 1], expected, rtol=0, atol=1e-7)


def test_a_python_fit_with_an_offset_exports_the_offset_input(tmp_path):
    """A model fitted in Python with ``offset=`` (and saved) gets the graph's
    ``offset`` input by default, from ``to_onnx`` and from ``logistic
    export``, as its ``predict_proba`` warns without the offset: a graph
    without it scores every row at offset 0. Reference: statsmodels' Logit
    with ``offset=``."""
    import pandas as pd

    from logistic.onnx_export import to_onnx_bytes

    sm = pytest.importorskip("statsmodels.api")
    frame = pd.read_csv(logistic.datasets.ucla_admissions_path())
    X = frame[["gre", "gpa"]].to_numpy(float)
    off = np.linspace(-1.0, 1.0, len(frame))
    ref = sm.Logit(frame["admit"], sm.add_constant(X), offset=off).fit(disp=0)
    expected = ref.predict(sm.add_constant(X), offset=off)
    m = logistic.LogisticRegression().fit(X, frame["admit"].to_numpy(), offset=off)
    model, out = tmp_path / "py.json", tmp_path / "py.onnx"
    logistic.save(m, model)
    assert main(["export", str(model), "--onnx", str(out), "--double"]) == 0
    for session in (
        _session(out),
        ort.InferenceSession(
            to_onnx_bytes(m, double=True), providers=["CPUExecutionProvider"]
        ),
    ):
        assert [i.name for i in session.get_inputs()] == ["X", "offset"]
        _, proba, _ = session.run(None, {"X": X, "offset": off})
        assert np.allclose(proba[:, 1], expected, rtol=0, atol=1e-7)
    at_zero = ort.InferenceSession(
        to_onnx_bytes(m, double=True, offset=False),
        providers=["CPUExecutionProvider"],
    )
    assert [i.name for i in at_zero.get_inputs()] == ["X"]


def test_multinomial_export_with_an_offset_adds_it_to_every_logit():
    from scipy.special import softmax

    from logistic.onnx_export import to_onnx_bytes

    rng = np.random.default_rng(5)
    X = rng.standard_normal((120, 2))
    y = rng.integers(0, 3, 120)
    offsets = rng.standard_normal((120, 3))
    m = logistic.LogisticRegression().fit(X, y, offset=offsets)
    session = ort.InferenceSession(
        to_onnx_bytes(m, double=True, offset=True), providers=["CPUExecutionProvider"]
    )
    label, proba, logit = session.run(None, {"X": X, "offset": offsets})
    expected = X @ m.coef_.T + m.intercept_ + offsets
    assert np.allclose(logit, expected, rtol=0, atol=1e-12)
    assert np.allclose(proba, softmax(expected, axis=1), rtol=0, atol=1e-12)
    assert np.array_equal(label, expected.argmax(axis=1))


def test_k_class_metadata_writes_whole_number_levels_as_predict_does(tmp_path):
    """docs/cli.md: every command writes a whole-number level 1.0 as 1; the
    metadata's classes, which the 'label' output indexes, are the labels
    that 'logistic predict' writes (they were 1.0, 2.0, ...)."""
    import csv
    import io
    import json

    import onnx

    rng = np.random.default_rng(4)
    x = rng.standard_normal(150)
    level = np.digitize(x + rng.standard_normal(150), [-0.5, 0.5]) + 1
    data = tmp_path / "k.csv"
    data.write_text(
        "x,y\n" + "".join(f"{a:.4f},{b}.0\n" for a, b in zip(x, level, strict=True))
    )
    model, out = tmp_path / "k.json", tmp_path / "k.onnx"
    assert main(["fit", str(data), "-t", "y", "-o", str(model), "-q"]) == 0
    assert main(["export", str(model), "--onnx", str(out)]) == 0
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["classes"] == "[1, 2, 3]"
    predictions = tmp_path / "p.csv"
    assert main(["predict", str(model), str(data), "-o", str(predictions), "-q"]) == 0
    written = [r["label"] for r in csv.DictReader(io.StringIO(predictions.read_text()))]
    label, _, _ = _session(out).run(None, {"X": x[:, None].astype(np.float32)})
    shown = [str(c) for c in np.array(json.loads(meta["classes"]), dtype=object)[label]]
    assert shown == written


def test_two_class_metadata_writes_whole_number_labels_as_predict_does(tmp_path):
    """A target written 1.0/2.0 (--positive 2): predict writes the labels 1
    and 2, and so does the metadata the 'label' output indexes (it held
    [1.0, 2.0])."""
    import json

    import onnx

    rng = np.random.default_rng(6)
    x = rng.standard_normal(100)
    y = np.where(x + rng.standard_normal(100) > 0, "2.0", "1.0")
    data = tmp_path / "b.csv"
    data.write_text("x,y\n" + "".join(f"{a:.4f},{b}\n" for a, b in zip(x, y, strict=True)))
    model, out = tmp_path / "b.json", tmp_path / "b.onnx"
    assert main(["fit", str(data), "-t", "y", "--positive", "2", "-o", str(model), "-q"]) == 0
    assert main(["export", str(model), "--onnx", str(out)]) == 0
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["classes"] == "[1, 2]"
    assert json.loads(meta["classes"]) == [1, 2]


@pytest.mark.parametrize(
    "make", [logistic.LogisticRegression, logistic.LogisticRegressionCV]
)
def test_export_of_an_unfitted_estimator_is_not_fitted_error(make):
    """An unfitted estimator is refused with scikit-learn's NotFittedError, as
    its predictions are, not an AttributeError naming ``n_features_in_``."""
    from logistic.onnx_export import to_onnx_bytes

    sk_exceptions = pytest.importorskip("sklearn.exceptions")
    with pytest.raises(sk_exceptions.NotFittedError, match="not fitted yet"):
        to_onnx_bytes(make())


def test_export_refuses_feature_names_of_another_length():
    """``feature_names`` names the graph's input columns in its metadata: a
    list of another length than the model's columns is refused naming both
    counts, not written as the metadata of a graph with other columns."""
    from logistic.onnx_export import to_onnx_bytes

    X, y, _ = logistic.datasets.load_ucla_admissions()
    m = logistic.LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"feature_names lists 1 names .* 5 input"):
        to_onnx_bytes(m, feature_names=["gre"])


def test_a_float32_graph_of_coefficients_beyond_float32_is_refused(tmp_path):
    """A column on a tiny scale (values ~1e-40) gets a coefficient ~1e39,
    beyond float32's 3.4e38: cast, it is infinite, and the float32 graph's
    logits are ±inf (probabilities 0 and 1) where the model's are moderate.
    The float32 export is refused naming double=True, from Python and from
    ``logistic export`` (exit 65); the float64 graph agrees with the model."""
    from logistic.onnx_export import to_onnx_bytes

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(int)
    X[:, 1] *= 1e-40
    m = logistic.LogisticRegression().fit(X, y)
    assert np.abs(m.coef_).max() > np.finfo(np.float32).max
    with pytest.raises(ValueError, match=r"beyond float32's range .* double=True"):
        to_onnx_bytes(m)
    model, out = tmp_path / "tiny.json", tmp_path / "tiny.onnx"
    logistic.save(m, model)
    assert main(["export", str(model), "--onnx", str(out)]) == 65
    assert not out.exists()
    session = ort.InferenceSession(
        to_onnx_bytes(m, double=True), providers=["CPUExecutionProvider"]
    )
    _, proba, _ = session.run(None, {"X": X})
    assert np.allclose(proba, m.predict_proba(X), rtol=0, atol=1e-12)


def test_to_onnx_without_onnx_names_the_extra(monkeypatch):
    """to_onnx without onnx installed raised a bare "No module named 'onnx'";
    it names the extra to install."""
    import sys

    from logistic import LogisticRegression
    from logistic.onnx_export import to_onnx

    model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"^to_onnx needs the 'onnx' extra") as info:
        to_onnx(model)
    assert "pip install 'logistic[onnx]'" in str(info.value)


@pytest.mark.parametrize("double", [False, True])
def test_binary_probabilities_keep_their_size_at_extreme_logits(double):
    """σ(−z) at z from 15 to 700 is e^{−z} (3e-7 … 1e-304), not 0: the graph's
    probabilities are those of its own logits to float rounding, as
    predict_proba's are (onnxruntime's Sigmoid gives 0 below z ≈ −17 in
    float32 and −37 in float64). Reference: scipy.special.expit
    of the graph's logit (float32: the probabilities float32 can hold,
    above 1.2e-38)."""
    from scipy.special import expit

    from logistic.onnx_export import to_onnx_bytes

    X, y, _ = logistic.datasets.load_ucla_admissions()
    m = logistic.LogisticRegression().fit(X, y)
    direction = m.coef_.ravel() / np.dot(m.coef_.ravel(), m.coef_.ravel())
    targets = np.concatenate([-np.geomspace(15, 700, 40), np.geomspace(15, 700, 40)])
    rows = (targets - m.intercept_[0])[:, None] * direction  # logits = targets
    dtype = np.float64 if double else np.float32
    session = ort.InferenceSession(
        to_onnx_bytes(m, double=double), providers=["CPUExecutionProvider"]
    )
    label, proba, logit = session.run(None, {"X": rows.astype(dtype)})
    z = logit.astype(np.float64)
    expected = np.column_stack([expit(-z), expit(z)])
    held = expected > np.finfo(dtype).tiny
    assert held.sum() > (40 if double else 100)
    rel = np.abs(proba[held] / expected[held] - 1)
    assert rel.max() < (1e-13 if double else 1e-6)
    assert np.array_equal(label, (z > 0).astype(np.int64))
    if double:
        assert np.allclose(proba, m.predict_proba(rows), rtol=1e-12, atol=0)


def test_an_infinite_float32_logit_gives_probabilities_0_and_1():
    """A float32 row whose logit passes 3.4e38 is ±inf in the graph; its
    probabilities are 1 and 0, as predict_proba's (float64 logit), not NaN."""
    from logistic.onnx_export import to_onnx_bytes

    m = logistic.LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
    m.coef_ = np.full_like(m.coef_, 10.0)
    m.intercept_ = np.zeros_like(m.intercept_)
    X = np.array([[3e38], [-3e38]], dtype=np.float32)
    session = ort.InferenceSession(to_onnx_bytes(m), providers=["CPUExecutionProvider"])
    label, proba, _ = session.run(None, {"X": X})
    assert np.array_equal(proba, [[0.0, 1.0], [1.0, 0.0]])
    assert np.array_equal(proba, m.predict_proba(X))
    assert label.tolist() == [1, 0]


def test_feature_names_from_an_array_or_a_tuple():
    """``feature_names=model.feature_names_in_`` (scikit-learn's ndarray of
    names) is a list of names as any other, written to the metadata as
    text, not numpy's "truth value of an array is ambiguous". One
    string is refused naming feature_names ("ab" is not the names a, b)."""
    import json

    import pandas as pd

    from logistic.onnx_export import to_onnx

    X, y, _ = logistic.datasets.load_ucla_admissions()
    frame = pd.DataFrame(X[:, :2], columns=["gre", "gpa"])
    m = logistic.LogisticRegression().fit(frame, y)
    for names in (m.feature_names_in_, ("gre", "gpa"), np.array([1, 2])):
        meta = {p.key: p.value for p in to_onnx(m, feature_names=names).metadata_props}
        assert json.loads(meta["feature_names"]) == [str(n) for n in names]
    with pytest.raises(TypeError, match="feature_names is one string"):
        to_onnx(m, feature_names="ab")
