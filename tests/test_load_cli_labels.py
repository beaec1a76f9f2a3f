"""``logistic.load`` of a file written by ``logistic fit`` gives the target's own
labels as ``classes_``: the file stores the class codes 0 … K-1 with what they
stand for (``encoding.label``), and ``predict`` after ``load`` used to return
those codes (``0.``/``1.``/``2.``) where the same fit in Python returns
``'setosa'``/``'versicolor'``/``'virginica'``.

Reference: scikit-learn's ``LogisticRegression(C=inf)`` on the same columns
(its ``classes_`` and its predictions; the data are far from ties).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import logistic
from conftest import data_path, run_cli

IRIS = data_path("iris", "iris.csv")
UCLA = data_path("ucla-admissions", "binary.csv")


def _cli_model(workdir, capsys, frame, target, features, extra=()):
    frame.to_csv(workdir / "d.csv", index=False)
    argv = ["fit", "d.csv", "--target", target, "--features", ",".join(features)]
    code, _, err = run_cli(capsys, [*argv, "-o", "m.json", *extra])
    assert code == 0, err
    return logistic.load(workdir / "m.json")


def _sklearn(frame, target, features):
    return SkLogisticRegression(C=np.inf, max_iter=10_000).fit(
        frame[features].to_numpy(), frame[target]
    )


def _iris_frame(kind):
    frame = pd.read_csv(IRIS)
    if kind == "numbers":  # 1, 2, 3 as an integer column
        codes = {"setosa": 1, "versicolor": 2, "virginica": 3}
        frame["species"] = frame["species"].map(codes)
    return frame


@pytest.mark.parametrize("kind", ["words", "numbers"])
def test_k_class_file_predicts_the_target_labels(workdir, capsys, kind):
    frame = _iris_frame(kind)
    features = ["sepal_length", "sepal_width"]  # not separable: finite estimates
    model = _cli_model(workdir, capsys, frame, "species", features)
    reference = _sklearn(frame, "species", features)
    assert model.classes_.tolist() == reference.classes_.tolist()
    assert model.classes_.dtype.kind == reference.classes_.dtype.kind
    assert model.target_name_ == "species"  # the file's target column
    X = frame[features]
    np.testing.assert_array_equal(model.predict(X), reference.predict(X.to_numpy()))
    assert model.score(X, frame["species"]) == pytest.approx(
        reference.score(X.to_numpy(), frame["species"])
    )


@pytest.mark.parametrize("kind", ["codes", "words", "booleans"])
def test_two_class_file_predicts_the_target_labels(workdir, capsys, kind):
    frame = pd.read_csv(UCLA)
    if kind == "words":
        frame["admit"] = frame["admit"].map({0: "no", 1: "yes"})
    elif kind == "booleans":
        frame["admit"] = frame["admit"].astype(bool)
    features = ["gre", "gpa", "rank"]
    model = _cli_model(workdir, capsys, frame, "admit", features)
    reference = _sklearn(frame, "admit", features)
    assert model.classes_.tolist() == reference.classes_.tolist()
    assert model.classes_.dtype.kind == reference.classes_.dtype.kind
    X = frame[features]
    np.testing.assert_array_equal(model.predict(X), reference.predict(X.to_numpy()))


def test_chosen_positive_class_keeps_the_codes_with_a_warning(workdir, capsys):
    """``--positive`` of the smaller label orders the file's classes
    ``['yes', 'no']``: as ``classes_`` that order would turn scikit-learn's
    scorers (which take ``classes_[1]`` as the greater label) and this
    library's ``inference`` against the data, so the codes stay, and a
    warning says what they stand for."""
    frame = pd.read_csv(UCLA)
    frame["admit"] = frame["admit"].map({0: "no", 1: "yes"})
    features = ["gre", "gpa", "rank"]
    frame.to_csv(workdir / "d.csv", index=False)
    argv = ["fit", "d.csv", "--target", "admit", "--features", ",".join(features)]
    code, _, err = run_cli(capsys, [*argv, "--positive", "no", "-o", "m.json", "-q"])
    assert code == 0, err
    with pytest.warns(UserWarning, match=r"codes 0 … 1 of \['yes', 'no'\]"):
        model = logistic.load(workdir / "m.json")
    assert model.classes_.tolist() == [0.0, 1.0]
    reference = _sklearn(frame, "admit", features)  # classes ['no', 'yes']
    X = frame[features]
    np.testing.assert_allclose(
        model.predict_proba(X)[:, 1],  # code 1: 'no', the positive class
        reference.predict_proba(X.to_numpy())[:, 0],
        rtol=1e-5,
    )
    codes = (frame["admit"] == "no").astype(float)
    res = model.inference(X, codes)  # inference on the codes, as before
    assert res.nobs == 400


def test_k_class_file_with_another_reference_keeps_the_codes(workdir, capsys):
    frame = _iris_frame("words")
    features = ["sepal_length", "sepal_width"]
    extra = ["--reference", "virginica"]
    frame.to_csv(workdir / "d.csv", index=False)
    argv = ["fit", "d.csv", "--target", "species", "--features", ",".join(features)]
    code, _, err = run_cli(capsys, [*argv, *extra, "-o", "m.json", "-q"])
    assert code == 0, err
    with pytest.warns(UserWarning, match="--positive or --reference"):
        model = logistic.load(workdir / "m.json")
    assert model.classes_.tolist() == [0.0, 1.0, 2.0]


def test_saved_again_with_its_encoding_writes_the_codes(workdir, capsys):
    """``save(model, path, encoding=...)`` of a loaded model (labels as
    ``classes_``) with the file's own encoding writes the codes the encoding
    maps, as the file had them; it was refused ("model.classes must be the
    codes 0 and 1")."""
    from logistic.io import read_model_file

    frame = pd.read_csv(UCLA)
    frame["admit"] = frame["admit"].map({0: "no", 1: "yes"})
    model = _cli_model(workdir, capsys, frame, "admit", ["gre", "gpa", "rank"])
    encoding = read_model_file(workdir / "m.json").encoding
    logistic.save(model, workdir / "again.json", encoding=encoding)
    again = read_model_file(workdir / "again.json")
    assert again.model.classes_.tolist() == [0.0, 1.0]
    assert logistic.load(workdir / "again.json").classes_.tolist() == ["no", "yes"]
    code, _, err = run_cli(capsys, ["evaluate", "again.json", "d.csv"])
    assert code == 0, err  # the label mapping kept: no --target needed


def test_saved_again_from_python_the_cli_reads_the_labels(workdir, capsys):
    frame = _iris_frame("words")
    features = ["sepal_length", "sepal_width"]
    model = _cli_model(workdir, capsys, frame, "species", features)
    logistic.save(model, workdir / "again.json")
    code, out, err = run_cli(capsys, ["predict", "again.json", "d.csv", "-o", "-"])
    assert code == 0, err
    labels = pd.read_csv(io.StringIO(out))["label"]
    assert labels.tolist() == model.predict(frame[features]).tolist()
    assert set(labels) == {"setosa", "versicolor", "virginica"}
