"""Inference output that says which test and interval it shows.

References (from outside the code under test):
* logistf on sex2 (per-coefficient penalized LR tests and profile intervals)
  as recorded in tests/test_firth.py (its docstring gives the provenance).
* logistf's overall "Likelihood ratio test": penalized log-likelihoods, the
  null fit with only the intercept free and the penalty of the full model's
  information (logistf's ``logistf.fit(..., col.fit = 1)``). Computed here
  independently with numpy/scipy (``ℓ(β) + ½ log det I(β)`` maximized by
  scipy.optimize); T3's plr.py gives χ² = 49.09 on 6 df, p = 7.15e-09.
* statsmodels ``Logit`` for the LR χ² statistic of an ML fit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize, minimize_scalar
from scipy.special import expit, log_expit
from scipy.stats import chi2

from logistic import LogisticRegression
from logistic._exceptions import NumericalError
from test_firth import SEX2, SEX2_CI, SEX2_NAMES


def _sex2() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    X = pd.DataFrame(SEX2[:, 1:7].astype(float), columns=SEX2_NAMES)
    return X, SEX2[:, 0].astype(float), SEX2[:, 7].astype(float)


def _penalized_overall_lr() -> tuple[float, int]:
    """logistf's overall penalized LR test on sex2, written with numpy only."""
    X, y, w = _sex2()
    Xt = np.column_stack([np.ones(len(y)), X.to_numpy()])

    def pll(b: np.ndarray) -> float:
        z = Xt @ b
        v = w * expit(z) * expit(-z)
        ll = np.sum(w * (y * log_expit(z) + (1 - y) * log_expit(-z)))
        return ll + 0.5 * np.linalg.slogdet(Xt.T @ (v[:, None] * Xt))[1]

    full = minimize(
        lambda b: -pll(b), np.zeros(7), method="BFGS", options={"gtol": 1e-10}
    )
    null = minimize_scalar(lambda b0: -pll(np.r_[b0, np.zeros(6)]))
    return 2.0 * (null.fun - full.fun), 6


@pytest.fixture(scope="module")
def firth_sex2():
    X, y, w = _sex2()
    model = LogisticRegression(penalty="firth").fit(X, y, sample_weight=w)
    return model, X, y, w


def _row(text: str, term: str) -> list[str]:
    return next(
        line.split() for line in text.splitlines() if line.startswith(term + " ")
    )


def test_firth_summary_shows_logistf_tests_and_profile_intervals(firth_sex2):
    model, X, y, w = firth_sex2
    text = model.summary(X, y, sample_weight=w).as_text()
    assert "LR chi2" in text and "P>chi2" in text and "profile [0.025" in text
    assert "penalized likelihood-ratio" in text
    dia = _row(text, "dia")
    # logistf: dia chi2 7.90, p 0.005 (Wald would be p = 0.0646), CI (0.7746, 8.030)
    assert dia[3] == "7.897" and dia[4] == "0.0050"
    assert float(dia[5]) == pytest.approx(SEX2_CI[6][0], abs=1e-4)
    assert float(dia[6]) == pytest.approx(SEX2_CI[6][1], abs=1e-3)


def test_firth_overall_lr_is_logistfs_penalized_test(firth_sex2):
    model, X, y, w = firth_sex2
    stat, df = _penalized_overall_lr()
    assert stat == pytest.approx(49.09, abs=0.005)  # T3's independent value
    text = model.summary(X, y, sample_weight=w).as_text()
    line = next(t for t in text.splitlines() if "Penalized LR chi2(6):" in t)
    assert line.split("Penalized LR chi2(6):")[1].split()[0] == f"{stat:.2f}"
    pline = next(t for t in text.splitlines() if "PLR p-value:" in t)
    assert pline.split("PLR p-value:")[1].split()[0] == f"{chi2.sf(stat, df):.3g}"
    assert "LLR p-value" not in text  # the unpenalized one is not shown


def test_firth_without_data_labels_wald_and_says_how_to_get_plr(firth_sex2):
    model, *_ = firth_sex2
    text = model.summary().as_text()
    assert "z (Wald)" in text and "Wald [0.025" in text
    assert "pvalues_lr()" in text and "conf_int(method='profile')" in text
    assert "Penalized LR chi2: needs the data" in text


def test_firth_odds_ratios_use_plr_p_next_to_profile_interval(firth_sex2):
    model, X, y, w = firth_sex2
    text = model.summary(X, y, sample_weight=w, odds_ratios=True).as_text()
    dia = _row(text, "dia")
    assert dia[1] == "22.11" and dia[4] == "0.0050"  # not the Wald 0.0646
    assert float(dia[5]) == pytest.approx(np.exp(SEX2_CI[6][0]), rel=1e-3)


def test_mle_profile_odds_ratios_say_the_p_value_is_wald():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200)})
    y = (rng.random(200) < expit(0.5 * X["a"])).astype(float)
    text = LogisticRegression().fit(X, y).summary(X, y, odds_ratios="profile").as_text()
    assert "z (Wald)" in text and "profile [0.025" in text
    assert "P>|z| is the Wald test" in text


def test_cluster_with_profile_intervals_says_they_are_model_based():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=300)})
    y = (rng.random(300) < expit(X["a"])).astype(float)
    groups = np.repeat(np.arange(30), 10)
    m = LogisticRegression().fit(X, y)
    text = m.summary(X, y, cov_type="cluster", groups=groups, odds_ratios="profile")
    assert "the profile intervals are model-based" in text.as_text()


def _separated():
    d = pd.DataFrame({"x": [1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10.0]})
    y = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression().fit(d, y)
        return m, m.inference(d, y)


def test_profile_on_separated_fit_names_the_coefficient():
    _, res = _separated()
    with pytest.raises(
        NumericalError, match="profile interval of 'x'.*penalty='firth'"
    ):
        res.conf_int(method="profile")
    with pytest.raises(NumericalError, match="separated"):
        res.odds_ratios(method="profile")


def test_separated_header_says_no_finite_mle():
    _, res = _separated()
    text = res.summary().as_text()
    assert "no finite MLE (separation)" in text
    assert "Converged:" in text and "True" not in text.split("Converged:")[1].split()[0]
    # the LR statistics are shown at the fit's stopping point: the supremum
    # of the log-likelihood is 2 log(1/2) (the tied pair at x = 5), LL-null
    # 5 log(5/11) + 6 log(6/11), so pseudo R² = 1 - 2 log 2 / -LL-null
    assert "n/a (separation)" not in text
    llnull = 5 * np.log(5 / 11) + 6 * np.log(6 / 11)
    assert f"{1 + 2 * np.log(2) / llnull:.4f}" in text
    assert "evaluated where the fit stopped" in text


def test_lr_chi2_with_df_next_to_llr_p_value():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    y = (rng.random(300) < expit(X @ [0.5, -0.3, 0.0])).astype(float)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    text = LogisticRegression().fit(X, y).summary(X, y).as_text()
    line = next(t for t in text.splitlines() if "LR chi2(3):" in t)
    assert line.split("LR chi2(3):")[1].split()[0] == f"{ref.llr:.2f}"


def test_lr_test_after_robust_covariance_warns():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    y = (rng.random(200) < expit(X["a"])).astype(float)
    big = LogisticRegression().fit(X, y).inference(X, y, cov_type="HC1")
    small = LogisticRegression().fit(X[["a"]], y).inference(X[["a"]], y, cov_type="HC1")
    with pytest.warns(UserWarning, match="Stata's lrtest refuses"):
        big.lr_test(small)
    plain = LogisticRegression().fit(X, y).inference(X, y)
    small0 = LogisticRegression().fit(X[["a"]], y).inference(X[["a"]], y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain.lr_test(small0)


def _lbw_race():
    from conftest import data_path

    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    X = pd.get_dummies(d.race.astype(str), prefix="race").astype(float)
    X["smoke"] = d.smoke.astype(float)
    return d, X


def test_no_intercept_full_factor_uses_the_intercept_only_null():
    smf = pytest.importorskip("statsmodels.formula.api")
    d, X = _lbw_race()
    ref = smf.logit("low ~ C(race) + smoke - 1", d).fit(disp=0)
    with_one = smf.logit("low ~ C(race) + smoke", d).fit(disp=0)
    assert ref.llnull == pytest.approx(with_one.llnull, rel=1e-10)
    res = LogisticRegression(fit_intercept=False).fit(X, d.low).inference(X, d.low)
    assert res.llnull == pytest.approx(ref.llnull, rel=1e-9)
    assert res.df_model == ref.df_model == 3
    assert res.pseudo_rsquared == pytest.approx(ref.prsquared, rel=1e-8)
    assert res.llr_pvalue == pytest.approx(ref.llr_pvalue, rel=1e-7)
    text = res.summary().as_text()
    assert "LR chi2(3)" in text and "η = 0" not in text


def test_no_intercept_without_the_constant_keeps_eta_zero_and_says_so():
    d, X = _lbw_race()
    X = X.drop(columns="race_1")  # two levels of three: the constant is not spanned
    res = LogisticRegression(fit_intercept=False).fit(X, d.low).inference(X, d.low)
    assert res.llnull == pytest.approx(-len(d) * np.log(2.0), rel=1e-12)
    assert res.df_model == 3
    assert "null model: η = 0, no intercept" in res.summary().as_text()


def test_large_firth_summary_is_wald_labelled_and_says_how(monkeypatch, firth_sex2):
    from logistic.inference import _summary

    model, X, y, w = firth_sex2
    monkeypatch.setattr(_summary, "LOGISTF_WORK", 1.0)
    text = model.summary(X, y, sample_weight=w).as_text()
    assert "z (Wald)" in text and "res.conf_int(method='profile')" in text
    assert "Penalized LR chi2(6)" in text  # one null refit: still computed


def test_binary_wald_test_terms_match_statsmodels():
    smf = pytest.importorskip("statsmodels.formula.api")
    from conftest import data_path

    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    X = d[["age", "lwt"]].astype(float)
    for level in (2, 3):
        X[f"C(race)[T.{level}]"] = (d.race == level).astype(float)
    X["smoke"] = d.smoke.astype(float)
    res = LogisticRegression().fit(X, d.low).inference(X, d.low)
    got = res.wald_test_terms()
    ref = smf.logit("low ~ age + lwt + C(race) + smoke", d).fit(disp=0)
    table = ref.wald_test_terms(scalar=True).table
    assert list(got) == ["Intercept", "age", "lwt", "C(race)", "smoke"]
    for term, test in got.items():
        assert test.statistic == pytest.approx(table.loc[term, "statistic"], rel=1e-6)
        assert test.df == table.loc[term, "df_constraint"]
    assert got["C(race)"].df == 2


def test_llr_penalized_is_logistfs_overall_test(firth_sex2):
    model, X, y, w = firth_sex2
    stat, df = _penalized_overall_lr()
    got = model.inference(X, y, sample_weight=w).llr_penalized
    assert got[0] == pytest.approx(stat, rel=1e-6) and got[2] == df
    assert got[1] == pytest.approx(chi2.sf(stat, df), rel=1e-5)
