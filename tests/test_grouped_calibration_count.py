"""Grouped counts (``--trials``): a calibration bin counts the file's rows.

Each row is scored as two outcome rows (its successes and its failures), and
the bin's ``count`` counted those: twice the rows (60 for a 30-row file of
513 trials). The text header called the 513 trials "rows".
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import run_cli


def _grouped(tmp_path):
    rng = np.random.default_rng(4)
    n = 30
    x = rng.normal(size=n)
    trials = rng.integers(5, 30, n)
    s = rng.binomial(trials, 1 / (1 + np.exp(-(0.3 + x))))
    path = tmp_path / "g.csv"
    pd.DataFrame({"s": s, "n": trials, "x": x}).to_csv(path, index=False)
    return path, int(trials.sum()), int(s.sum())


def test_calibration_counts_rows_and_header_says_trials(tmp_path, capsys):
    path, trials, successes = _grouped(tmp_path)
    code, _, err = run_cli(capsys, ["fit", path, "-t", "s", "--trials", "n", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path, "--json"])
    assert code == 0, err
    m = json.loads(out)
    assert sum(r["count"] for r in m["calibration"]) == 30
    assert sum(r["weight"] for r in m["calibration"]) == trials
    assert m["n_rows"] == 30 and m["grouped"] is True and m["n_samples"] == trials
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path])
    assert code == 0, err
    assert f"{trials} trials in 30 rows, {successes} successes" in out


def test_ungrouped_counts_unchanged(tmp_path, capsys):
    path = tmp_path / "u.csv"
    path.write_text("y,x\n0,1\n1,2\n0,3\n1,4\n1,5\n0,0.5\n1,3.5\n0,2.5\n")
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path, "--json"])
    m = json.loads(out)
    assert sum(r["count"] for r in m["calibration"]) == 8 == m["n_rows"]
    assert m["grouped"] is False


def test_weighted_grouped_header_counts_trials_and_rows(tmp_path, capsys):
    path, trials, successes = _grouped(tmp_path)
    d = pd.read_csv(path)
    d["w"] = 2.0
    d.to_csv(path, index=False)
    code, _, err = run_cli(
        capsys, ["fit", path, "-t", "s", "--trials", "n", "--weights", "w", "-o", tmp_path / "m.json", "-q"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path])
    assert code == 0, err
    assert f"{trials} trials in 30 rows of weight 60, {successes} successes" in out
