"""``logistic report`` of a K-class model file saved from Python prints the
"fit on training data" line that a file from ``logistic fit`` prints,
derived from the file's ``training.fit_statistics`` as ``summary`` derives it.

Reference, computed here: statsmodels ``MNLogit`` (Newton to 1e-12) on its
bundled ``anes96`` data (party identification collapsed to three classes:
Democrat 0-1, Independent 2-4, Republican 5-6; 944 rows, read offline).
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import run_cli
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")
pytest.importorskip("matplotlib")


def _fit_line(capsys, model_path: str) -> str:
    code, _, err = run_cli(capsys, ["report", model_path, "d.csv", "--target",
                                    "party", "-o", "r.html", "--force"])  # fmt: skip
    assert code == 0, err
    text = html.unescape(open("r.html", encoding="utf-8").read())
    assert text.count("fit on training data") == 1
    found = re.search(r"fit on training data\W+(?:b>\W+)?(observations [^<]*)", text)
    assert found, "no statistics after the label"
    return found.group(1)


def test_report_of_a_python_saved_kclass_file_has_the_fit_line(workdir, capsys):
    data = sm.datasets.anes96.load_pandas()
    X = data.exog[["selfLR", "educ"]].astype(float).reset_index(drop=True)
    y = np.digitize(np.asarray(data.endog, dtype=float), [2.0, 5.0])
    pd.concat([X, pd.Series(y, name="party")], axis=1).to_csv("d.csv", index=False)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    logistic.save(model, workdir / "k.json")
    line = _fit_line(capsys, "k.json")

    exog = sm.add_constant(np.asarray(X), prepend=False)
    res = sm.MNLogit(y, exog).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    assert line.startswith(
        f"observations {int(res.nobs)}, df model {res.df_model:.0f}, "
        f"df residuals {int(res.df_resid)}, log-likelihood {res.llf:.4f}, "
        f"null log-likelihood {res.llnull:.4f}"
    ), line
    assert f"AIC {res.aic:.3f}" in line and f"BIC {res.bic:.3f}" in line
    assert f"pseudo R-squared (McFadden) {res.prsquared:.4f}" in line
    # the line `logistic summary` prints for the same file
    code, out, err = run_cli(capsys, ["summary", "k.json"])
    assert code == 0, err
    assert line.strip() in out.splitlines()
