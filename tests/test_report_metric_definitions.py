"""The report says what each of its metrics is.

The metrics table named its numbers by key only. Two of them differ from
what a reviewer recomputing them with scikit-learn's obvious call gets:
``pr_auc`` is average precision (``average_precision_score``), not the
trapezoidal area ``auc(recall, precision)``; ``log_loss`` comes from the
logits, unclipped, where ``log_loss`` of the probabilities clips a fitted
probability of exactly 1 at its eps (a separated fit: 8.48 against 0.66 on
breast-cancer-wisconsin held-out rows). The page now defines each one; the
references are scikit-learn's functions named there.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")


def _page(y, z):
    from logistic import metrics as M
    from logistic.report import build_report

    return build_report(
        title="t", meta=[], y=y, z=z, metrics=M.evaluate(y, z),
        coefficients=[{"term": "x", "estimate": 1.0}], history=[],
    )  # fmt: skip


def _metric(page, name):
    return float(re.search(rf"<td>{name}</td><td>([^<]*)</td>", page).group(1))


def test_each_metric_is_defined_as_computed():
    from sklearn.metrics import auc, average_precision_score, precision_recall_curve

    rng = np.random.default_rng(4)
    z = rng.normal(size=300)
    y = (rng.random(300) < 1 / (1 + np.exp(-z))).astype(float)
    z[:3] = [45.0, 50.0, -48.0]  # fitted probabilities of 1, 1, 0 in float64
    y[:3] = [0.0, 1.0, 1.0]  # two of them wrong
    page = _page(y, z)
    text = html.unescape(re.search(r'<p id="metric-definitions">([^<]*)', page).group(1))
    p = 1 / (1 + np.exp(-z))
    # pr_auc: average precision, which differs from the trapezoidal area here
    assert "pr_auc: average precision" in text and "average_precision_score" in text
    assert _metric(page, "pr_auc") == pytest.approx(average_precision_score(y, z), abs=1e-6)
    precision, recall, _ = precision_recall_curve(y, p)
    assert abs(_metric(page, "pr_auc") - auc(recall, precision)) > 1e-3
    # log_loss: from the logits, unclipped; a clipped one is far smaller here
    assert "from the logits (not clipped)" in text
    exact = np.mean(np.logaddexp(0, np.where(y == 1, -z, z)))
    assert _metric(page, "log_loss") == pytest.approx(exact, rel=1e-5)
    clipped = -np.mean(y * np.log(np.clip(p, 1e-15, 1)) + (1 - y) * np.log(np.clip(1 - p, 1e-15, 1)))
    assert exact - clipped > 0.05
    assert "p > 0.5" in text and "brier: mean of (p - outcome)^2" in text
    # the areas rank by logit: p of 45 and 50 both round to 1, their logits do not
    from sklearn.metrics import roc_auc_score

    assert "rank the rows by their logit" in text
    assert _metric(page, "roc_auc") == pytest.approx(roc_auc_score(y, z), abs=1e-6)
    assert p[0] == p[1] == 1.0
