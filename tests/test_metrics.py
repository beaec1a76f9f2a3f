"""logistic.metrics against scikit-learn (the reference implementation)."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.calibration import calibration_curve

from logistic import metrics as M


@pytest.fixture(params=[None, "weights"])
def data(request):
    rng = np.random.default_rng(3)
    n = 400
    y = (rng.random(n) < 0.35).astype(float)
    # rounded scores: many ties, which the curve definitions must handle as sklearn
    score = np.round(np.clip(0.3 * y + rng.random(n) * 0.7, 1e-6, 1 - 1e-6), 2)
    w = rng.uniform(0.1, 3.0, n) if request.param else None
    return y, score, w


def test_scores_match_sklearn(data):
    y, p, w = data
    assert M.roc_auc(y, p, w) == pytest.approx(
        skm.roc_auc_score(y, p, sample_weight=w), rel=1e-12
    )
    assert M.average_precision(y, p, w) == pytest.approx(
        skm.average_precision_score(y, p, sample_weight=w), rel=1e-12
    )
    assert M.log_loss(y, p, w) == pytest.approx(
        skm.log_loss(y, p, sample_weight=w), rel=1e-12
    )
    assert M.brier_score(y, p, w) == pytest.approx(
        skm.brier_score_loss(y, p, sample_weight=w), rel=1e-12
    )
    assert M.accuracy(y, p, 0.5, w) == pytest.approx(
        skm.accuracy_score(y, p > 0.5, sample_weight=w), rel=1e-12
    )
    assert np.allclose(
        M.confusion_matrix(y, p, 0.5, w),
        skm.confusion_matrix(y, p > 0.5, sample_weight=w),
    )


def test_curves_match_sklearn(data):
    y, p, w = data
    fpr, tpr, thr = M.roc_curve(y, p, w)
    fpr_s, tpr_s, thr_s = skm.roc_curve(y, p, sample_weight=w, drop_intermediate=False)
    assert np.allclose(fpr, fpr_s) and np.allclose(tpr, tpr_s)
    assert np.array_equal(thr[1:], thr_s[1:])
    prec, rec, _ = M.precision_recall_curve(y, p, w)
    prec_s, rec_s, _ = skm.precision_recall_curve(y, p, sample_weight=w)
    assert np.allclose(prec, prec_s) and np.allclose(rec, rec_s)


def test_log_loss_from_logits_is_exact_where_probabilities_saturate():
    z = np.array([-800.0, 40.0, 0.0, 800.0])
    y = np.array([1.0, 0.0, 1.0, 1.0])
    # per-row losses: logaddexp(0, ∓z): 800, 40 (+ 4e-18), log 2, 0
    expected = (800.0 + 40.0 + np.log(2.0) + 0.0) / 4
    assert M.log_loss_from_logits(y, z) == pytest.approx(expected, rel=1e-15)
    p = 1 / (1 + np.exp(-np.clip(z, -700, 700)))
    assert not np.isfinite(M.log_loss(y, np.where(z < -700, 0.0, p)))


def test_log_loss_of_confident_right_answers_keeps_its_digits():
    # label 0 at p = 1e-12: the loss is -log1p(-1e-12) = 1.0000000000005e-12
    # (the series p + p²/2); -log(1 - p) loses 4 digits to 1 - p's rounding
    p = np.array([1e-12, 3e-14])
    y = np.zeros(2)
    expected = (1e-12 + 0.5e-24 + 3e-14 + 4.5e-28) / 2
    assert M.log_loss(y, p) == pytest.approx(expected, rel=1e-14, abs=0)


def test_calibration_table_matches_sklearn():
    rng = np.random.default_rng(5)
    p = rng.random(1000)  # continuous: no value on a bin edge
    y = (rng.random(1000) < p).astype(float)
    rows = M.calibration_table(y, p, n_bins=10)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10)
    assert np.allclose([r["observed_rate"] for r in rows], prob_true)
    assert np.allclose([r["mean_predicted"] for r in rows], prob_pred)
    assert sum(r["count"] for r in rows) == 1000


def test_evaluate_uses_logits_and_threshold():
    rng = np.random.default_rng(0)
    z = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-z))).astype(float)
    res = M.evaluate(y, z, threshold=0.7)
    p = 1 / (1 + np.exp(-z))
    cm = skm.confusion_matrix(y, p > 0.7)
    assert [
        res["confusion_matrix"][k] for k in ("tn", "fp", "fn", "tp")
    ] == cm.ravel().tolist()
    assert res["roc_auc"] == pytest.approx(skm.roc_auc_score(y, z))
    assert res["log_loss"] == pytest.approx(skm.log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([0, 1], [0.1], "has 2 values"),
        ([], [], "at least one"),
        ([0, 2], [0.1, 0.2], "0 and 1"),
    ],
)
def test_input_errors(y, s, message):
    with pytest.raises(ValueError, match=message):
        M.brier_score(y, s)


def test_roc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        M.roc_auc([1, 1], [0.2, 0.3])
    assert M.evaluate(np.ones(3), np.zeros(3))["roc_auc"] is None


@pytest.mark.parametrize("n", [7, 30, 61, 1000])
@pytest.mark.parametrize("weighted", [False, True])
def test_roc_auc_of_a_perfect_ranking_is_exactly_one(n, weighted):
    """A ranking that separates the classes has area 1 (0 reversed), as
    scikit-learn's roc_auc_score gives unweighted; summed threshold by
    threshold on the rates, the area came out as 0.9999999999999999."""
    rng = np.random.default_rng(n)
    s = rng.permutation(n).astype(float)
    y = (s >= n // 2).astype(float)
    w = rng.uniform(0.5, 2.0, n) if weighted else None
    assert M.roc_auc(y, s, w) == 1.0 and M.roc_auc(y, -s, w) == 0.0
    # scikit-learn's: exactly so unweighted, within one rounding weighted
    assert skm.roc_auc_score(y, s, sample_weight=w) == pytest.approx(1.0, abs=2e-16)
    assert skm.roc_auc_score(y, -s, sample_weight=w) == pytest.approx(0.0, abs=2e-16)
    if w is None:
        assert skm.roc_auc_score(y, s) == 1.0
    P = np.column_stack([-s, np.zeros(n), s])  # class 2 ranked perfectly
    yk = np.where(y == 1, 2, np.arange(n) % 2)
    aucs = M.multiclass_roc_auc(yk, P, w)
    assert aucs[2] == 1.0
