"""``evaluate`` of a model with a weights column: the rates are weighted, and
the counts beside them say whether they are rows or weights. ``n_positive``
and a calibration bin's ``count`` are rows, next to ``positive_weight`` and
the bin's ``weight`` (a bin of 20 rows held weight 43 with no sign of it).
References: numpy sums of the weights per bin, and scikit-learn's weighted
``calibration_curve``-style rates computed here by ``np.average``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import run_cli
from logistic.metrics import calibration_table


def _data(workdir):
    rng = np.random.default_rng(5)
    n = 400
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-1.5 * x))).astype(int)
    w = rng.integers(1, 4, size=n).astype(float)
    pd.DataFrame({"x": x, "w": w, "y": y}).to_csv(workdir / "d.csv", index=False)
    return x, y, w


def test_weighted_evaluate_reports_rows_and_weights(workdir, capsys):
    _, y, w = _data(workdir)
    argv = ["fit", "d.csv", "-t", "y", "--weights", "w", "-o", "m.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "d.csv", "--json"])
    assert code == 0, err
    m = json.loads(out)
    assert m["n_positive"] == int(y.sum())
    assert m["positive_weight"] == float(np.sum(w * y))
    bins = m["calibration"]
    assert sum(b["count"] for b in bins) == len(y)
    assert np.isclose(sum(b["weight"] for b in bins), w.sum())
    code, out, _ = run_cli(capsys, ["evaluate", "m.json", "d.csv"])
    assert code == 0
    assert f"400 rows (weight {w.sum():g}), {int(y.sum())} positive (weight " in out
    head = next(line for line in out.splitlines() if " bin " in line)
    assert head.split("┃")[1:6] == [
        "        bin ", " rows ", " weight ", " mean predicted ", " observed rate "
    ]
    # unweighted: one column, the count
    assert run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "u.json", "-q"])[0] == 0
    out = run_cli(capsys, ["evaluate", "u.json", "d.csv"])[1]
    head = next(line for line in out.splitlines() if " bin " in line)
    assert [c.strip() for c in head.split("┃")[1:5]] == [
        "bin", "count", "mean predicted", "observed rate"
    ]


def test_calibration_bins_weight_and_rates():
    rng = np.random.default_rng(6)
    p = rng.random(300)
    y = (rng.random(300) < p).astype(float)
    w = rng.random(300) * 3
    rows = calibration_table(y, p, n_bins=5, sample_weight=w)
    for r in rows:
        m = (p >= r["bin_low"]) & ((p < r["bin_high"]) | (r["bin_high"] == 1.0))
        assert r["count"] == int(m.sum())
        assert np.isclose(r["weight"], w[m].sum())
        assert np.isclose(r["observed_rate"], np.average(y[m], weights=w[m]))
    plain = calibration_table(y, p, n_bins=5)
    assert all(r["weight"] == r["count"] for r in plain)
