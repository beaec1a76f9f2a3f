"""logistic.metrics' multi-class metrics against scikit-learn (the reference):
log_loss, accuracy_score, roc_auc_score(multi_class="ovr", average=None /
"macro"), confusion_matrix, with and without sample weights, on seeded
scores with ties and on a multinomial fit of iris (tests/data/iris)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import sklearn.metrics as skm

from conftest import data_path
from logistic import metrics as M
from logistic._softmax import softmax


def _iris():
    with open(data_path("iris", "iris.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in list(r)[:4]] for r in rows])
    names = sorted({r["species"] for r in rows})
    y = np.array([names.index(r["species"]) for r in rows])
    return X, y


@pytest.fixture(params=[None, "weights"])
def scored(request):
    rng = np.random.default_rng(7)
    n, K = 300, 4
    y = rng.integers(0, K, n)
    # logits rounded to one decimal: ties in every class's probability column
    Z = np.round(rng.normal(size=(n, K)) + 1.5 * np.eye(K)[y], 1)
    w = rng.uniform(0.1, 3.0, n) if request.param else None
    return y, Z, w


def test_scores_match_sklearn(scored):
    y, Z, w = scored
    P = softmax(Z)
    labels = np.arange(P.shape[1])
    assert M.multiclass_log_loss(y, P, w) == pytest.approx(
        skm.log_loss(y, P, sample_weight=w, labels=labels), rel=1e-12
    )
    assert M.multiclass_log_loss_from_logits(y, Z, w) == pytest.approx(
        skm.log_loss(y, P, sample_weight=w, labels=labels), rel=1e-12
    )
    assert M.multiclass_accuracy(y, P, w) == pytest.approx(
        skm.accuracy_score(y, P.argmax(axis=1), sample_weight=w), rel=1e-12
    )
    per_class = skm.roc_auc_score(
        y, P, multi_class="ovr", average=None, sample_weight=w
    )
    assert M.multiclass_roc_auc(y, P, w) == pytest.approx(list(per_class), rel=1e-12)
    macro = skm.roc_auc_score(y, P, multi_class="ovr", average="macro", sample_weight=w)
    result = M.evaluate_multiclass(y, Z, w, classes=["a", "b", "c", "d"])
    assert result["roc_auc_macro"] == pytest.approx(macro, rel=1e-12)
    cm = skm.confusion_matrix(y, P.argmax(axis=1), sample_weight=w)
    assert np.allclose(M.multiclass_confusion_matrix(y, P, w), cm, rtol=1e-12)
    assert np.allclose(result["confusion_matrix"]["matrix"], cm, rtol=1e-12)
    assert result["accuracy"] == pytest.approx(
        skm.accuracy_score(y, P.argmax(axis=1), sample_weight=w), rel=1e-12
    )


def test_evaluate_multiclass_on_an_iris_fit():
    from sklearn.linear_model import LogisticRegression

    X, y = _iris()
    model = LogisticRegression(C=0.05, max_iter=1000).fit(X, y)
    Z = model.decision_function(X)
    P = model.predict_proba(X)
    w = 1.0 + (np.arange(y.size) % 3)
    result = M.evaluate_multiclass(y, Z, w, classes=np.array(["s", "ve", "vi"]))
    assert result["classes"] == ["s", "ve", "vi"]
    assert result["log_loss"] == pytest.approx(
        skm.log_loss(y, P, sample_weight=w), rel=1e-9
    )
    assert result["accuracy"] == pytest.approx(
        skm.accuracy_score(y, model.predict(X), sample_weight=w), rel=1e-12
    )
    aucs = skm.roc_auc_score(y, P, multi_class="ovr", average=None, sample_weight=w)
    assert [c["roc_auc"] for c in result["per_class"]] == pytest.approx(
        list(aucs), rel=1e-9
    )
    assert [c["n_samples"] for c in result["per_class"]] == [50, 50, 50]
    cm = skm.confusion_matrix(y, model.predict(X), sample_weight=w)
    assert np.allclose(result["confusion_matrix"]["matrix"], cm)
    unweighted = M.evaluate_multiclass(y, Z)
    assert all(
        isinstance(v, int)
        for row in unweighted["confusion_matrix"]["matrix"]
        for v in row
    )
    assert sum(map(sum, unweighted["confusion_matrix"]["matrix"])) == 150


def test_log_loss_from_logits_is_finite_where_probabilities_underflow():
    Z = np.array([[0.0, 800.0, -800.0], [1e300, 0.0, 0.0]])
    y = np.array([2, 0])
    # row 0: loss 1600 exactly (lse = 800); row 1: 0
    assert M.multiclass_log_loss_from_logits(y, Z) == pytest.approx(800.0, rel=1e-15)
    assert M.multiclass_log_loss(y, softmax(Z)) == np.inf


def test_class_absent_from_y_true_has_no_auc_and_no_macro():
    y = np.array([0, 1, 0, 1])
    Z = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.0, 0.1], [0.0, 2.0, 0.3]])
    result = M.evaluate_multiclass(y, Z)
    assert result["per_class"][2]["roc_auc"] is None
    assert result["roc_auc_macro"] is None
    assert result["per_class"][0]["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y == 0, softmax(Z)[:, 0])
    )


@pytest.mark.parametrize(
    ("y", "Z", "match"),
    [
        ([0, 3], np.zeros((2, 3)), "class indices 0..2"),
        ([0, 0.5], np.zeros((2, 3)), "class indices"),
        ([0, 1, 2], np.zeros((2, 3)), "3 values but the scores have 2 rows"),
        ([0, 1], np.zeros(2), r"\(n, K\) matrix"),
    ],
)
def test_bad_inputs_are_named(y, Z, match):
    with pytest.raises(ValueError, match=match):
        M.evaluate_multiclass(y, Z)
