"""Summary rendering: text, HTML and Markdown carry the same numbers.

Reference numbers are the UCLA OARC R ``glm`` output (tests/data/ucla-admissions).
"""

from __future__ import annotations

import warnings
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import LogisticRegression
from logistic.inference import Summary
from logistic.inference._coef_table import significance_stars


@pytest.fixture(scope="module")
def ucla():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = pd.DataFrame({"gre": d.gre * 1.0, "gpa": d.gpa * 1.0})
    for k in (2, 3, 4):
        X[f"rank{k}"] = (d["rank"] == k) * 1.0
    model = LogisticRegression().fit(X, d.admit)
    return model, X, d.admit


def test_significance_codes_follow_r():
    cases = [(0.0009, "***"), (0.001, "**"), (0.009, "**"), (0.01, "*"), (0.049, "*")]
    cases += [(0.05, "."), (0.099, "."), (0.1, ""), (0.7, ""), (float("nan"), "")]
    for p, mark in cases:
        assert significance_stars(p) == mark, p


def test_text_table_matches_r_output(ucla):
    model, X, y = ucla
    summary = model.summary(X, y)
    assert isinstance(summary, Summary)
    text = summary.as_text()
    assert str(summary) == text == repr(summary)
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line}
    # R: (Intercept) -3.989979 1.139951 -3.500 0.000465 ***
    assert rows["Intercept"][1:5] == ["-3.990", "1.140", "-3.500", "0.000465"]
    assert rows["Intercept"][-1] == "***"
    # R: gre 0.002264 0.001094 2.070 0.038465 *
    assert rows["gre"][1:4] == ["0.002264", "0.001094", "2.070"]
    assert rows["gre"][-1] == "*"
    # R: rank3 -1.340204 0.345306 -3.881 0.000104 ***
    assert rows["rank3"][3:5] == ["-3.881", "0.000104"] and rows["rank3"][-1] == "***"
    assert "Deviance:" in text and "458.52" in text and "499.98" in text
    assert "AIC:" in text and "470.52" in text
    assert "Converged:" in text and "True" in text and "newton" in text
    assert "No. observations:" in text and " 400" in text
    assert "[0.025" in text and "0.975]" in text
    assert text.splitlines()[-1].startswith("Signif. codes:")


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag in ("td", "th")
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


def test_html_and_markdown_carry_the_same_numbers(ucla):
    model, X, y = ucla
    summary = model.inference(X, y).summary(alpha=0.1)
    html = summary.as_html()
    assert summary._repr_html_() == html
    parser = _Cells()
    parser.feed(html)
    i = parser.cells.index("rank4")
    assert parser.cells[i + 1 : i + 5] == ["-1.551", "0.4178", "-3.713", "0.000205"]
    assert "[0.05" in parser.cells and "0.95]" in parser.cells
    md = summary.as_markdown().splitlines()
    row = next(line for line in md if line.startswith("| rank4 |"))
    assert [c.strip() for c in row.strip("|").split("|")][:5] == [
        "rank4", "-1.551", "0.4178", "-3.713", "0.000205",
    ]  # fmt: skip
    header = next(line for line in md if line.startswith("| term |"))
    assert "P>\\|z\\|" in header  # pipes escaped inside a Markdown cell
    # statistics: header + 16 rows (LR chi2 among them); coefficients: header + 6
    assert sum(line.startswith("| ") for line in md) == 1 + 16 + 1 + 6


def test_html_escapes_names_and_notes_separation():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(30)
    X = pd.DataFrame({"a<b>": x, "c&d": rng.standard_normal(30)})
    y = (x > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = LogisticRegression(max_iter=30).fit(X, y).summary(X, y)
    html = summary.as_html()
    assert "a&lt;b&gt;" in html and "c&amp;d" in html and "<b>Note:</b>" in html
    assert "Separation" in summary.as_text() and "penalty='firth'" in summary.as_text()
    assert "**Note:**" in summary.as_markdown()


def test_firth_summary_title_and_penalized_loglik():
    X = pd.DataFrame({"x": [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0]})
    y = np.array([0, 0, 0, 1, 1, 1])
    res = LogisticRegression(penalty="firth").fit(X, y).inference(X, y)
    text = res.summary().as_text()
    assert "Firth" in text.splitlines()[0]
    assert f"{res.llf_penalized:.4f}" in text and "Penalized LL:" in text
    assert "Separation" not in text


def test_to_dataframe(ucla):
    model, X, y = ucla
    res = model.inference(X, y)
    frame = res.to_dataframe(alpha=0.1)
    assert list(frame.index) == res.term_names
    expected = ["coef", "std err", "z", "P>|z|", "[0.05", "0.95]"]
    assert list(frame.columns) == expected
    np.testing.assert_array_equal(frame["std err"].to_numpy(), res.bse)
    bounds = frame[["[0.05", "0.95]"]].to_numpy()
    np.testing.assert_array_equal(bounds, res.conf_int(0.1))
