"""The report's Hosmer-Lemeshow table says what its columns are.

The table's ``prob`` column was not explained: it is the largest fitted
probability of the group, not the group's mean or its quantile cut point
(Stata's ``_pctile`` averages two neighbours where the
cumulative count falls on k/g exactly: on UCLA admissions' 400 rows the
first cut, 40 rows, is (p_(40) + p_(41)) / 2 = 0.136069, while the table
gives p_(40) = 0.136035). Reference: the fitted probabilities sorted with
numpy, from statsmodels' GLM of the same model.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, fit_ucla_model, run_cli

pytest.importorskip("matplotlib")


def test_prob_is_the_groups_largest_fitted_probability_and_is_said_so(workdir, capsys):
    import statsmodels.formula.api as smf

    model = fit_ucla_model(workdir)
    data = data_path("ucla-admissions", "binary.csv")
    code, _, err = run_cli(capsys, ["report", model, data, "-o", "r.html", "-q"])
    assert code == 0, err
    page = html.unescape((workdir / "r.html").read_text())
    said = re.search(r'<p id="hosmer-lemeshow-columns">([^<]*)', page).group(1)
    assert "prob, the largest fitted probability in the group" in said
    frame = pd.read_csv(data)
    p = np.sort(smf.logit("admit ~ gre + gpa + C(rank)", frame).fit(disp=0).predict())
    table = page.split('id="hosmer-lemeshow"')[1].split("</table>")[0]
    probs = [float(v) for v in re.findall(r"<tr><td>\d+</td><td>([^<]*)</td>", table)]
    assert probs == pytest.approx(p[39::40], abs=1e-6)  # 10 groups of 40 rows
    assert abs(probs[0] - (p[39] + p[40]) / 2) > 1e-5  # not the averaged cut point
