"""Rows of weight 0 in the metrics and in ``evaluate``/``report``.

A weight of 0 is valid (a masked or held-out row): such a row counts for
nothing. ``np.average`` made a calibration bin whose rows all had weight 0 a
``ZeroDivisionError`` (``evaluate`` and ``report`` exited 1, "internal
error"), a zero-weight row of probability 0 turned the log loss into NaN
(0 · inf), and ``evaluate`` decided that both classes were present from row
counts, so a file whose positives all had weight 0 failed with "ROC needs
both classes" instead of reporting the areas as n/a. Negative weights were
accepted at ``evaluate``. References: scikit-learn's metrics on the rows of
positive weight (a row of weight 0 changes none of its weighted sums)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm

from conftest import run_cli
from logistic import metrics as M


def _scores(n=300, seed=8):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    w = rng.uniform(0.2, 2.0, n)
    return y, z, w


def test_zero_weight_rows_count_for_nothing():
    y, z, w = _scores()
    p = 1 / (1 + np.exp(-z))
    w[p >= 0.9] = 0.0  # every row of the top calibration bin
    assert (p >= 0.9).sum() > 0
    got = M.evaluate(y, z, sample_weight=w)
    kept = w > 0
    yk, pk, wk = y[kept], p[kept], w[kept]
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(yk, pk, sample_weight=wk))
    assert got["pr_auc"] == pytest.approx(
        skm.average_precision_score(yk, pk, sample_weight=wk)
    )
    assert got["log_loss"] == pytest.approx(skm.log_loss(yk, pk, sample_weight=wk))
    assert got["brier"] == pytest.approx(
        skm.brier_score_loss(yk, pk, sample_weight=wk)
    )
    assert got["accuracy"] == pytest.approx(
        skm.accuracy_score(yk, pk > 0.5, sample_weight=wk)
    )
    assert all(b["bin_high"] < 1.0 for b in got["calibration"])  # the top bin left out
    assert sum(b["weight"] for b in got["calibration"]) == pytest.approx(w.sum())


def test_log_loss_ignores_an_impossible_row_of_weight_zero():
    got = M.log_loss([1, 0, 1], [0.0, 0.2, 0.7], sample_weight=[0, 1, 1])
    assert got == pytest.approx(skm.log_loss([0, 1], [0.2, 0.7]))


def test_positives_all_of_weight_zero_leave_the_areas_undefined():
    y, z, w = _scores()
    w[y == 1] = 0.0
    got = M.evaluate(y, z, sample_weight=w)
    assert got["roc_auc"] is None and got["pr_auc"] is None
    assert got["positive_weight"] == 0.0


@pytest.mark.parametrize(
    "weights, words",
    [
        ([0.0, 0.0, 0.0], "sums to 0"),
        ([1.0, -1.0, 1.0], ">= 0"),
        ([1.0, np.nan, 1.0], "finite"),
        ([1.0, np.inf, 1.0], "finite"),
        ([1e308, 1e308, 1.0], "rescale"),  # each finite, their sum not
    ],
)
def test_unusable_weights_are_named(weights, words):
    for fn in (M.accuracy, M.brier_score, M.log_loss):
        with pytest.raises(ValueError, match="sample_weight") as exc:
            fn([1, 0, 1], [0.9, 0.2, 0.7], sample_weight=weights)
        assert words in str(exc.value)
    P = np.array([[0.2, 0.8], [0.7, 0.3], [0.4, 0.6]])
    with pytest.raises(ValueError, match="sample_weight"):
        M.multiclass_log_loss([1, 0, 1], P, sample_weight=weights)


@pytest.fixture
def weighted_model(workdir, capsys):
    rng = np.random.default_rng(9)
    n = 300
    x = rng.normal(size=n)
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-2.5 * x)), "yes", "no")
    w = rng.uniform(0.2, 2.0, n).round(2)
    frame = pd.DataFrame({"x": x, "w": w, "y": y})
    frame.to_csv(workdir / "d.csv", index=False)
    argv = ["fit", "d.csv", "-t", "y", "--weights", "w", "-o", "m.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    return frame


def test_cli_evaluate_and_report_with_a_bin_of_weight_zero(
    workdir, capsys, weighted_model
):
    pytest.importorskip("matplotlib")
    frame = weighted_model
    argv = ["predict", "m.json", "d.csv", "-o", "p.csv", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    p = pd.read_csv(workdir / "p.csv")["proba"].to_numpy()
    frame.loc[p >= 0.9, "w"] = 0.0  # every row of the model's top bin
    assert (p >= 0.9).sum() > 0
    frame.to_csv(workdir / "z.csv", index=False)
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "z.csv", "--json"])
    assert code == 0, err
    kept = frame.w > 0
    got = json.loads(out)
    assert got["sum_of_weights"] == pytest.approx(frame.w.sum())
    assert sum(b["weight"] for b in got["calibration"]) == pytest.approx(frame.w.sum())
    assert sum(b["count"] for b in got["calibration"]) == int(kept.sum())
    code, _, err = run_cli(capsys, ["report", "m.json", "z.csv", "-o", "r.html"])
    assert code == 0, err


def test_cli_weights_all_zero_or_negative_are_data_errors(
    workdir, capsys, weighted_model
):
    frame = weighted_model
    frame.assign(w=0.0).to_csv(workdir / "zero.csv", index=False)
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "zero.csv"])
    assert code == 65
    assert "zero.csv" in err and "'w'" in err and "is 0" in err
    frame.loc[3, "w"] = -1.0
    frame.to_csv(workdir / "neg.csv", index=False)
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "neg.csv"])
    assert code == 65
    assert "'w'" in err and "negative" in err and "line 5" in err


def test_cli_report_names_weight_when_a_class_has_none(workdir, capsys, weighted_model):
    pytest.importorskip("matplotlib")
    frame = weighted_model
    frame.loc[frame.y == "yes", "w"] = 0.0
    frame.to_csv(workdir / "pos0.csv", index=False)
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "pos0.csv", "--json"])
    assert code == 0, err
    assert json.loads(out)["roc_auc"] is None
    code, _, err = run_cli(capsys, ["report", "m.json", "pos0.csv", "-o", "r.html"])
    assert code == 65
    assert "both classes" in err and "positive weight" in err


def test_cli_missing_weight_is_named_with_the_other_missing_values(
    workdir, capsys, weighted_model
):
    """The weights column's missing values were checked after the others', so
    a user who filled in the columns named got a second error for ``w``."""
    frame = weighted_model.astype({"x": object, "w": object})
    frame.loc[2, "x"] = None
    frame.loc[5, "w"] = None
    frame.to_csv(workdir / "gaps.csv", index=False)
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "gaps.csv"])
    assert code == 65
    assert "column 'x' (1 row(s), first at line 4)" in err
    assert "column 'w' (1 row(s), first at line 7)" in err
    argv = ["evaluate", "m.json", "gaps.csv", "--missing", "drop", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    assert json.loads(out)["n_samples"] == len(frame) - 2


def test_summary_counts_a_weighted_fit_as_its_sum_of_weights(
    workdir, capsys, weighted_model
):
    """``summary`` printed ``observations 791, ... df residuals 786`` for a
    sum of weights of 790.94 (its JSON had the exact numbers). Reference:
    statsmodels' GLM with the same frequency weights."""
    sm = pytest.importorskip("statsmodels.api")
    frame = weighted_model
    X = sm.add_constant(frame[["x"]].to_numpy())
    ref = sm.GLM(
        (frame.y == "yes").astype(float).to_numpy(), X,
        family=sm.families.Binomial(), freq_weights=frame.w.to_numpy(),
    ).fit()
    wnobs = ref.model.wnobs  # the sum of the frequency weights
    assert not float(wnobs).is_integer()
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0, err
    assert f"observations {wnobs:.10g}, df model 1, " in out
    assert f"df residuals {ref.df_resid:.10g}, " in out


def test_curves_leave_out_rows_of_weight_zero():
    """The ROC and precision-recall curves are scikit-learn's, point for point
    and threshold for threshold (``drop_intermediate=False``), which drops rows
    of weight 0 first. Kept, the top-scored rows of weight 0 added a
    precision-recall point (precision 0, recall 0) that scikit-learn's curve
    lacks, drawn in the report as a drop to precision 0 at recall 0, and every
    weight-0 score a threshold."""
    y, z, w = _scores()
    top = np.argsort(z)[-5:]
    w[top] = 0.0  # the five highest scores
    w[::7] = 0.0
    fpr, tpr, thr = M.roc_curve(y, z, w)
    sk_fpr, sk_tpr, sk_thr = skm.roc_curve(y, z, sample_weight=w, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    np.testing.assert_array_equal(thr[1:], sk_thr[1:])  # the first: inf in both
    precision, recall, pr_thr = M.precision_recall_curve(y, z, w)
    sk_p, sk_r, sk_pr_thr = skm.precision_recall_curve(
        y, z, sample_weight=w, drop_intermediate=False
    )
    np.testing.assert_allclose(precision, sk_p)
    np.testing.assert_allclose(recall, sk_r)
    np.testing.assert_array_equal(pr_thr, sk_pr_thr)
