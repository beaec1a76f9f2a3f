"""``logistic summary MODEL DATA --cov-type ...`` of a model of more than two
classes: the per-equation table on the training rows at the asked covariance
(text and ``--json``'s ``inference`` block). It was refused (exit 2, "summary
with DATA is for two-class models") although Python's
``model.inference(X, y, cov_type=...)`` gives it.

Reference: statsmodels ``MNLogit(...).fit(cov_type="HC0")`` on the UCLA
admissions data (rank as a 4-class target of admit, gre, gpa).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture(scope="module")
def reference():
    d = pd.read_csv(UCLA)
    X = sm.add_constant(d[["admit", "gre", "gpa"]])
    return sm.MNLogit(d["rank"], X).fit(disp=0, tol=1e-12, maxiter=500, cov_type="HC0")


def _fit(capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "rank", "-o", "m.json", "-q"])
    assert code == 0, err


def test_json_block_matches_statsmodels_hc0(workdir, capsys, reference):
    _fit(capsys)
    argv = ["summary", "m.json", UCLA, "--cov-type", "HC0", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    block = json.loads(out)["inference"]
    assert (block["cov_type"], block["method"]) == ("HC0", "MLE")
    rows = block["coefficients"]
    assert [r["class"] for r in rows[::4]] == ["2", "3", "4"]
    assert [r["term"] for r in rows[:4]] == ["Intercept", "admit", "gre", "gpa"]
    # statsmodels: params (const, admit, gre, gpa) x (2, 3, 4)
    ours = np.array([[r["estimate"] for r in rows[4 * e : 4 * e + 4]] for e in range(3)])
    se = np.array([[r["std_error"] for r in rows[4 * e : 4 * e + 4]] for e in range(3)])
    np.testing.assert_allclose(ours, np.asarray(reference.params).T, rtol=1e-6)
    np.testing.assert_allclose(se, np.asarray(reference.bse).T, rtol=1e-5)
    assert block["statistics"]["df_resid"] == reference.df_resid
    assert block["statistics"]["llr"] == pytest.approx(reference.llr, rel=1e-7)


def test_text_table_names_the_covariance_and_the_levels(workdir, capsys, reference):
    _fit(capsys)
    code, out, err = run_cli(capsys, ["summary", "m.json", UCLA, "--cov-type", "HC0"])
    assert code == 0, err
    assert "Covariance type                   HC0" in out
    assert "rank: 2 vs 1" in out and "rank: 4 vs 1" in out
    se = float(reference.bse.iloc[1, 0])  # admit, equation 2
    assert f"{se:.4g}" in out
