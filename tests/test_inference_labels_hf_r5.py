"""Firth without an intercept, columns spanning the constant (review R5, 8):
the penalized likelihood-ratio test's null follows the unpenalized one
(intercept-only, ``df = k - 1``), as ``LL-null`` and ``Df model`` do.

lbw ``low ~ C(race) + smoke - 1`` (the three race levels and smoke, no
intercept). References: the same model written with an intercept
(``low ~ C(race) + smoke``, whose penalized LR test is logistf's), and an
independent numpy computation: along the intercept-only line every
probability is ``p``, the full model's information is ``p(1-p) XᵀX``, and
``ℓ*(p) = Σ [y log p + (1-y) log(1-p)] + ½ log det(p(1-p) XᵀX)`` is
maximized at ``p₀ = (Σy + k/2) / (n + k)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from scipy.stats import chi2

from logistic import LogisticRegression


def _lbw_race():
    from conftest import data_path

    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    X = pd.get_dummies(d.race.astype(str), prefix="race").astype(float)
    X["smoke"] = d.smoke.astype(float)
    return d, X


def _penalized_loglik(X: np.ndarray, y: np.ndarray, z: np.ndarray) -> float:
    p = expit(z)
    ll = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
    sign, logdet = np.linalg.slogdet((X * (p * (1 - p))[:, None]).T @ X)
    assert sign > 0
    return ll + 0.5 * logdet


def test_firth_spanning_constant_penalized_null_is_intercept_only():
    d, X = _lbw_race()
    y = d.low.to_numpy(dtype=float)
    model = LogisticRegression(penalty="firth", fit_intercept=False).fit(X, y)
    res = model.inference(X, y)
    stat, pvalue, df = res.llr_penalized
    assert df == res.df_model == 3

    # independent: closed-form penalized null, numpy log-determinants
    A = X.to_numpy()
    n, k = A.shape
    p0 = (y.sum() + k / 2) / (n + k)
    null = _penalized_loglik(A, y, np.full(n, np.log(p0 / (1 - p0))))
    hat = _penalized_loglik(A, y, A @ model.coef_.ravel())
    assert stat == pytest.approx(2 * (hat - null), rel=1e-6)
    assert pvalue == pytest.approx(chi2.sf(2 * (hat - null), 3), rel=1e-5)

    # the same model written with an intercept: logistf's null, same statistic
    Xi = X.drop(columns="race_1")
    with_one = LogisticRegression(penalty="firth").fit(Xi, y).inference(Xi, y)
    stat1, _, df1 = with_one.llr_penalized
    assert df1 == 3 and stat == pytest.approx(stat1, rel=1e-6)
    text = res.summary().as_text()
    assert "Penalized LR chi2(3)" in text and "Penalized LR chi2(4)" not in text


def test_firth_without_the_constant_keeps_beta_zero_null():
    d, X = _lbw_race()
    X = X.drop(columns="race_1")  # the constant is not spanned: logistf's β = 0
    y = d.low.to_numpy(dtype=float)
    model = LogisticRegression(penalty="firth", fit_intercept=False).fit(X, y)
    stat, _, df = model.inference(X, y).llr_penalized
    A = X.to_numpy()
    null = _penalized_loglik(A, y, np.zeros(len(y)))
    hat = _penalized_loglik(A, y, A @ model.coef_.ravel())
    assert df == 3 and stat == pytest.approx(2 * (hat - null), rel=1e-6)


def test_firth_default_plr_budget_counts_rows():
    """200 rows with frequency weights 1e4: k² · rows is small, so the Firth
    summary shows logistf's PLR tests and profile intervals (k² · Σw = 3.2e7
    is above the budget, 2e7)."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 3))
    y = (rng.random(200) < expit(X @ [0.5, -0.4, 0.3])).astype(float)
    w = np.full(200, 1e4)
    model = LogisticRegression(penalty="firth").fit(X, y, sample_weight=w)
    res = model.inference(X, y, w)
    assert res.k_params**2 * res.nobs > 2e7 >= res.k_params**2 * 200
    text = str(res.summary())
    assert "z (Wald)" not in text and "many constrained refits" not in text
