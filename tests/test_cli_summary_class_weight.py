"""``logistic summary`` of a model fitted with ``--class-weight`` says so.

A fraud analyst's trial: ``logistic fit fraud.csv --target status --positive
fraud --class-weight fraud=50`` (1 % positives) wrote a model whose file
records the class weights, and whose statistics count each fraud row 50
times (35112 observations of 23597 rows in that trial). ``logistic summary
model.json`` printed ``observations 35112`` and the class-weighted
log-likelihood, and below the table the fit's stored warning that class
weights were used, but never the weights themselves (only ``--json``'s
``params`` held them, keyed by class code): a reader of the file could not
tell which class weighed what. It now prints them by label, above the
statistics they change. Reference: statsmodels ``GLM(Binomial(),
freq_weights=...)`` with the class weights as frequency weights gives the
log-likelihood the line beside it prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import run_cli


@pytest.fixture
def fraud_csv(workdir):
    rng = np.random.default_rng(7)
    n = 3000
    x = rng.normal(size=(n, 2))
    fraud = rng.random(n) < 1 / (1 + np.exp(-(-4.5 + 1.2 * x[:, 0])))
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1]})
    frame["status"] = np.where(fraud, "fraud", "ok")
    frame.to_csv(workdir / "fraud.csv", index=False)
    return frame


def test_summary_names_the_class_weights_by_label(fraud_csv, capsys):
    args = ["fit", "fraud.csv", "--target", "status", "--positive", "fraud", "-q"]
    assert run_cli(capsys, [*args, "-o", "plain.json"])[0] == 0
    assert run_cli(capsys, [*args, "--class-weight", "fraud=50,ok=1", "-o", "cw.json"])[0] == 0
    assert run_cli(capsys, [*args, "--class-weight", "balanced", "-o", "bal.json"])[0] == 0

    code, out, _ = run_cli(capsys, ["summary", "cw.json"])
    assert code == 0
    fraud = (fraud_csv.status == "fraud").to_numpy()
    line = next(ln for ln in out.splitlines() if ln.startswith("class weights:"))
    assert line.startswith("class weights: 'fraud' 50, 'ok' 1; ")
    assert "count the combined weights as frequency weights" in line
    # the observations the statistics count: 50 per fraud row, 1 per other row
    stats = next(ln for ln in out.splitlines() if ln.startswith("observations "))
    assert stats.startswith(f"observations {int(50 * fraud.sum() + (~fraud).sum())},")
    w = np.where(fraud, 50.0, 1.0)
    glm = sm.GLM(
        fraud.astype(float),
        sm.add_constant(fraud_csv[["a", "b"]].to_numpy()),
        family=sm.families.Binomial(),
        freq_weights=w,
    ).fit(tol=1e-12)
    assert f"log-likelihood {glm.llf:.4f}," in stats

    code, out, _ = run_cli(capsys, ["summary", "bal.json"])
    assert code == 0
    assert "class weights: balanced (" in out
    code, out, _ = run_cli(capsys, ["summary", "plain.json"])
    assert code == 0
    assert "class weights" not in out
