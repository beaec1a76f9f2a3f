"""Sensitivity, specificity and the predictive values at a threshold
(Stata's ``estat classification``): in ``logistic.metrics``, in
``evaluate --json``, under ``evaluate``'s confusion matrix and in the report.

References: scikit-learn's ``recall_score`` and ``precision_score`` with
``pos_label`` 1 (sensitivity, PPV) and 0 (specificity, NPV), weighted; a rate
with an empty denominator is None where scikit-learn warns and gives 0."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

from conftest import run_cli
from logistic import metrics as M


def _sklearn_rates(y, p, threshold, w):
    pred = (p > threshold).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero_division: 0 where undefined
        return {
            "sensitivity": recall_score(y, pred, pos_label=1, sample_weight=w),
            "specificity": recall_score(y, pred, pos_label=0, sample_weight=w),
            "ppv": precision_score(y, pred, pos_label=1, sample_weight=w),
            "npv": precision_score(y, pred, pos_label=0, sample_weight=w),
        }


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("weighted", [False, True])
def test_rates_equal_scikit_learn(threshold, weighted):
    rng = np.random.default_rng(11)
    p = rng.random(500)
    y = (rng.random(500) < p).astype(int)
    w = rng.uniform(0.1, 3.0, 500) if weighted else None
    got = M.classification_rates(y, p, threshold, w)
    want = _sklearn_rates(y, p, threshold, w)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == pytest.approx(want[key], rel=1e-12), key


def test_empty_denominator_is_none_not_zero():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.4])  # nothing above 0.5: no predicted positive
    got = M.classification_rates(y, p)
    assert got["ppv"] is None  # scikit-learn: 0 with UndefinedMetricWarning
    assert got["sensitivity"] == 0.0 and got["specificity"] == 1.0
    assert got["npv"] == pytest.approx(0.5)
    one_class = M.classification_rates(np.zeros(3), np.array([0.1, 0.7, 0.2]))
    assert one_class["sensitivity"] is None and one_class["npv"] == 1.0


def test_evaluate_reports_the_rates(workdir, capsys):
    rng = np.random.default_rng(3)
    x = rng.normal(size=300)
    y = (rng.random(300) < 1 / (1 + np.exp(-2 * x))).astype(int)
    lines = ["x,y", *(f"{float(a)!r},{b}" for a, b in zip(x, y, strict=True))]
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    assert run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    argv = ["evaluate", "m.json", "d.csv", "--threshold", "0.3", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    m = json.loads(out)
    cm = m["confusion_matrix"]
    assert m["sensitivity"] == pytest.approx(cm["tp"] / (cm["tp"] + cm["fn"]))
    assert m["specificity"] == pytest.approx(cm["tn"] / (cm["tn"] + cm["fp"]))
    assert m["ppv"] == pytest.approx(cm["tp"] / (cm["tp"] + cm["fp"]))
    assert m["npv"] == pytest.approx(cm["tn"] / (cm["tn"] + cm["fn"]))
    code, out, _ = run_cli(capsys, argv[:-1])
    assert code == 0
    assert (
        f"sensitivity {m['sensitivity']:.4f}, specificity {m['specificity']:.4f}, "
        f"PPV {m['ppv']:.4f}, NPV {m['npv']:.4f}"
    ) in out


def test_report_shows_the_rates():
    pytest.importorskip("matplotlib")
    from logistic.report import build_report

    y = np.array([0, 0, 1, 1, 1, 0])
    z = np.array([-2.0, 0.5, 1.0, -0.3, 2.0, -1.0])
    page = build_report(
        title="t", meta=[], y=y, z=z, metrics=M.evaluate(y, z),
        coefficients=[{"term": "x", "estimate": 1.0}], history=[],
    )  # fmt: skip
    # tp 2, fn 1, tn 2, fp 1 at threshold 0.5 (z > 0)
    assert (
        "sensitivity 0.6667, specificity 0.6667, PPV 0.6667, NPV 0.6667" in page
    )
