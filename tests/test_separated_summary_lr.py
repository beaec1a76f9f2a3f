"""Summaries of separated maximum-likelihood fits show the likelihood-ratio
statistics (LR chi2, its p-value, pseudo R²) evaluated where the fit stopped.

Under (quasi-)separation the MLE does not exist, but the log-likelihood rises
to a finite supremum while the separating coefficients diverge, so the LR
statistics have finite limits and stay usable (Heinze & Schemper 2002,
Stat. Med. 21:2409); the Wald tests of the diverging coefficients do not.

References, from outside the code under test:

* Endometrial data (Heinze & Schemper 2002; NV quasi-separates: every NV = 1
  row has HG = 1). R ``glm(HG ~ NV + PI + EH, family = binomial)`` prints
  "Null deviance: 104.90 on 78 degrees of freedom, Residual deviance: 55.39
  on 75 degrees of freedom". The supremum of the log-likelihood is that of
  the NV = 1 rows (log 1 = 0 in the limit) plus statsmodels ``Logit(HG ~ PI
  + EH)`` on the NV = 0 rows; LL-null is ``n1 log(n1/n) + n0 log(n0/n)``.
* Iris, three classes (setosa separated from the others): the supremum is
  statsmodels ``Logit(virginica vs versicolor)`` on the 100 non-setosa rows;
  LL-null is ``150 log(1/3)``.
* Complete separation of x = 1..4, y = 0,0,1,1: supremum 0, so LR chi2 =
  -2 LL-null = 8 log 2 on 1 df.
"""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest
from scipy.stats import chi2

from conftest import data_path, run_cli
from logistic import ConvergenceWarning, LogisticRegression, PerfectSeparationWarning
from test_firth import endometrial

IRIS = data_path("iris", "iris.csv")

#: R's glm on the endometrial data (see module docstring).
R_NULL_DEVIANCE, R_RESIDUAL_DEVIANCE = 104.90, 55.39


def _separated_fit(X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = LogisticRegression(**kw).fit(X, y)
        summary = model.summary()
    return model, summary


def _llnull(y):
    n1 = float(np.sum(y))
    n0 = len(y) - n1
    return n1 * np.log(n1 / len(y)) + n0 * np.log(n0 / len(y))


def _endometrial_supremum(X, y):
    sm = pytest.importorskip("statsmodels.api")
    rest = X["NV"].to_numpy() == 0
    assert np.all(y[~rest] == 1)  # NV = 1 rows: all events (the separation)
    design = sm.add_constant(X.loc[rest, ["PI", "EH"]].to_numpy())
    return float(sm.Logit(y[rest], design).fit(disp=0, tol=1e-12).llf)


def test_endometrial_header_shows_lr_statistics_as_r_glm():
    X, y = endometrial()
    model, summary = _separated_fit(X, y)
    assert model.separation_ == "quasi-complete"
    header = dict(summary.header)
    assert header["Converged"] == "no finite MLE (separation)"
    assert not any("n/a" in v for v in header.values())
    # R's deviances, and the data agree with them
    assert abs(-2 * _llnull(y) - R_NULL_DEVIANCE) < 0.005
    assert (
        abs(float(header["LR chi2(3)"]) - (R_NULL_DEVIANCE - R_RESIDUAL_DEVIANCE))
        < 0.011
    )
    assert (
        abs(float(header["Pseudo R-sq."]) - (1 - R_RESIDUAL_DEVIANCE / R_NULL_DEVIANCE))
        < 1e-4
    )
    # the Wald test of the diverging NV keeps its note
    nv = next(row for row in summary.rows if row[0] == "NV")
    assert nv[4] > 0.99
    assert any(n.startswith("Separation (quasi-complete)") for n in summary.notes)
    assert any(
        "evaluated where the fit stopped" in n and "within its tolerance" in n
        for n in summary.notes
    )


def test_endometrial_statistics_are_those_of_the_supremum():
    X, y = endometrial()
    supremum = _endometrial_supremum(X, y)
    model, summary = _separated_fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        res = model.inference(X, y)
    # never above the supremum, and within 1e-7 of it at the default tol
    assert supremum - 1e-7 < res.llf <= supremum + 1e-12
    llr = 2 * (supremum - _llnull(y))
    assert res.llr == pytest.approx(llr, abs=2e-7)
    header = dict(summary.header)
    assert header["LR chi2(3)"] == f"{llr:.2f}"
    assert header["LLR p-value"] == f"{chi2.sf(llr, 3):.3g}"
    assert header["Pseudo R-sq."] == f"{1 - supremum / _llnull(y):.4f}"
    assert summary.as_text().count("n/a") == 0


def test_a_fit_stopped_early_says_its_lr_statistic_is_understated():
    X, y = endometrial()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model, summary = _separated_fit(X, y, solver="newton", max_iter=3)
    assert not model.converged_ and model.separation_ == "quasi-complete"
    note = next(n for n in summary.notes if "evaluated where the fit stopped" in n)
    assert "before reaching its tolerance" in note and "understated" in note
    shown = float(dict(summary.header)["LR chi2(3)"])
    assert shown < 2 * (_endometrial_supremum(X, y) - _llnull(y)) - 0.1


def test_complete_separation_lr_chi2_is_minus_twice_ll_null():
    model, summary = _separated_fit([[1.0], [2.0], [3.0], [4.0]], [0, 0, 1, 1])
    assert model.separation_ == "complete"
    header = dict(summary.header)
    llr = 8 * np.log(2)  # -2 (2 log 1/2 + 2 log 1/2)
    assert header["LR chi2(1)"] == f"{llr:.2f}"
    assert header["LLR p-value"] == f"{chi2.sf(llr, 1):.4f}"
    assert header["Pseudo R-sq."] == "1.0000"


def test_sampling_weights_keep_their_refusal_under_separation():
    X, y = endometrial()
    w = np.linspace(0.5, 2.0, len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = LogisticRegression().fit(X, y, sample_weight=w)
        res = model.inference(X, y, w, sample_weight_kind="sampling")
        summary = res.summary()
    assert res.separation == "quasi-complete"
    header = dict(summary.header)
    for key in ("Pseudo R-sq.", "LR chi2", "LLR p-value"):
        assert header[key] == "n/a (sampling weights)"
    assert not any("evaluated where the fit stopped" in n for n in summary.notes)


def _iris():
    with open(IRIS, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(v) for k, v in r.items() if k != "species"] for r in rows])
    return X, np.array([r["species"] for r in rows])


def test_multinomial_header_shows_lr_statistics_at_the_supremum():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _iris()
    rest = y != "setosa"
    supremum = (
        sm.Logit((y[rest] == "virginica").astype(float), sm.add_constant(X[rest]))
        .fit(disp=0, tol=1e-12)
        .llf
    )
    llnull = 150 * np.log(1 / 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
        summary = model.summary()
    assert model.separation_ == "quasi-complete"
    header = dict(summary.header)
    assert header["Converged"] == "no finite MLE (separation)"
    assert header["Pseudo R-sq."] == f"{1 - supremum / llnull:.4f}"
    p = chi2.sf(2 * (supremum - llnull), 8)
    assert header["LLR p-value"] == ("<2e-16" if p < 2e-16 else f"{p:.3g}")
    assert any(
        n.startswith("Pseudo R-sq. and LLR p-value are evaluated where the fit stopped")
        for n in summary.notes
    )
    only = model.inference().summary(estimates_only=True)  # the CLI's table
    assert dict(only.header)["Pseudo R-sq."] == header["Pseudo R-sq."]


def test_cli_fit_prints_lr_statistics_of_a_separated_fit(workdir, capsys):
    X, y = endometrial()
    X.assign(HG=y).to_csv(workdir / "endo.csv", index=False)
    code, out, err = run_cli(
        capsys, ["fit", "endo.csv", "--target", "HG", "-o", "m.json"]
    )
    assert code == 0, err
    assert "no finite MLE (separation)" in out and "n/a" not in out
    line = next(t for t in out.splitlines() if "LR chi2(3):" in t)
    assert line.split("LR chi2(3):")[1].split()[0] == "49.51"  # R: 104.90 - 55.39
    assert "evaluated where the fit stopped" in out


def test_a_separated_terms_profile_error_points_to_the_other_terms():
    """Quasi-separation along ``d`` (every d = 1 row has y = 1): the profile
    interval of ``d`` does not exist, and the error says that the other terms'
    may (R's ``confint`` reports them); ``terms=["x"]`` gives ``x``'s, finite
    and around its estimate."""
    import pandas as pd

    from logistic import LogisticRegression, NumericalError

    rng = np.random.default_rng(3)
    n = 60
    X = pd.DataFrame(
        {"d": (rng.uniform(size=n) < 0.3).astype(float), "x": rng.normal(size=n)}
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X.x))).astype(int)
    y[X.d.to_numpy() == 1] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
        res = model.inference(X, y)
        with pytest.raises(NumericalError, match=r"profile interval of 'd'.*terms=\["):
            res.conf_int(method="profile")
        ci = np.asarray(res.conf_int(method="profile", terms=["x"]))[2]
    beta_x = model.coef_.ravel()[1]
    assert np.isfinite(ci).all() and ci[0] < beta_x < ci[1]


def test_a_separated_fits_profile_summary_error_names_a_call_that_works():
    """``summary(X, y, odds_ratios="profile")`` profiles every term and takes
    no ``terms=``; its error for the separated term once said only
    ``(terms=[...])``, an argument the call the user made does not have. It
    now names ``res.odds_ratios(method='profile', terms=[...])``, and that call
    gives the other terms' profile odds-ratio intervals: exp of the profile
    interval of ``x`` in the model on the d = 0 rows (the d = 1 rows tend to
    log 1 = 0 along the separating direction), solved here with statsmodels."""
    import pandas as pd
    from scipy.optimize import brentq

    from logistic import LogisticRegression, NumericalError

    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    n = 60
    X = pd.DataFrame(
        {"d": (rng.uniform(size=n) < 0.3).astype(float), "x": rng.normal(size=n)}
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X.x))).astype(int)
    y[X.d.to_numpy() == 1] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
        with pytest.raises(NumericalError) as info:
            model.summary(X, y, odds_ratios="profile")
        assert "odds_ratios(method='profile', terms=[" in str(info.value)
        res = model.inference(X, y)
        table = res.odds_ratios(method="profile", terms=["x"])
    rest = X.d.to_numpy() == 0
    Xr = sm.add_constant(X.x.to_numpy()[rest])
    yr = np.asarray(y)[rest]
    top = sm.Logit(yr, Xr).fit(disp=0, tol=1e-12).llf

    def excess(c):
        glm = sm.GLM(yr, Xr[:, :1], family=sm.families.Binomial(), offset=c * Xr[:, 1])
        return 2 * (top - glm.fit(tol=1e-12).llf) - chi2.ppf(0.95, 1)

    b = sm.Logit(yr, Xr).fit(disp=0).params[1]
    ref = [brentq(excess, b - 10, b), brentq(excess, b, b + 10)]
    np.testing.assert_allclose(table.conf_int[0], np.exp(ref), rtol=1e-6)
