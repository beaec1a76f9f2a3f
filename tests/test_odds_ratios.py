"""Odds ratios (logistic.inference._odds) and ``summary(odds_ratios=...)``.

References: statsmodels ``np.exp(res.params)`` / ``np.exp(res.conf_int())``
computed in the tests (Wald, every covariance type); R's ``confint(mylogit)``
profile bounds for the UCLA admissions model (as printed on the UCLA OARC page
"Logit regression | R data analysis examples", also used by
tests/test_inference.py), exponentiated here; an independent check that each
profile odds-ratio bound is a root of the profile deviance, by a plain numpy
Newton refit with the coefficient fixed (tests/test_inference.py's helper).
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import chi2

from logistic import InvalidParameterError, LogisticRegression
from test_inference import _numpy_logit_llf, spector, ucla

# R: confint(mylogit) for glm(admit ~ gre + gpa + rank, binomial)
R_PROFILE = [[-6.2716202334, -1.792547080], [0.0001375921, 0.004435874],
             [0.1602959439, 1.464142727], [-1.3008888002, -0.056745722],
             [-2.0276713127, -0.670372346], [-2.4000265384, -0.753542605]]  # fmt: skip


def _sm(X, y, cov_type="nonrobust"):
    model = sm.Logit(np.asarray(y, float), sm.add_constant(np.asarray(X, float)))
    return model.fit(method="newton", tol=1e-14, disp=0, cov_type=cov_type)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])  # as test_inference
@pytest.mark.parametrize("data", [spector, ucla])
def test_wald_odds_ratios_match_statsmodels(data, cov_type):
    X, y = data()
    res = LogisticRegression().fit(X, y).inference(X, y, cov_type=cov_type)
    ref = _sm(X, y, cov_type)
    for alpha in (0.05, 0.1):
        t = res.odds_ratios(alpha)
        np.testing.assert_allclose(t.odds_ratio, np.exp(ref.params), rtol=1e-8)
        np.testing.assert_allclose(t.conf_int, np.exp(ref.conf_int(alpha)), rtol=1e-6)
        np.testing.assert_allclose(t.bse, np.exp(ref.params) * ref.bse, rtol=1e-6)
        np.testing.assert_allclose(t.pvalues, ref.pvalues, rtol=1e-6)
        assert t.term_names == res.term_names and t.method == "wald"


def test_profile_odds_ratios_match_r_confint_and_are_roots():
    X, y = ucla()
    res = LogisticRegression().fit(X, y).inference(X, y)
    t = res.odds_ratios(method="profile")
    # MASS's confint interpolates a spline (about 1e-4 relative, see test_inference)
    np.testing.assert_allclose(t.conf_int, np.exp(R_PROFILE), rtol=2e-4)
    # independently: log of each bound, held fixed, costs chi2_1(0.95)/2 of llf
    Xc = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    beta = res.params.to_numpy()
    llf_hat = _sm(X, y).llf  # statsmodels' maximum, not this library's llf
    for j in range(Xc.shape[1]):
        for bound in t.conf_int[j]:
            c = np.log(bound)
            rest = np.delete(Xc, j, axis=1)
            llc = _numpy_logit_llf(
                rest, np.asarray(y, float), c * Xc[:, j], np.delete(beta, j)
            )
            assert 2 * (llf_hat - llc) == pytest.approx(chi2.isf(0.05, 1), rel=1e-8)
    # same estimates and tests as the Wald table
    np.testing.assert_allclose(t.odds_ratio, res.odds_ratios().odds_ratio)


def test_odds_ratio_per_c_units_is_the_refit_on_the_column_over_c():
    """docs/goodness-of-fit.md's recipe for the odds ratio per 100 GRE points,
    exp(100 coef) with exp(100 bounds), against the fit of gre / 100 (Wald
    bounds from statsmodels on that column) and R's profile confint, times 100."""
    X, y = ucla()
    res = LogisticRegression().fit(X, y).inference(X, y)
    j = res.term_names.index("gre")
    scaled = np.asarray(X, float).copy()
    scaled[:, j - 1] /= 100
    ref = _sm(scaled, y)
    np.testing.assert_allclose(np.exp(100 * np.asarray(res.params)[j]),
                               np.exp(ref.params[j]), rtol=1e-9)  # fmt: skip
    np.testing.assert_allclose(np.exp(100 * np.asarray(res.conf_int())[j]),
                               np.exp(ref.conf_int()[j]), rtol=1e-8)  # fmt: skip
    profile = np.asarray(res.conf_int(method="profile", terms=["gre"]))[j]
    # MASS's confint interpolates a spline (about 1e-4 relative, as above)
    np.testing.assert_allclose(np.exp(100 * profile), np.exp(100 * np.array(R_PROFILE[1])),
                               rtol=2e-4)  # fmt: skip
    again = LogisticRegression().fit(scaled, y).inference(scaled, y)
    np.testing.assert_allclose(np.asarray(again.conf_int(method="profile", terms=[j]))[j],
                               100 * profile, rtol=1e-7)  # fmt: skip


def test_dataframe_rows_and_bad_method():
    X, y = spector()
    t = LogisticRegression().fit(X, y).inference().odds_ratios(alpha=0.1)
    frame = t.to_dataframe()
    assert list(frame.columns) == [
        "odds ratio",
        "std err",
        "z",
        "P>|z|",
        "[0.05",
        "0.95]",
    ]
    assert list(frame.index) == ["Intercept", "GPA", "TUCE", "PSI"]
    rows = t.rows()
    assert rows[3]["term"] == "PSI"
    assert rows[3]["odds_ratio"] == pytest.approx(np.exp(2.378688), rel=1e-6)
    with pytest.raises(InvalidParameterError, match="'wald' or 'profile'"):
        LogisticRegression().fit(X, y).inference().odds_ratios(method="score")


def test_summary_with_odds_ratios():
    X, y = spector()
    model = LogisticRegression().fit(X, y)
    ref = _sm(X, y)
    text = model.summary(odds_ratios=True).as_text()
    assert "odds ratio" in text and "delta method" in text
    # PSI: exp(2.378688) = 10.79 (4 significant digits, as the coefficient table)
    psi = next(line for line in text.splitlines() if line.startswith("PSI"))
    assert psi.split()[1] == f"{np.exp(ref.params[3]):#.4g}"
    assert psi.split()[5] == f"{np.exp(ref.conf_int()[3, 0]):#.4g}"
    profile = model.summary(X, y, odds_ratios="profile")
    assert "profile-likelihood" in profile.as_text()
    assert "odds ratio" in profile.as_html() and "odds ratio" in profile.as_markdown()
    # the default stays the coefficient table
    assert "odds ratio" not in model.summary().as_text()
    with pytest.raises(InvalidParameterError, match="odds_ratios must be"):
        model.summary(odds_ratios="yes")
    with pytest.raises(InvalidParameterError, match="needs the training data"):
        model.summary(odds_ratios="profile")


def test_profile_is_fast_and_exact_at_a_large_weight_sum(monkeypatch):
    """Frequency weights of 20 000 on Spector (a weight sum of 640 000): each
    constrained fit stops at the log-likelihood's resolution instead of
    line-searching rounding noise (it took ~50 passes per fit before). The
    bounds are roots of the profile deviance, checked by independent numpy
    Newton refits (the weighted log-likelihood is K times the unweighted)."""
    from logistic._objective import LogisticObjective

    X, y = spector()
    K = 20_000.0
    w = np.full(len(y), K)
    model = LogisticRegression().fit(X, y, sample_weight=w)
    res = model.inference(X, y, sample_weight=w)
    calls = {"n": 0}
    original = LogisticObjective.value_and_gradient

    def counting(self, theta):
        calls["n"] += 1
        return original(self, theta)

    monkeypatch.setattr(LogisticObjective, "value_and_gradient", counting)
    ci = np.asarray(res.conf_int(method="profile"))
    assert calls["n"] <= 8 * 15  # 8 endpoints, a handful of passes each
    Xc = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    yy = np.asarray(y, float)
    beta = res.params.to_numpy()
    llf_hat = _numpy_logit_llf(Xc, yy, np.zeros(len(y)), beta.copy())
    for j in range(Xc.shape[1]):
        for c in ci[j]:
            llc = _numpy_logit_llf(
                np.delete(Xc, j, axis=1), yy, c * Xc[:, j], np.delete(beta, j)
            )
            assert 2 * K * (llf_hat - llc) == pytest.approx(chi2.isf(0.05, 1), rel=1e-6)
    # terms= profiles only the named terms, the same numbers, the rest NaN
    part = res.conf_int(method="profile", terms=["GPA", 3])
    np.testing.assert_allclose(np.asarray(part)[[1, 3]], ci[[1, 3]], rtol=1e-9)
    assert np.isnan(np.asarray(part)[[0, 2]]).all()
    odds = res.odds_ratios(method="profile", terms="PSI")  # that row only
    assert odds.term_names == ["PSI"]
    np.testing.assert_allclose(odds.conf_int[0], np.exp(ci[3]), rtol=1e-9)
    # Wald too (terms= was ignored there, a misspelt term included); display order
    wald = res.odds_ratios(terms=["PSI", "GPA"])
    everything = res.odds_ratios()
    assert wald.term_names == ["GPA", "PSI"]
    np.testing.assert_array_equal(wald.conf_int, everything.conf_int[[1, 3]])
    np.testing.assert_array_equal(wald.odds_ratio, everything.odds_ratio[[1, 3]])
    with pytest.raises(InvalidParameterError, match="not a term"):
        res.odds_ratios(terms=["GPAA"])
    with pytest.raises(InvalidParameterError, match="not a term"):
        res.conf_int(method="profile", terms=["nope"])
    with pytest.raises(InvalidParameterError, match="method='profile'"):
        res.conf_int(terms=["GPA"])
