"""``logistic summary`` of a model file saved from Python: the fit statistics
line (observations, log-likelihoods, deviances, AIC/BIC, pseudo R²), which
such a file keeps as ``training.fit_statistics`` rather than the
``training.statistics`` that ``logistic fit`` writes.

References: statsmodels ``GLM(Binomial(), freq_weights=w)`` (and
``offset=``), computed here; BIC is ``-2 llf + k log(Σw)``, the library's
(statsmodels' ``bic_llf`` with its ``nobs`` the total frequency weight).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from conftest import data_path, run_cli
from logistic import LogisticRegression


def _ucla():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    return d[["gre", "gpa"]], d["admit"].to_numpy()


def _reference(X, y, w=None, offset=None):
    """statsmodels' fit statistics, keyed as ``training.statistics``."""
    w = np.ones(len(y)) if w is None else w
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(),
                 freq_weights=w, offset=offset).fit(tol=1e-12)  # fmt: skip
    k = len(glm.params)
    return {
        "nobs": w.sum(),
        "df_model": k - 1,
        "df_resid": w.sum() - k,
        "llf": glm.llf,
        "llnull": glm.llnull,
        "deviance": glm.deviance,
        "null_deviance": glm.null_deviance,
        "aic": -2 * glm.llf + 2 * k,
        "bic": -2 * glm.llf + k * math.log(w.sum()),
        "pseudo_rsquared": 1 - glm.llf / glm.llnull,
    }


@pytest.mark.parametrize("case", ["weights", "offset"])
def test_summary_of_a_python_file_prints_its_statistics(workdir, capsys, case):
    X, y = _ucla()
    rng = np.random.default_rng(0)
    w = rng.integers(1, 3, len(y)).astype(float) if case == "weights" else None
    offset = rng.normal(0.0, 0.3, len(y)) if case == "offset" else None
    model = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=w, offset=offset)
    logistic.save(model, workdir / "py.json")
    expected = _reference(X, y, w, offset)

    code, out, err = run_cli(capsys, ["summary", "py.json"])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("observations "))
    assert line == (
        f"observations {expected['nobs']:.0f}, df model 2, df residuals "
        f"{expected['df_resid']:.0f}, log-likelihood {expected['llf']:.4f}, null "
        f"log-likelihood {expected['llnull']:.4f}, deviance {expected['deviance']:.3f}, "
        f"null deviance {expected['null_deviance']:.3f}, AIC {expected['aic']:.3f}, "
        f"BIC {expected['bic']:.3f}, pseudo R-squared (McFadden) "
        f"{expected['pseudo_rsquared']:.4f}"
    )

    code, out, err = run_cli(capsys, ["summary", "py.json", "--json"])
    assert code == 0, err
    stats = json.loads(out)["training"]["statistics"]
    # what nobs counts (logistic.cli._nobs): statsmodels' GLM wnobs with weights
    counts = "sum of weights" if case == "weights" else "rows"
    assert stats.pop("nobs_counts") == counts
    assert set(stats) == set(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(stats[key], value, rtol=1e-6, err_msg=key)
    # the numbers load(...).summary() prints from the same file
    text = str(logistic.load(workdir / "py.json").summary())
    assert f"Log-likelihood: {stats['llf']:.4f}" in text
    assert f"LL-null:        {stats['llnull']:.4f}" in text


def test_a_penalized_python_file_keeps_no_statistics_line(workdir, capsys):
    X, y = _ucla()
    logistic.save(LogisticRegression(penalty="l2").fit(X, y), workdir / "l2.json")
    code, out, err = run_cli(capsys, ["summary", "l2.json"])
    assert code == 0, err
    assert not any(x.startswith("observations ") for x in out.splitlines())
    code, out, err = run_cli(capsys, ["summary", "l2.json", "--json"])
    assert code == 0 and "statistics" not in json.loads(out)["training"]
