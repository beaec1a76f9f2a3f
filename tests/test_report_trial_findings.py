"""Report texts a reviewing analyst found wrong.

* Tied fitted probabilities merged the 10 Hosmer-Lemeshow groups into 4 and
  the report cited "Stata's estat gof, group(4)", another test;
* a Firth fit's table showed Wald columns without saying so (summary MODEL
  DATA gives logistf's penalized likelihood-ratio tests);
* with sampling weights the report said the Hosmer-Lemeshow test counts
  each row by its weight, then that the test was not computed.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

pytest.importorskip("matplotlib")


def _data(tmp_path, n=200, seed=0):
    rng = np.random.default_rng(seed)
    level = rng.integers(0, 4, n)  # 4 distinct fitted probabilities
    y = (rng.random(n) < 0.2 + 0.15 * level).astype(int)
    path = tmp_path / "d.csv"
    pd.DataFrame({"y": y, "level": level, "w": rng.uniform(0.5, 2.0, n)}).to_csv(
        path, index=False
    )
    return path


def _report(tmp_path, capsys, fit_args, path):
    model, page = tmp_path / "m.json", tmp_path / "r.html"
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", *fit_args, "-o", model, "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", model, path, "-o", page])
    assert code == 0, err
    return html.unescape(page.read_text())


def test_merged_hosmer_lemeshow_groups_cite_the_groups_asked(tmp_path, capsys):
    text = _report(tmp_path, capsys, ["--drop", "w"], _data(tmp_path))
    assert (
        "10 groups by quantiles of the fitted probability (Stata's estat gof, "
        "group(10); tied fitted probabilities left 4 of them)."
    ) in text


def test_firth_report_says_its_columns_are_wald(tmp_path, capsys):
    text = _report(tmp_path, capsys, ["--drop", "w", "--penalty", "firth"], _data(tmp_path))
    summary = text.split("<h2>Summary</h2>")[1].split("<table")[0]
    assert "Firth fit: std_error, z, p_value and the intervals are Wald" in summary


def test_sampling_weights_line_does_not_name_the_skipped_test(tmp_path, capsys):
    args = ["--weights", "w", "--weights-kind", "sampling"]
    text = _report(tmp_path, capsys, args, _data(tmp_path))
    line = text.split('<p id="weights">')[1].split("</p>")[0]
    assert "Hosmer" not in line and "calibration" in line


def test_separated_fit_influence_table_carries_the_caveat(tmp_path, capsys):
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    path = tmp_path / "sep.csv"
    pd.DataFrame({"y": (x > 0).astype(int), "x": x, "x2": rng.normal(size=60)}).to_csv(
        path, index=False
    )
    text = _report(tmp_path, capsys, [], path)
    section = text.split("<h2>Influential rows</h2>")[1]
    assert section.startswith("<p>The fit is separated (no finite MLE)")
    assert '<table id="influence">' in section


def test_fewer_rows_than_groups_are_not_called_ties(tmp_path, capsys):
    """Five held-out rows of distinct fitted probabilities (the UCLA model on
    the file's first five rows) make five groups of one row: the report said
    "tied fitted probabilities left 5 of them", of probabilities that are
    all different. Reference: the five rows' probabilities, counted with numpy."""
    from conftest import data_path, fit_ucla_model

    model = fit_ucla_model(tmp_path)
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv")).head(5)
    frame.to_csv(tmp_path / "five.csv", index=False)
    predictions = tmp_path / "p.csv"
    code, _, err = run_cli(capsys, ["predict", model, tmp_path / "five.csv", "-o", predictions, "-q"])
    assert code == 0, err
    assert len(set(pd.read_csv(predictions)["proba"])) == 5
    code, _, err = run_cli(
        capsys, ["report", model, tmp_path / "five.csv", "-o", tmp_path / "r.html", "-q"]
    )
    assert code == 0, err
    text = html.unescape((tmp_path / "r.html").read_text())
    assert "group(10); the 5 rows, fewer than the groups, left 5 of them)" in text
    assert "tied fitted probabilities" not in text
