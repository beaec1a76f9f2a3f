"""Inference: published R/Stata tables, statsmodels, and independent numpy computations.

References used here:
* UCLA admissions: R ``glm(admit ~ gre + gpa + factor(rank), binomial)`` as printed by
  UCLA OARC (table in tests/data/ucla-admissions/README.md).
* Spector: Stata 11 ``logit GRADE GPA TUCE PSI`` (tests/data/spector/README.md, from
  statsmodels' results_discrete.py).
* statsmodels ``Logit`` / ``GLM`` computed in the test (HC0, Wald, LR, AIC, BIC).
* HC1 and cluster covariances recomputed in the test with plain numpy from their
  documented formulas.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from scipy.special import expit, log_expit
from scipy.stats import chi2

from conftest import data_path
from logistic import (
    DataValidationError,
    InvalidParameterError,
    LogisticRegression,
    NumericalStabilityWarning,
    PerfectSeparationWarning,
)
from logistic.estimator import NotFittedError
from logistic.inference import fit_inference, parse_constraints


# -- datasets -------------------------------------------------------------------------
def ucla() -> tuple[pd.DataFrame, pd.Series]:
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = pd.DataFrame({"gre": d.gre * 1.0, "gpa": d.gpa * 1.0})
    for k in (2, 3, 4):
        X[f"rank{k}"] = (d["rank"] == k) * 1.0
    return X, d.admit


def spector() -> tuple[pd.DataFrame, pd.Series]:
    d = pd.read_csv(data_path("spector", "spector.csv"), sep=r"\s+")
    d.columns = [c.strip("'") for c in d.columns]
    return d[["GPA", "TUCE", "PSI"]].astype(float), d.GRADE


def lbw() -> tuple[pd.DataFrame, pd.Series]:
    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    X = d[["age", "lwt"]].astype(float)
    X["black"], X["other"] = (d.race == 2) * 1.0, (d.race == 3) * 1.0
    for c in ("smoke", "ptl", "ht", "ui"):
        X[c] = d[c] * 1.0
    return X, d.low


def mroz() -> tuple[pd.DataFrame, pd.Series]:
    d = pd.read_csv(data_path("mroz", "Mroz.csv"))
    X = d[["k5", "k618", "age", "lwg", "inc"]].astype(float)
    X["wc"], X["hc"] = (d.wc == "yes") * 1.0, (d.hc == "yes") * 1.0
    return X, (d.lfp == "yes").astype(int)


def wells() -> tuple[pd.DataFrame, pd.Series]:
    d = pd.read_csv(data_path("wells-arsenic", "Wells.csv"))
    X = pd.DataFrame({"dist100": d.distance / 100.0, "arsenic": d.arsenic * 1.0})
    X["educ4"] = d.education / 4.0
    return X, (d.switch == "yes").astype(int)


DATASETS = {"ucla": ucla, "spector": spector, "lbw": lbw, "mroz": mroz, "wells": wells}


def fit(X, y, **kw):
    return LogisticRegression(**kw).fit(X, y)


def sm_logit(X, y, **kw):
    return sm.Logit(np.asarray(y, float), sm.add_constant(np.asarray(X, float))).fit(
        method="newton", tol=1e-14, maxiter=100, disp=0, **kw
    )


def digits(value: float, printed: str) -> None:
    """``value`` rounds to the printed text (every printed digit)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    assert abs(value - float(printed)) <= 0.5 * 10.0**-decimals * (1 + 1e-9), (
        value,
        printed,
    )


# -- published tables ---------------------------------------------------------------
UCLA_R = [  # term, Estimate, Std. Error, z value, Pr(>|z|)  (R glm, UCLA OARC)
    ("Intercept", "-3.989979", "1.139951", "-3.500", "0.000465"),
    ("gre", "0.002264", "0.001094", "2.070", "0.038465"),
    ("gpa", "0.804038", "0.331819", "2.423", "0.015388"),
    ("rank2", "-0.675443", "0.316490", "-2.134", "0.032829"),
    ("rank3", "-1.340204", "0.345306", "-3.881", "0.000104"),
    ("rank4", "-1.551464", "0.417832", "-3.713", "0.000205"),
]


def test_ucla_reproduces_r_glm_table():
    X, y = ucla()
    res = fit(X, y).inference(X, y)
    assert res.term_names == [t[0] for t in UCLA_R]
    for j, (_, est, se, z, p) in enumerate(UCLA_R):
        digits(res.params.iloc[j], est)  # named Series: X is a DataFrame
        digits(res.bse.iloc[j], se)
        digits(res.zvalues.iloc[j], z)
        digits(res.pvalues.iloc[j], p)
    # "Null deviance 499.98 on 399 degrees of freedom; residual deviance 458.52 on 394;
    # AIC 470.52"
    digits(res.null_deviance, "499.98")
    digits(res.deviance, "458.52")
    digits(res.aic, "470.52")
    assert res.df_resid == 394 and res.nobs - 1 == 399 and res.df_model == 5
    np.testing.assert_array_equal(res.tvalues, res.zvalues)


def test_spector_reproduces_stata():
    X, y = spector()
    res = fit(X, y).inference(X, y)
    # Stata 11 (README): GPA, TUCE, PSI, const -> ours: Intercept first
    params = [-13.0213483201, 2.82611297201, 0.0951576702557, 2.37868772835]
    bse = [4.93132462871, 1.26294114526, 0.141554207662, 1.06456430165]
    np.testing.assert_allclose(res.params, params, rtol=1e-6)
    np.testing.assert_allclose(res.bse, bse, rtol=1e-6)
    # Stata's llf carries its own convergence error (ours equals statsmodels' to 1e-15
    # and is 5.9e-8 relative from Stata's printed value, at a higher likelihood)
    np.testing.assert_allclose(res.llf, -12.8896334653335, rtol=1e-7)
    assert res.llf >= -12.8896334653335 - 1e-6
    # Stata's glm (tighter convergence) prints ll=-12.88963422213144 for the same model
    # (statsmodels discrete/tests/results/results_glm_logit_constrained.py)
    np.testing.assert_allclose(res.llf, -12.88963422213144, rtol=1e-12)
    np.testing.assert_allclose(res.llnull, -20.5917296966173, rtol=1e-10)
    np.testing.assert_allclose(res.deviance, 2 * 12.8896334653335, rtol=1e-7)


# -- statsmodels agreement -------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_nonrobust_and_hc0_match_statsmodels(name):
    X, y = DATASETS[name]()
    model = fit(X, y)
    for cov_type in ("nonrobust", "HC0"):
        ref = sm_logit(X, y, cov_type=cov_type)
        res = model.inference(X, y, cov_type=cov_type)
        np.testing.assert_allclose(res.params, ref.params, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-8)
        np.testing.assert_allclose(res.pvalues, ref.pvalues, rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-12)
    # intercept-only MLE in closed form; statsmodels fits it iteratively (~1e-10)
    ybar = float(np.mean(y))
    closed = len(y) * (ybar * np.log(ybar) + (1 - ybar) * np.log1p(-ybar))
    np.testing.assert_allclose(res.llnull, closed, rtol=1e-13)
    np.testing.assert_allclose(res.llnull, ref.llnull, rtol=1e-9)
    np.testing.assert_allclose(res.aic, ref.aic, rtol=1e-12)
    np.testing.assert_allclose(res.bic, ref.bic, rtol=1e-12)
    np.testing.assert_allclose(res.pseudo_rsquared, ref.prsquared, rtol=1e-8)
    np.testing.assert_allclose(res.llr_pvalue, ref.llr_pvalue, rtol=1e-6)
    assert res.df_model == ref.df_model and res.df_resid == ref.df_resid
    np.testing.assert_allclose(res.conf_int(0.1), ref.conf_int(0.1), rtol=1e-8)


def _numpy_scores(res, X, y):
    """Independent: X̃ (intercept first), p, per-row scores, Fisher information."""
    Xt = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    p = expit(Xt @ res.params)
    return (
        Xt,
        p,
        (np.asarray(y, float) - p)[:, None] * Xt,
        Xt.T @ (Xt * (p * (1 - p))[:, None]),
    )


@pytest.mark.parametrize("name", ["ucla", "lbw"])
def test_hc1_matches_independent_formula(name):
    X, y = DATASETS[name]()
    res = fit(X, y).inference(X, y, cov_type="HC1")
    Xt, _, u, info = _numpy_scores(res, X, y)
    n, k = Xt.shape
    inv = np.linalg.inv(info)
    expected = n / (n - k) * inv @ (u.T @ u) @ inv  # R sandwich::vcovHC(type="HC1")
    np.testing.assert_allclose(res.cov_params(), expected, rtol=1e-9, atol=1e-15)


def test_cluster_matches_independent_formula_and_statsmodels():
    X, y = lbw()
    groups = np.asarray(X["age"] // 5)  # 6 age bands as clusters
    model = fit(X, y)
    res = model.inference(X, y, cov_type="cluster", groups=groups)
    Xt, _, u, info = _numpy_scores(res, X, y)
    labels = np.unique(groups)
    S = np.vstack([u[groups == g].sum(axis=0) for g in labels])
    G, (n, k) = len(labels), Xt.shape
    inv = np.linalg.inv(info)
    expected = G / (G - 1) * inv @ S.T @ S @ inv  # Stata vce(cluster) for ML models
    np.testing.assert_allclose(res.cov_params(), expected, rtol=1e-9, atol=1e-15)
    assert res.cov_info["n_groups"] == G
    # statsmodels' default cluster correction is G/(G-1) * (n-1)/(n-k)
    ref = sm_logit(X, y, cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(
        res.cov_params() * (n - 1) / (n - k), ref.cov_params(), rtol=1e-8, atol=1e-15
    )


def test_cluster_of_singletons_is_stata_robust():
    # Stata's vce(robust) for logit = n/(n-1) * HC0 = cluster with one row per group
    X, y = spector()
    model = fit(X, y)
    n = len(y)
    res = model.inference(X, y, cov_type="cluster", groups=np.arange(n))
    hc0 = model.inference(X, y, cov_type="HC0").cov_params()
    np.testing.assert_allclose(res.cov_params(), n / (n - 1) * hc0, rtol=1e-12)
    # Stata: glm grade gpa tuce psi, family(binomial) vce(robust); from statsmodels'
    # discrete/tests/results/results_glm_logit_constrained.py,
    # results_noconstraint_robust (Intercept first here)
    stata_se = [5.2807513766642, 1.287827879216, 0.1198091371814, 0.97985082470462]
    np.testing.assert_allclose(res.bse, stata_se, rtol=1e-6)  # measured 1.3e-7


def test_frequency_weights_equal_duplicated_rows_for_every_cov_type():
    X, y = spector()
    w = np.tile([1.0, 2.0, 3.0, 1.0], 8)
    Xd, yd = X.loc[X.index.repeat(w.astype(int))], y.loc[y.index.repeat(w.astype(int))]
    g = np.arange(len(y)) % 5
    gd = np.repeat(g, w.astype(int))
    mw, md = fit(X, y, tol=1e-12).fit(X, y, sample_weight=w), fit(Xd, yd, tol=1e-12)
    for cov_type, groups, groups_d in [
        ("nonrobust", None, None),
        ("HC0", None, None),
        ("HC1", None, None),
        ("cluster", g, gd),
    ]:
        rw = mw.inference(X, y, sample_weight=w, cov_type=cov_type, groups=groups)
        rd = md.inference(Xd, yd, cov_type=cov_type, groups=groups_d)
        np.testing.assert_allclose(rw.cov_params(), rd.cov_params(), rtol=1e-8)
    assert rw.nobs == rd.nobs == w.sum()
    for attr in ("llf", "llnull", "aic", "bic", "deviance", "df_resid"):
        np.testing.assert_allclose(getattr(rw, attr), getattr(rd, attr), rtol=1e-10)


def test_weighted_hc0_matches_statsmodels_glm_freq_weights():
    X, y = lbw()
    w = 1.0 + np.arange(len(y)) % 3
    res = fit(X, y).fit(X, y, sample_weight=w)
    res = res.inference(X, y, sample_weight=w, cov_type="HC0")
    ref = sm.GLM(
        np.asarray(y, float),
        sm.add_constant(np.asarray(X)),
        family=sm.families.Binomial(),
        freq_weights=w,
    ).fit(cov_type="HC0", tol=1e-14)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-7)


def test_offset_llf_and_llnull_match_statsmodels():
    X, y = ucla()
    off = np.linspace(-0.5, 0.5, len(y))
    res = fit(X, y).fit(X, y, offset=off).inference(X, y, offset=off)
    ref = sm.Logit(np.asarray(y, float), sm.add_constant(X), offset=off).fit(
        method="newton", tol=1e-14, disp=0
    )
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-8)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-12)
    np.testing.assert_allclose(res.llnull, ref.llnull, rtol=1e-10)
    # the offset matters: the plain intercept-only log-likelihood differs
    assert abs(res.llnull - fit(X, y).inference(X, y).llnull) > 1e-3


# -- hypothesis tests ------------------------------------------------------------------
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_wald_tests_match_statsmodels(cov_type):
    X, y = ucla()
    res = fit(X, y).inference(X, y, cov_type=cov_type)
    ref = sm.Logit(np.asarray(y, float), sm.add_constant(X)).fit(
        method="newton", tol=1e-14, disp=0, cov_type=cov_type
    )
    for hyp in [
        "rank3 = rank4",
        "rank2 = 0, rank3 = 0, rank4 = 0",
        "2*gpa - rank2 = 1",
    ]:
        ours = res.wald_test(hyp)
        theirs = ref.wald_test(
            hyp.replace("Intercept", "const"), scalar=True, use_f=False
        )
        np.testing.assert_allclose(ours.statistic, theirs.statistic, rtol=1e-8)
        np.testing.assert_allclose(ours.pvalue, theirs.pvalue, rtol=1e-7)
        assert ours.df == int(theirs.df_denom)
    R = np.zeros((2, 6))
    R[0, 4], R[0, 5], R[1, 2] = 1.0, -1.0, 1.0
    by_matrix = res.wald_test(R, [0.0, 0.5])
    by_text = res.wald_test("rank3 - rank4 = 0; gpa = 0.5")
    np.testing.assert_allclose(by_matrix.statistic, by_text.statistic, rtol=1e-14)
    theirs = ref.wald_test((R, [0.0, 0.5]), scalar=True, use_f=False)
    np.testing.assert_allclose(by_matrix.statistic, theirs.statistic, rtol=1e-8)


def test_lr_test_matches_statsmodels():
    X, y = ucla()
    small = ["gre", "gpa"]
    full = fit(X, y).inference(X, y)
    restricted = fit(X[small], y).inference(X[small], y)
    ref_full = sm_logit(X, y)
    ref_res = sm_logit(X[small], y)
    # statsmodels' Logit has no compare_lr_test: the statistic from its two llf
    stat = 2 * (ref_full.llf - ref_res.llf)
    df = ref_full.df_model - ref_res.df_model
    pvalue = chi2.sf(stat, df)
    # and the LR test against the null model is statsmodels' llr / llr_pvalue
    np.testing.assert_allclose(full.llr, ref_full.llr, rtol=1e-8)  # sm llnull ~1e-10
    np.testing.assert_allclose(full.llr_pvalue, ref_full.llr_pvalue, rtol=1e-7)
    for a, b in [(full, restricted), (restricted, full)]:
        out = a.lr_test(b)
        np.testing.assert_allclose(out.statistic, stat, rtol=1e-9)
        np.testing.assert_allclose(out.pvalue, pvalue, rtol=1e-7)
        assert out.df == df == 3
    with pytest.raises(InvalidParameterError, match="same number"):
        full.lr_test(full)


def test_parse_constraints():
    names = ["Intercept", "x1", "x1b", "C(a)[T.2]"]
    R, q = parse_constraints("x1b = 2*x1 + 1, -C(a)[T.2] + 0.5 * Intercept", names)
    np.testing.assert_array_equal(R, [[0, -2, 1, 0], [0.5, 0, 0, -1]])
    np.testing.assert_array_equal(q, [1, 0])
    R, q = parse_constraints("`0` = 1e-1", ["Intercept", "0"])
    np.testing.assert_array_equal(R, [[0, 1]])
    np.testing.assert_array_equal(q, [0.1])
    for bad in ["x1 = x1", "x2 = 0", "x1 +", "x1 = 0 = 1", "x1 x1b"]:
        with pytest.raises(InvalidParameterError):
            parse_constraints(bad, names)


# -- refusals and data checks ----------------------------------------------------------
def test_penalized_fit_is_refused():
    X, y = spector()
    model = fit(X, y, penalty="l2", alpha=0.01)
    with pytest.raises(InvalidParameterError, match="penalized fit"):
        model.inference(X, y)
    # a norm penalty of zero strength is refused at fit (penalty=None says it)
    with pytest.raises(InvalidParameterError, match="alpha=0 with penalty='l2'"):
        fit(X, y, penalty="l2", alpha=0.0)


def test_data_that_differ_from_training_data_are_refused():
    X, y = ucla()
    model = fit(X, y)
    y2 = y.copy()
    y2.iloc[0] = 1 - y2.iloc[0]
    with pytest.raises(DataValidationError, match="do not match the data"):
        model.inference(X, y2)
    with pytest.raises(DataValidationError, match="features"):
        model.inference(X[["gre", "gpa"]], y)
    with pytest.raises(DataValidationError, match="do not match the data"):
        model.inference(X, y, sample_weight=np.r_[2.0, np.ones(len(y) - 1)])


def test_bad_cov_type_and_groups():
    X, y = spector()
    model = fit(X, y)
    with pytest.raises(InvalidParameterError, match="cov_type"):
        model.inference(X, y, cov_type="HC3")
    with pytest.raises(InvalidParameterError, match="groups"):
        model.inference(X, y, cov_type="cluster")
    with pytest.raises(InvalidParameterError, match="groups"):
        model.inference(X, y, cov_type="HC0", groups=np.arange(len(y)))
    with pytest.raises(DataValidationError, match="at least 2 groups"):
        model.inference(X, y, cov_type="cluster", groups=np.zeros(len(y)))


# -- collinearity ---------------------------------------------------------------------
def test_dummy_trap_drops_the_last_level_as_r_glm_does():
    """rank1 = 1 - rank2 - rank3 - rank4 beside the intercept: R's glm keeps the
    earlier columns and reports rank1 as NA; the others are the estimates of the
    model without rank1 (statsmodels on the reduced design)."""
    X, y = ucla()
    X = X.assign(rank1=1.0 - X.rank2 - X.rank3 - X.rank4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X, y)
        res = model.inference(X, y)
    assert res.aliased == ["rank1"]
    reduced = X.drop(columns="rank1")
    ref = sm.Logit(y, sm.add_constant(reduced)).fit(disp=0)
    kept = [c for c in X.columns if c != "rank1"]
    params = pd.Series(np.asarray(res.params), index=list(res.params.index))
    np.testing.assert_allclose(params[kept], ref.params[kept], rtol=1e-6, atol=1e-8)
    assert np.isnan(np.asarray(res.bse)[list(res.params.index).index("rank1")])


def test_constant_and_zero_columns_are_aliased_as_r_glm_does():
    """A constant beside the intercept, and a column of zeros (an empty cell
    of an interaction), are aliased: R's glm reports NA for each, and the
    other estimates and standard errors are those of the model without them
    (statsmodels on the reduced design). A column of zeros raised
    CollinearityError, so the whole table lost its standard errors."""
    X, y = spector()
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    for extra, value in (("five", 5.0), ("zero", 0.0)):
        Xe = X.assign(**{extra: value})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit(Xe, y).inference(Xe, y)
        assert res.aliased == [extra]
        names = list(res.params.index)
        params = pd.Series(np.asarray(res.params), index=names)
        bse = pd.Series(np.asarray(res.bse), index=names)
        np.testing.assert_allclose(params[X.columns], ref.params[X.columns], rtol=1e-6)
        np.testing.assert_allclose(bse[X.columns], ref.bse[X.columns], rtol=1e-5)
        assert np.isnan(bse[extra])


def test_near_collinearity_warns_with_names():
    X, y = lbw()
    rng = np.random.default_rng(0)
    X = X.assign(age2=X.age + 1e-4 * rng.standard_normal(len(y)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X, y)
    with pytest.warns(NumericalStabilityWarning, match=r"nearly collinear.*age"):
        res = model.inference(X, y)
    assert 1e-12 < res.rcond <= 1e-8
    assert np.all(np.isfinite(res.bse))


def test_many_dependent_columns_are_all_aliased():
    """300 copies of gpa: every copy is aliased with gpa (R keeps the first of a
    dependent set), leaving the six parameters of the model without them."""
    X, y = ucla()
    copies = pd.DataFrame({f"copy_of_gpa_number_{i}": X.gpa for i in range(300)})
    X = pd.concat([X, copies], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X, y)
        res = model.inference(X, y)
    assert len(res.aliased) == 300 and set(res.aliased) == set(copies.columns)
    assert res.k_params == 6


def test_near_collinearity_of_many_columns_warns_in_one_short_line():
    """40 noisy copies of age: 40 near-null relations of 41 terms each are
    summarised (5 terms each, 3 relations); the warning keeps its ending."""
    X, y = lbw()
    rng = np.random.default_rng(0)
    noisy = {
        f"age_measured_again_{i}": X.age + 1e-2 * rng.standard_normal(len(y))
        for i in range(40)
    }
    X = pd.concat([X, pd.DataFrame(noisy)], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X, y)
    with pytest.warns(NumericalStabilityWarning, match="nearly collinear") as caught:
        model.inference(X, y)
    text = next(str(w.message) for w in caught if "nearly collinear" in str(w.message))
    assert len(text) < 1000, len(text)
    assert "… and 38 more are nearly collinear" in text
    assert "more relations" in text and "more terms" in text
    assert text.endswith("their standard errors are large and imprecise.")


def test_separation_warns_and_suggests_firth():
    x = np.array([[-3.0], [-2.0], [-1.0], [1.0], [2.0], [3.0], [0.5]])
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(x, y)
    with pytest.warns(PerfectSeparationWarning, match="firth"):
        res = model.inference(x, y)
    assert res.separation


def test_no_intercept_null_model_is_offset_only():
    X, y = spector()
    model = fit(X, y, fit_intercept=False)
    res = model.inference(X, y)
    assert res.term_names == ["GPA", "TUCE", "PSI"] and res.df_model == 3
    np.testing.assert_allclose(res.llnull, len(y) * np.log(0.5), rtol=1e-14)
    ref = sm.Logit(np.asarray(y, float), np.asarray(X)).fit(
        method="newton", disp=0, tol=1e-14
    )
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-8)


def test_sparse_and_float32_input():
    X, y = lbw()
    Xn = X.to_numpy()
    groups = np.asarray(X["age"] // 5)
    dense = fit(Xn, y)
    sparse = fit(sp.csr_matrix(Xn), y)
    for cov_type, g in [("nonrobust", None), ("HC1", None), ("cluster", groups)]:
        a = dense.inference(Xn, y, cov_type=cov_type, groups=g).cov_params()
        b = sparse.inference(sp.csr_matrix(Xn), y, cov_type=cov_type, groups=g)
        np.testing.assert_allclose(b.cov_params(), a, rtol=1e-9)
    # float32 data stay float32: standard errors to float32 accuracy
    res32 = fit(Xn.astype(np.float32), y).inference(Xn.astype(np.float32), y)
    np.testing.assert_allclose(res32.bse, dense.inference(Xn, y).bse, rtol=1e-4)


def test_functional_entry_point_and_unfitted_model():
    X, y = spector()
    model = fit(X, y)
    a = fit_inference(model, X, y, cov_type="HC0")
    b = model.inference(X, y, cov_type="HC0")
    np.testing.assert_array_equal(a.cov_params(), b.cov_params())
    assert a.term_names == ["Intercept", "GPA", "TUCE", "PSI"]
    # scikit-learn's NotFittedError, as predict on an unfitted model raises
    with pytest.raises(NotFittedError, match="not fitted yet"):
        fit_inference(LogisticRegression(), X, y)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LogisticRegression().summary()
    # numpy input: statsmodels-style names
    assert fit(X.to_numpy(), y).inference(X.to_numpy(), y).term_names[1:] == [
        "x1", "x2", "x3",
    ]  # fmt: skip


def test_class_weight_uses_the_fitted_weights_and_warns():
    X, y = spector()
    model = fit(X, y, class_weight={0: 1.0, 1: 2.0})
    with pytest.warns(UserWarning, match="class_weight"):
        res = model.inference(X, y)
    w = np.where(np.asarray(y) == 1, 2.0, 1.0)
    ref = fit(X, y).fit(X, y, sample_weight=w).inference(X, y, sample_weight=w)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-10)


def test_confidence_intervals_match_r_confint():
    X, y = ucla()
    res = fit(X, y).inference(X, y)
    # R confint.default(mylogit) (Wald), as printed in copies of the UCLA OARC page
    wald = [[-6.2242418514, -1.755716295], [0.0001202298, 0.004408622],
            [0.1536836760, 1.454391423], [-1.2957512650, -0.055134591],
            [-2.0169920597, -0.663415773], [-2.3703986294, -0.732528724]]  # fmt: skip
    # R's vcov is taken at its last IRLS weights: agreement ~2e-7 relative
    np.testing.assert_allclose(res.conf_int(), wald, rtol=1e-6)
    # R confint(mylogit) (MASS profile likelihood). MASS interpolates a spline through
    # a grid of profile points; we solve for the endpoints (measured 9.1e-5 relative)
    profile = [[-6.2716202334, -1.792547080], [0.0001375921, 0.004435874],
               [0.1602959439, 1.464142727], [-1.3008888002, -0.056745722],
               [-2.0276713127, -0.670372346],
               [-2.4000265384, -0.753542605]]  # fmt: skip
    ci = res.conf_int(method="profile").to_numpy()  # named: X is a DataFrame
    np.testing.assert_allclose(ci, profile, rtol=2e-4)
    # exactness, independently: fixing β_j at an endpoint (x_j·c moved into the offset,
    # column j dropped, refit by the numpy Newton below) costs exactly χ²₁(0.95)/2
    Xc = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    for j in range(Xc.shape[1]):
        for c in ci[j]:
            rest = np.delete(Xc, j, axis=1)
            llc = _numpy_logit_llf(rest, np.asarray(y, float), c * Xc[:, j],
                                   np.delete(res.params.to_numpy(), j))  # fmt: skip
            np.testing.assert_allclose(
                2 * (res.llf - llc), chi2.isf(0.05, 1), rtol=1e-8
            )


def _numpy_logit_llf(X, y, offset, beta):
    """Maximum log-likelihood by plain Newton with step halving (independent code)."""

    def llf(b):
        z = X @ b + offset
        return np.sum(y * log_expit(z) + (1 - y) * log_expit(-z))

    for _ in range(100):
        p = expit(X @ beta + offset)
        step = np.linalg.solve(X.T @ (X * (p * (1 - p))[:, None]), X.T @ (y - p))
        t = 1.0
        while llf(beta + t * step) < llf(beta) - 1e-12 and t > 1e-8:
            t /= 2
        beta = beta + t * step
        if np.max(np.abs(step)) < 1e-13:
            break
    return llf(beta)


def test_likelihood_ratio_pvalues_per_coefficient():
    X, y = ucla()
    res = fit(X, y).inference(X, y)
    Xc = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    yy = np.asarray(y, float)
    for j in range(Xc.shape[1]):  # β_j = 0: drop column j, refit independently
        llj = _numpy_logit_llf(
            np.delete(Xc, j, axis=1),
            yy,
            np.zeros(len(y)),
            np.delete(np.asarray(res.params), j),
        )
        np.testing.assert_allclose(
            np.asarray(res.pvalues_lr())[j],
            chi2.sf(2 * (res.llf - llj), 1),
            rtol=1e-7,
        )


def test_a_single_extreme_but_correct_row_is_not_called_separation():
    # Regression: credit-default has one row (of 29,998) with a margin of 31 on its
    # correct side, no separation (the estimator's exact LP check ran and found none);
    # inference used to report "suspected" separation from that one row.
    rng = np.random.default_rng(11)
    X = rng.standard_normal((400, 2))
    y = (rng.random(400) < 1 / (1 + np.exp(-(0.8 * X[:, 0] - 0.5 * X[:, 1])))).astype(
        float
    )
    X[0] = [60.0, 0.0]
    y[0] = 1.0  # z ≈ 0.8 * 60 = 48: extreme, on the correct side
    model = LogisticRegression().fit(X, y)
    assert model.separation_ is None
    res = model.inference(X, y)
    assert res.separation is None


def _leverage_data(n=4000, seed=11):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.standard_normal((n, 2)), columns=["a", "b"])
    eta = 0.8 * X["a"] - 0.5 * X["b"]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    X.loc[0, "a"], y[0] = 60.0, 1.0  # z ≈ 48: extreme, on the correct side
    return X, y


def test_a_streamed_fit_with_one_extreme_correct_row_is_not_suspected(tmp_path):
    # The in-memory fit's LP (the reference) finds no separation; a streamed fit
    # cannot run it, and its inference said "suspected" (and the command line
    # "meaningless" coefficients) for any fitted logit beyond 30.
    X, y = _leverage_data()
    memory = LogisticRegression().fit(X, y)
    assert memory.separation_ is None
    streamed = LogisticRegression().fit(_chunked(tmp_path, X, y, chunk_rows=500), None)
    assert streamed.separation_ == "unchecked"
    res = streamed.inference(_chunked(tmp_path, X, y, chunk_rows=500))
    assert res.separation is None
    np.testing.assert_allclose(res.params, memory.inference(X, y).params, rtol=1e-6)


def test_a_streamed_fit_of_separated_data_is_still_suspected(tmp_path):
    X, y = _leverage_data()
    X = X.drop(index=0).reset_index(drop=True)  # no leverage row: only separation
    y = (X["a"] + 0.3 * X["b"] > 0).astype(float).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        memory = LogisticRegression().fit(X, y)
        assert memory.separation_ == "complete"  # the LP's finding
        streamed = LogisticRegression().fit(_chunked(tmp_path, X, y, chunk_rows=500), None)
        res = streamed.inference(_chunked(tmp_path, X, y, chunk_rows=500))
    assert res.separation == "suspected"


def test_a_constant_column_beside_the_intercept_is_no_suspected_separation(tmp_path):
    # the constant column is flat with the intercept by construction, not along
    # a separating direction; the extreme row is the well-determined one
    X, y = _leverage_data()
    X["one"] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert LogisticRegression().fit(X, y).separation_ is None  # the LP's finding
        streamed = LogisticRegression().fit(_chunked(tmp_path, X, y, chunk_rows=500), None)
        res = streamed.inference(_chunked(tmp_path, X, y, chunk_rows=500))
    assert res.separation is None


# -- any backend: streamed inference equals in-memory inference ------------------------
def _chunked(tmp_path, X, y, weights=None, offset=None, chunk_rows=37):
    from logistic.backends import Chunked

    frame = X.copy()
    frame["label"] = np.asarray(y)
    if weights is not None:
        frame["w"] = weights
    if offset is not None:
        frame["o"] = offset
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return Chunked.from_csv(
        path,
        target="label",
        features=list(X.columns),
        weight=None if weights is None else "w",
        offset=None if offset is None else "o",
        chunk_rows=chunk_rows,
    )


@pytest.mark.parametrize("extra", ["plain", "weights", "offset"])
def test_streamed_inference_equals_in_memory(tmp_path, extra):
    X, y = lbw()
    rng = np.random.default_rng(3)
    w = rng.integers(1, 4, len(y)).astype(float) if extra == "weights" else None
    o = rng.normal(0, 0.3, len(y)) if extra == "offset" else None
    data = _chunked(tmp_path, X, y, w, o)
    streamed_model = LogisticRegression().fit(data, None)
    memory_model = LogisticRegression().fit(X, y, sample_weight=w, offset=o)
    np.testing.assert_allclose(
        streamed_model.coef_, memory_model.coef_, rtol=1e-9, atol=1e-12
    )
    for cov_type in ("nonrobust", "HC0", "HC1"):
        streamed = fit_inference(streamed_model, data, cov_type=cov_type)
        memory = fit_inference(memory_model, X, y, w, o, cov_type=cov_type)
        assert streamed.term_names == memory.term_names
        np.testing.assert_allclose(streamed.bse, memory.bse, rtol=1e-8)
        np.testing.assert_allclose(streamed.pvalues, memory.pvalues, rtol=1e-6)
        for name in ("llf", "llnull", "deviance", "aic", "bic", "pseudo_rsquared"):
            np.testing.assert_allclose(
                getattr(streamed, name), getattr(memory, name), rtol=1e-9
            )
    np.testing.assert_allclose(streamed.conf_int(0.1), memory.conf_int(0.1), rtol=1e-8)


def test_streamed_inference_reads_the_data_three_times(tmp_path):
    X, y = lbw()
    data = _chunked(tmp_path, X, y)
    model = LogisticRegression().fit(data, None)
    before = data.n_passes
    res = fit_inference(model, data)
    assert data.n_passes - before == 3  # value+gradient+Hessian, moments, labels
    assert np.isfinite(res.llnull + res.aic)  # no offset: no further pass
    assert data.n_passes - before == 3


def test_streamed_inference_refuses_cluster_and_other_data(tmp_path):
    X, y = lbw()
    data = _chunked(tmp_path, X, y)
    model = LogisticRegression().fit(data, None)
    with pytest.raises(InvalidParameterError, match="cluster.*rows in memory"):
        fit_inference(model, data, cov_type="cluster", groups=np.zeros(len(y)))
    with pytest.raises(InvalidParameterError, match="pass y, sample_weight"):
        fit_inference(model, data, None, np.ones(len(y)))
    other = _chunked(tmp_path, X.assign(age=X.age + 1), y)
    with pytest.raises(DataValidationError, match="do not match the data"):
        fit_inference(model, other)
    narrow = _chunked(tmp_path, X.drop(columns="age"), y)
    with pytest.raises(DataValidationError, match="7 features.*fitted with 8"):
        fit_inference(model, narrow)


def test_wald_table_is_what_the_results_report():
    from logistic.inference import wald_table

    X, y = ucla()
    res = fit(X, y).inference(X, y)
    table = wald_table(res.params, res.cov_params(), alpha=0.1)
    np.testing.assert_array_equal(table.bse, res.bse)
    np.testing.assert_array_equal(table.zvalues, res.zvalues)
    np.testing.assert_array_equal(table.pvalues, res.pvalues)
    np.testing.assert_array_equal(table.conf_int, res.conf_int(0.1))
    half = 1.6448536269514722 * res.bse  # z_0.95
    np.testing.assert_allclose(table.conf_int[:, 1] - res.params, half, rtol=1e-15)
    zero = wald_table([1.0, 2.0], np.diag([0.0, 4.0]))
    assert np.isnan(zero.zvalues[0]) and zero.zvalues[1] == 1.0
    with pytest.raises(InvalidParameterError, match="alpha"):
        wald_table([1.0], [[1.0]], alpha=1.5)


@pytest.mark.dask
@pytest.mark.slow
def test_dask_inference_equals_in_memory(dask_client):
    da = pytest.importorskip("dask.array")
    from logistic.backends.dask import Dask

    X, y = lbw()
    Xn, yn = X.to_numpy(), np.asarray(y)
    offset = np.random.default_rng(5).normal(0, 0.3, len(yn))
    data = Dask(
        da.from_array(Xn, chunks=(50, Xn.shape[1])),
        da.from_array(yn, chunks=50),
        None,
        da.from_array(offset, chunks=50),
        client=dask_client,
    )
    model = LogisticRegression().fit(data, None)
    streamed = fit_inference(model, data, cov_type="HC1")
    llnull = streamed.llnull  # a Newton fit of the null model on the workers
    memory = fit_inference(
        LogisticRegression().fit(Xn, yn, offset=offset),
        Xn,
        yn,
        None,
        offset,
        cov_type="HC1",
    )
    np.testing.assert_allclose(streamed.bse, memory.bse, rtol=1e-7)
    np.testing.assert_allclose(streamed.llf, memory.llf, rtol=1e-9)
    np.testing.assert_allclose(llnull, memory.llnull, rtol=1e-9)
