"""``logistic.metrics`` refuses NaN scores and probabilities outside [0, 1],
as scikit-learn's metrics refuse them.

An ML engineer's trial passed scores holding a NaN: ``roc_auc`` and
``average_precision`` returned 1.0 for ``y = [0, 1, 1, 0]``, scores
``[0.2, 0.8, nan, 0.1]`` (the NaN sorted as some rank), ``log_loss`` and
``brier_score`` NaN, ``multiclass_log_loss`` a finite mean that left the row
out; a probability of 1.5 gave ``log_loss`` 0.07. scikit-learn 1.9's
``roc_auc_score``, ``average_precision_score``, ``log_loss`` and
``brier_score_loss`` raise on each ("Input contains NaN", "y_prob contains
values greater than 1"); so do these, naming the row.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn import metrics as sk  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402

from logistic import metrics  # noqa: E402

Y = np.array([0, 1, 1, 0])
NAN = np.array([0.2, 0.8, np.nan, 0.1])
ABOVE = np.array([0.2, 1.5, 0.7, 0.1])

PAIRS = [
    (metrics.roc_auc, sk.roc_auc_score),
    (metrics.average_precision, sk.average_precision_score),
    (metrics.log_loss, sk.log_loss),
    (metrics.brier_score, sk.brier_score_loss),
]


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_nan_scores_are_refused_naming_the_row(ours, theirs):
    with pytest.raises(ValueError, match="NaN"):
        theirs(Y, NAN)
    with pytest.raises(ValueError, match=r"the scores hold NaN \(first at row 2, 0-based"):
        ours(Y, NAN)
    with pytest.raises(ValueError, match=r"the scores hold NaN"):
        metrics.log_loss_from_logits(Y, NAN)


@pytest.mark.parametrize("ours, theirs", PAIRS[2:])
def test_probabilities_outside_0_1_are_refused(ours, theirs):
    with pytest.raises(ValueError, match="greater than 1"):
        theirs(Y, ABOVE)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]; row 1 \(0-based\) holds \[1\.5\]"):
        ours(Y, ABOVE)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]; row 0"):
        ours(Y, np.array([-0.1, 0.8, 0.7, 0.1]))


def test_valid_scores_still_match_scikit_learn():
    for ours, theirs in PAIRS:
        p = np.array([0.2, 0.8, 0.6, 0.1])
        assert ours(Y, p) == pytest.approx(theirs(Y, p), abs=1e-15)
    # a score, not a probability: any real ranks (roc_auc takes logits)
    z = np.array([-3.0, 2.0, 40.0, -1.0])
    assert metrics.roc_auc(Y, z) == pytest.approx(sk.roc_auc_score(Y, z))


def test_k_class_metrics_refuse_a_nan_row():
    P = np.array([[0.2, 0.3, 0.5], [np.nan, 0.5, 0.5], [0.1, 0.1, 0.8]])
    y = np.array([2, 1, 0])
    with pytest.raises(ValueError, match="NaN"):
        sk.log_loss(y, P, labels=[0, 1, 2])
    for f in (metrics.multiclass_log_loss, metrics.multiclass_roc_auc, metrics.multiclass_accuracy):
        with pytest.raises(ValueError, match=r"the scores hold NaN \(first at row 1, 0-based"):
            f(y, P)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]; row 0"):
        metrics.multiclass_log_loss(y, np.array([[1.2, -0.1, -0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]))


LOGITS = np.array([-3.0, 0.6, -0.4, 2.5])


def test_thresholded_and_binned_metrics_refuse_logits():
    """A data scientist's trial passed logits where probabilities belong:
    ``calibration_table`` put the logit -3 in the bin [0, 0.1) with a mean
    predicted "probability" of -1.7, and ``accuracy``/``confusion_matrix``
    cut the logits at 0.5 (half the rows counted wrong), all without a word.
    scikit-learn's ``calibration_curve`` raises on the same values."""
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        calibration_curve(Y, LOGITS)
    for f in (metrics.calibration_table, metrics.accuracy, metrics.confusion_matrix):
        with pytest.raises(ValueError, match=r"must lie in \[0, 1\]; row 0 \(0-based\) holds \[-3\.0\] \(3 row\(s\) outside\).*1 / \(1 \+ exp\(-z\)\)"):
            f(Y, LOGITS)
    # the same values as probabilities: scikit-learn's numbers
    p = 1 / (1 + np.exp(-LOGITS))
    assert metrics.accuracy(Y, p) == sk.accuracy_score(Y, p > 0.5)
    assert metrics.confusion_matrix(Y, p).tolist() == sk.confusion_matrix(Y, p > 0.5).tolist()
    rows = metrics.calibration_table(Y, p, n_bins=2)
    prob_true, prob_pred = calibration_curve(Y, p, n_bins=2)
    assert [r["observed_rate"] for r in rows] == pytest.approx(prob_true)
    assert [r["mean_predicted"] for r in rows] == pytest.approx(prob_pred)


@pytest.mark.parametrize("threshold", [np.nan, -0.1, 1.5, None, "0.5x"])
def test_a_threshold_outside_0_1_is_refused(threshold):
    """A NaN threshold compares false with every probability: ``evaluate``
    called every row negative (tn 2, fn 2 for the rows below) and printed
    ``'threshold': nan`` beside the numbers; 1.5 did the same, -0.1 called
    every row positive. ``logistic predict --threshold`` refuses them all
    ("must be a probability in [0, 1]"); so do these now."""
    p = np.array([0.1, 0.6, 0.4, 0.9])
    z = np.log(p / (1 - p))
    match = r"threshold must be a probability in \[0, 1\], got "
    with pytest.raises(ValueError, match=match):
        metrics.evaluate(Y, z, threshold=threshold)
    with pytest.raises(ValueError, match=match):
        metrics.accuracy(Y, p, threshold=threshold)
    with pytest.raises(ValueError, match=match):
        metrics.confusion_matrix(Y, p, threshold=threshold)


def test_the_threshold_ends_are_kept():
    p = np.array([0.0, 0.6, 0.4, 1.0])
    for t in (0, 1, 0.0, np.float32(1.0)):
        assert metrics.accuracy(Y, p, threshold=t) == sk.accuracy_score(Y, p > t)
        cm = metrics.confusion_matrix(Y, p, threshold=t)
        assert cm.tolist() == sk.confusion_matrix(Y, p > t, labels=[0, 1]).tolist()


@pytest.mark.parametrize("n_bins", [0, -3, 2.5, True])
def test_n_bins_below_one_is_refused(n_bins):
    """With ``n_bins=0`` the calibration table had no row (``evaluate`` gave
    ``'calibration': []``) and said nothing; scikit-learn's
    ``calibration_curve`` requires "an int in the range [1, inf)"."""
    p = np.array([0.1, 0.6, 0.4, 0.9])
    if not isinstance(n_bins, bool):
        with pytest.raises(ValueError, match=r"an int in the range \[1, inf\)"):
            calibration_curve(Y, p, n_bins=n_bins)
    with pytest.raises(ValueError, match=r"n_bins must be an int >= 1, got "):
        metrics.calibration_table(Y, p, n_bins=n_bins)
    with pytest.raises(ValueError, match=r"n_bins must be an int >= 1, got "):
        metrics.evaluate(Y, np.log(p / (1 - p)), n_bins=n_bins)
    rows = metrics.calibration_table(Y, p, n_bins=np.int64(1))
    assert [r["count"] for r in rows] == [4]


def test_text_labels_and_text_values_are_named():
    """A fraud analyst passed the labels as written (``"fraud"``/``"ok"``):
    every metric answered numpy's ``could not convert string to float:
    'fraud'``, naming neither ``y_true`` nor what it must hold; text among
    the scores or the weights read the same, and a K-class ``y_true`` of text
    ``invalid literal for int() with base 10``. Each now names its argument,
    the row and the value, and says how to encode labels."""
    p = np.array([0.1, 0.6, 0.4, 0.9])
    text = np.array(["ok", "fraud", "fraud", "ok"])
    with pytest.raises(ValueError, match=r"y_true must hold only 0 and 1 \(1 the positive class\); row 0 \(0-based\) holds 'ok'"):
        metrics.roc_auc(text, p)
    with pytest.raises(ValueError, match=r"\(y == positive_label\)\.astype\(int\)"):
        metrics.evaluate(list(text), np.log(p / (1 - p)))
    with pytest.raises(ValueError, match=r"y_true must hold only 0 and 1 .* row 2 \(0-based\) holds nan"):
        metrics.log_loss([0, 1, np.nan, 0], p)
    with pytest.raises(ValueError, match=r"the scores must hold numbers; row 1 \(0-based\) holds 'x'"):
        metrics.average_precision(Y, [0.1, "x", 0.4, 0.9])
    with pytest.raises(ValueError, match=r"sample_weight must hold numbers; row 3 \(0-based\) holds 'heavy'"):
        metrics.brier_score(Y, p, sample_weight=[1, 2, 1, "heavy"])
    P = np.array([[0.2, 0.3, 0.5], [0.1, 0.5, 0.4], [0.1, 0.1, 0.8]])
    with pytest.raises(ValueError, match=r"y_true must hold class indices 0\.\.2 .* row 0 \(0-based\) holds 'a'.*searchsorted"):
        metrics.multiclass_log_loss(["a", "b", "c"], P)
    with pytest.raises(ValueError, match=r"y_true must hold class indices 0\.\.2 .* row 1 \(0-based\) holds 1\.5"):
        metrics.multiclass_accuracy([0, 1.5, 2], P)
    with pytest.raises(ValueError, match=r"y_true must hold class indices 0\.\.2 .* row 2 \(0-based\) holds 3"):
        metrics.multiclass_roc_auc([0, 1, 3], P)
    # labels that are numbers still work: 0/1 as floats or bools, indices as floats
    assert metrics.roc_auc([False, True, True, False], p) == sk.roc_auc_score(Y, p)
    assert metrics.multiclass_accuracy([2.0, 1.0, 2.0], P) == pytest.approx(1.0)
