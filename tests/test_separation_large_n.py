"""Separation is detected whatever the number of rows.

A 0/1 column ``g`` that is 1 on three rows, all of class 0, makes the MLE
diverge (quasi-complete separation along ``-g``), at 400 rows as at 40 000.
The stopping rule on the mean gradient stops such a fit at smaller fitted
logits the more rows there are (about 21 at 400 rows, 19 at 40 000), so a
rule on fitted logits alone missed it on large data. The reference for
"separated" is the count of rows by ``(g, y)``, computed here; for "not
separated" it is that both classes lie on both sides of every threshold of
the single feature.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression, PerfectSeparationWarning


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-x))).astype(float)
    g = np.zeros(n)
    g[np.flatnonzero(y == 0)[:3]] = 1.0
    return x, y, g


def _fit(X: np.ndarray, y: np.ndarray) -> tuple[LogisticRegression, list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression().fit(X, y)
    return model, [w for w in caught if w.category is PerfectSeparationWarning]


# seeds where a fixed bound on the fitted logits (20) missed the separation
@pytest.mark.parametrize("n, seed", [(400, 0), (10_000, 5), (40_000, 0)])
def test_rare_indicator_of_one_class_is_separation_at_any_n(n, seed):
    x, y, g = _data(n, seed)
    counts = {(a, b): int(np.sum((g == a) & (y == b))) for a in (0, 1) for b in (0, 1)}
    assert counts[1, 0] == 3 and counts[1, 1] == 0  # g = 1 only on class 0
    model, sep = _fit(np.column_stack([x, g]), y)
    assert model.separation_ == "quasi-complete"
    assert len(sep) == 1
    message = str(sep[0].message)
    assert "Quasi-complete separation" in message
    assert "-1*x2" in message  # the direction -g (g is the second column, x2)
    assert "3 samples lie strictly on their class's side" in message


@pytest.mark.parametrize("n, seed", [(400, 0), (10_000, 5), (40_000, 0)])
def test_no_false_positive_without_the_indicator(n, seed):
    x, y, _ = _data(n, seed)
    # both classes on both sides of every threshold: no separating direction
    assert x[y == 0].max() > x[y == 1].min() and x[y == 1].max() > x[y == 0].min()
    model, sep = _fit(x[:, None], y)
    assert model.separation_ is None
    assert sep == []
    assert abs(model.coef_[0, 0] - 1.0) < 0.2  # the generating slope


def test_rare_indicator_detected_with_weights_and_without_intercept():
    x, y, g = _data(10_000, 5)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, y.shape[0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = LogisticRegression().fit(np.column_stack([x, g]), y, sample_weight=sw)
        b = LogisticRegression(fit_intercept=False).fit(np.column_stack([x, g]), y)
    assert a.separation_ == "quasi-complete"
    assert b.separation_ == "quasi-complete"
    assert sum(w.category is PerfectSeparationWarning for w in caught) == 2


@pytest.mark.slow
def test_bank_marketing_default_yes_is_separated(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    data = data_path("bank-marketing", "bank-additional-full.csv.gz")
    frame = pd.read_csv(data, sep=";", usecols=["default", "y"])
    yes = frame[frame["default"] == "yes"]
    assert len(yes) == 3 and set(yes["y"]) == {"no"}  # the reference
    model = tmp_path / "bank.json"
    code, _, err = run_cli(
        capsys, ["fit", data, "-t", "y", "--drop", "duration", "-o", model]
    )
    assert code == 0, err
    assert "PerfectSeparationWarning: Quasi-complete separation" in err
    assert "-1*default[T.yes]" in err
    assert "3 samples lie strictly on their class's side" in err
