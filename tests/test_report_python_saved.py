"""``logistic report`` of a model file saved from Python (``logistic.save``
after ``fit(X, y, sample_weight=w)``) shows the fit statistics and the
intervals that it shows for a file written by ``logistic fit``.

Such a file keeps ``training.fit_statistics`` rather than the
``training.statistics`` that ``logistic fit`` writes; the report's ``fit on
training data`` line (deviances, AIC/BIC, pseudo R²) is the same for both.

Reference: statsmodels ``GLM(Binomial(), freq_weights=w)`` on UCLA admissions
(``admit ~ gre + gpa``), computed here; BIC is ``-2 llf + k log(Σw)``, the
library's (statsmodels' ``bic_llf`` with ``nobs`` the total weight).
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from conftest import data_path, run_cli
from logistic import LogisticRegression

pytest.importorskip("matplotlib")

#: What ``logistic fit d.csv --target admit --features gre,gpa --weights w``
#: writes as ``encoding``: with it the report can read DATA's target column.
ENCODING = {
    "target": "admit",
    "label": {"column": "admit", "negative": 0, "positive": 1},
    "weights": "w",
    "offset": None,
    "kind": "columns",
    "columns": [{"name": "gre", "kind": "numeric"}, {"name": "gpa", "kind": "numeric"}],
    "feature_names": ["gre", "gpa"],
}


@pytest.fixture
def ucla(workdir):
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    d["w"] = np.random.default_rng(0).integers(1, 3, len(d)).astype(float)
    d[["gre", "gpa", "admit", "w"]].to_csv(workdir / "d.csv", index=False)
    return d


def _reference(d):
    """statsmodels' statistics line and its (estimate, low, high) per term."""
    w = d["w"].to_numpy()
    glm = sm.GLM(d["admit"], sm.add_constant(d[["gre", "gpa"]]),
                 family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)  # fmt: skip
    k, n = len(glm.params), w.sum()
    values = {
        "deviance": glm.deviance,
        "null_deviance": glm.null_deviance,
        "aic": -2 * glm.llf + 2 * k,
        "bic": -2 * glm.llf + k * math.log(n),
        "pseudo_rsquared": 1 - glm.llf / glm.llnull,
    }
    line = ", ".join(f"{key} {v:.6g}" for key, v in values.items())
    ci = np.asarray(glm.conf_int(0.05))
    rows = {
        term: (glm.params.iloc[i], ci[i, 0], ci[i, 1])
        for i, term in enumerate(["Intercept", "gre", "gpa"])
    }
    return line, rows


def _report(capsys, model):
    code, _, err = run_cli(
        capsys, ["report", model, "d.csv", "-o", "r.html", "--force"]
    )
    assert code == 0, err
    with open("r.html", encoding="utf-8") as fh:
        return fh.read()


def _fit_line(text):
    found = re.findall(r"<li><b>fit on training data</b>: ([^<]*)</li>", text)
    return html.unescape(found[0]) if found else None


def _summary_rows(text):
    table = re.search(r'<table id="summary">(.*?)</table>', text).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    head = re.findall(r"<th>(.*?)</th>", rows[0])
    out = {}
    for row in rows[1:]:
        cells = dict(zip(head, re.findall(r"<td>(.*?)</td>", row), strict=True))
        out[html.unescape(cells["term"])] = tuple(
            float(cells[k]) for k in ("estimate", "ci_low", "ci_high")
        )
    return out


def test_report_of_a_python_saved_file_shows_statistics_and_intervals(ucla, capsys):
    line, rows = _reference(ucla)
    model = LogisticRegression(tol=1e-10).fit(
        ucla[["gre", "gpa"]],
        ucla["admit"].to_numpy(),
        sample_weight=ucla["w"].to_numpy(),
    )
    logistic.save(model, "py.json", encoding=ENCODING)
    text = _report(capsys, "py.json")
    assert _fit_line(text) == line
    got = _summary_rows(text)
    for term, values in rows.items():  # written with 6 significant digits
        np.testing.assert_allclose(got[term], values, rtol=2e-5, err_msg=term)


def test_report_of_a_cli_file_shows_the_same_statistics_line(ucla, capsys):
    line, rows = _reference(ucla)
    args = ["fit", "d.csv", "--target", "admit", "--features", "gre,gpa",
            "--weights", "w", "-o", "cli.json"]  # fmt: skip
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    text = _report(capsys, "cli.json")
    assert _fit_line(text) == line
    got = _summary_rows(text)
    for term, values in rows.items():
        np.testing.assert_allclose(got[term], values, rtol=2e-5, err_msg=term)


def test_report_of_a_penalized_python_file_has_no_statistics_line(ucla, capsys):
    # a penalized fit keeps no fit statistics (nor covariance): no line, as summary
    model = LogisticRegression(penalty="l2").fit(
        ucla[["gre", "gpa"]],
        ucla["admit"].to_numpy(),
        sample_weight=ucla["w"].to_numpy(),
    )
    logistic.save(model, "l2.json", encoding=ENCODING)
    assert _fit_line(_report(capsys, "l2.json")) is None
