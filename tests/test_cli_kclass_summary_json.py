"""``logistic summary --json`` of a K-class model file saved from Python: the
``training.statistics`` block (``nobs`` typed with ``nobs_counts``,
log-likelihoods, AIC/BIC, pseudo R²) that ``logistic fit`` writes and a
two-class file saved from Python gets, derived from the file's
``training.fit_statistics``.

References, computed here: statsmodels ``MNLogit`` (Newton to 1e-12) on its
bundled ``anes96`` data (party identification collapsed to three classes:
Democrat 0-1, Independent 2-4, Republican 5-6; 944 rows, read offline).
Frequency weights are row replication (Stata's ``fweight``): the weighted
fit's statistics are ``MNLogit``'s on the rows repeated ``w_i`` times, and
``nobs`` is the ``wnobs`` of statsmodels' ``GLM(..., freq_weights=w)``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import run_cli
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}
#: What ``logistic fit`` writes for a K-class fit (``training.statistics``).
KEYS = {"nobs", "df_model", "df_resid", "llf", "llnull", "aic", "bic",
        "pseudo_rsquared"}  # fmt: skip


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas()
    X = data.exog[["selfLR", "educ"]].astype(float).reset_index(drop=True)
    party = np.asarray(data.endog, dtype=float)
    y = np.digitize(party, [2.0, 5.0])  # 0-1, 2-4, 5-6
    return X, y


def _mnlogit(X, y, repeat=None):
    """statsmodels' statistics, keyed as ``training.statistics``; ``repeat``:
    frequency weights, as rows repeated."""
    exog = sm.add_constant(np.asarray(X), prepend=False)
    if repeat is not None:
        exog, y = np.repeat(exog, repeat, axis=0), np.repeat(y, repeat)
    res = sm.MNLogit(y, exog).fit(**FIT)
    return {
        "nobs": res.nobs,
        "df_model": res.df_model,
        "df_resid": res.df_resid,
        "llf": res.llf,
        "llnull": res.llnull,
        "aic": res.aic,
        "bic": res.bic,
        "pseudo_rsquared": res.prsquared,
    }


def _statistics(capsys, path):
    code, out, err = run_cli(capsys, ["summary", path, "--json"])
    assert code == 0, err
    return json.loads(out)["training"]["statistics"]


def _check(stats, expected):
    assert set(stats) == KEYS | {"nobs_counts"}
    for key, value in expected.items():
        np.testing.assert_allclose(stats[key], value, rtol=1e-6, err_msg=key)


def test_unweighted_kclass_file_reports_mnlogit_statistics(workdir, capsys, anes):
    X, y = anes
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    logistic.save(model, workdir / "k.json")
    stats = _statistics(capsys, "k.json")
    _check(stats, _mnlogit(X, y))
    # rows: an integer, as cli/_nobs types a count of rows
    assert stats["nobs_counts"] == "rows"
    assert stats["nobs"] == 944 and isinstance(stats["nobs"], int)
    # the same keys and counting as `logistic fit` on the same rows
    pd.concat([X, pd.Series(y, name="party")], axis=1).to_csv("d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "--target", "party", "-o",
                                    "cli.json", "--penalty", "none", "-q"])  # fmt: skip
    assert code == 0, err
    fitted = _statistics(capsys, "cli.json")
    assert set(fitted) == set(stats)
    assert fitted["nobs"] == stats["nobs"] and fitted["nobs_counts"] == "rows"
    # and the text summary prints the statistics line the fitted file prints
    code, out, err = run_cli(capsys, ["summary", "k.json"])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("observations "))
    assert line.startswith(f"observations 944, df model 4, df residuals {944 - 6}, "
                           f"log-likelihood {stats['llf']:.4f}")  # fmt: skip


def test_frequency_weighted_kclass_file_counts_the_weight_sum(workdir, capsys, anes):
    X, y = anes
    w = np.random.default_rng(0).integers(1, 4, len(y)).astype(float)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, sample_weight=w)
    logistic.save(model, workdir / "kw.json")
    stats = _statistics(capsys, "kw.json")
    _check(stats, _mnlogit(X, y, repeat=w.astype(int)))
    wnobs = sm.GLM(y == 2, sm.add_constant(np.asarray(X)),
                   family=sm.families.Binomial(), freq_weights=w).wnobs  # fmt: skip
    assert stats["nobs_counts"] == "sum of weights"
    assert isinstance(stats["nobs"], float) and stats["nobs"] == wnobs


def test_fractional_weights_summing_to_the_rows_are_a_weight_sum(workdir, capsys, anes):
    """Σw equal to the row count: the file's count of fractional weights says
    the fit was weighted (nobs a float sum, not the rows)."""
    X, y = anes
    w = np.tile([0.5, 1.5], len(y) // 2)
    assert w.sum() == len(y)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, sample_weight=w)
    logistic.save(model, workdir / "kf.json")
    stats = _statistics(capsys, "kf.json")
    wnobs = sm.GLM(y == 2, sm.add_constant(np.asarray(X)),
                   family=sm.families.Binomial(), freq_weights=w).wnobs  # fmt: skip
    assert stats["nobs_counts"] == "sum of weights"
    assert isinstance(stats["nobs"], float) and stats["nobs"] == wnobs
    k = 2 * 3  # two equations of intercept and two slopes
    assert stats["df_resid"] == pytest.approx(wnobs - k)
    assert stats["bic"] == pytest.approx(-2 * stats["llf"] + k * math.log(wnobs))


def test_penalized_kclass_file_keeps_no_statistics(workdir, capsys, anes):
    X, y = anes
    logistic.save(LogisticRegression(penalty="l2").fit(X, y), workdir / "l2.json")
    code, out, err = run_cli(capsys, ["summary", "l2.json", "--json"])
    assert code == 0, err
    assert "statistics" not in json.loads(out)["training"]
