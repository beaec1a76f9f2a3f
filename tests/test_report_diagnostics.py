"""The report's model checks (logistic.report._diagnostics): the Hosmer–Lemeshow
section and the calibration plot's annotation, the table of influential rows.

References computed in the tests: the Hosmer–Lemeshow statistic by the plain
loop of tests/test_goodness.py (Stata's grouping), Cook's distance, leverage and
Pearson residuals by statsmodels' ``GLM(..., Binomial()).fit().get_influence()``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import chi2

from conftest import data_path, fit_ucla_model
from logistic.cli.app import main
from test_goodness import _hl_from_groups, _stata_labels
from test_inference import ucla

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def report_text(tmp_path_factory):
    d = tmp_path_factory.mktemp("diag")
    data = data_path("ucla-admissions", "binary.csv")
    fit_ucla_model(d)
    assert main(["report", str(d / "m.json"), str(data), "-o", str(d / "r.html")]) == 0
    return (d / "r.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def glm():
    X, y = ucla()
    return sm.GLM(np.asarray(y, float), sm.add_constant(X), sm.families.Binomial()).fit(
        tol=1e-14
    )


def test_hosmer_lemeshow_section_equals_an_independent_computation(report_text, glm):
    p = glm.fittedvalues.to_numpy()
    y = glm.model.endog
    stat, groups = _hl_from_groups(y, p, _stata_labels(p, 10))
    m = re.search(r"chi2 = ([0-9.]+) on (\d+) degrees of freedom .*?p = ([0-9.e-]+);",
                  report_text)  # fmt: skip
    assert m, "no Hosmer-Lemeshow sentence"
    assert float(m.group(1)) == pytest.approx(stat, abs=5e-5)
    assert int(m.group(2)) == groups - 2 == 8
    assert float(m.group(3)) == pytest.approx(chi2.sf(stat, 8), rel=1e-3)
    assert '<table id="hosmer-lemeshow">' in report_text
    # the training rows (checked by the influence table): df = groups - 2 only
    assert "These are the rows the model was fitted on." in report_text


def test_influence_table_equals_statsmodels(report_text, glm):
    infl = glm.get_influence().summary_frame()
    top = infl.sort_values("cooks_d", ascending=False).head(10)
    table = report_text.split('<table id="influence">')[1].split("</table>")[0]
    cells = [re.findall(r"<td>([^<]*)</td>", r) for r in table.split("<tr>")[2:]]
    assert len(cells) == 10
    got = pd.DataFrame(cells, columns=["row", "cooks", "hat", "pearson"]).astype(float)
    np.testing.assert_array_equal(got["row"], top.index.to_numpy())
    np.testing.assert_allclose(got["cooks"], top["cooks_d"], rtol=1e-5)
    np.testing.assert_allclose(got["hat"], top["hat_diag"], rtol=1e-5)
    resid = glm.resid_pearson.to_numpy()[top.index.to_numpy()]
    np.testing.assert_allclose(got["pearson"], resid, rtol=1e-5)


def test_rows_that_are_not_the_training_rows_get_a_reason(tmp_path):
    data = data_path("ucla-admissions", "binary.csv")
    fit_ucla_model(tmp_path)
    part = tmp_path / "part.csv"
    pd.read_csv(data).iloc[:250].to_csv(part, index=False)
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "m.json"), str(part), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert f"not shown: {part} is not the data {tmp_path / 'm.json'} was fitted on" in text
    assert '<table id="influence">' not in text
    assert '<table id="hosmer-lemeshow">' in text  # the test still runs on new rows


def test_penalized_model_gets_a_reason(tmp_path):
    data = data_path("ucla-admissions", "binary.csv")
    m, r = tmp_path / "m.json", tmp_path / "r.html"
    argv = ["fit", str(data), "-t", "admit", "--penalty", "l2", "--alpha", "0.1"]
    assert main([*argv, "-o", str(m)]) == 0
    assert main(["report", str(m), str(data), "-o", str(r)]) == 0
    assert "not shown: the model is penalized" in r.read_text(encoding="utf-8")


def test_row_numbers_are_rows_of_the_input_file(tmp_path):
    # a row with a missing value is left out of the fit: numbers skip it
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    frame.loc[5, "gre"] = np.nan
    path = tmp_path / "na.csv"
    frame.to_csv(path, index=False)
    m, r = tmp_path / "m.json", tmp_path / "r.html"
    argv = ["fit", str(path), "--formula", "admit ~ gre + gpa + C(rank)", "-o", str(m)]
    argv += ["--missing", "drop"]
    assert main(argv) == 0
    assert main(["report", str(m), str(path), "-o", str(r), "--missing", "drop"]) == 0
    text = r.read_text(encoding="utf-8")
    table = text.split('<table id="influence">')[1].split("</table>")[0]
    rows = [int(r) for r in re.findall(r"<tr><td>(\d+)</td>", table)]
    kept = frame.drop(index=5)
    X = pd.get_dummies(kept["rank"].astype(str), prefix="r", drop_first=True) * 1.0
    X = sm.add_constant(pd.concat([kept[["gre", "gpa"]], X], axis=1).astype(float))
    ref = sm.GLM(kept.admit.astype(float), X, sm.families.Binomial()).fit()
    top = ref.get_influence().summary_frame()["cooks_d"].sort_values(ascending=False)
    assert rows == top.index[:10].tolist()  # kept's index: the file's data rows
