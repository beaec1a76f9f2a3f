"""Inference without re-passing the data (logistic.inference._stored), named
results, and float32 coefficients for float32 data.

References: statsmodels' ``Logit`` (unpenalized) and the same library's
inference over the data given again (which reads the rows independently of
what fit kept).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import InvalidParameterError, LogisticRegression

sm = pytest.importorskip("statsmodels.api")


def ucla():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = pd.get_dummies(d[["gre", "gpa", "rank"]], columns=["rank"], drop_first=True)
    return X.astype(float), d["admit"].to_numpy()


def test_summary_without_data_matches_statsmodels_logit():
    X, y = ucla()
    model = LogisticRegression().fit(X, y)
    res = model.inference()
    ref = sm.Logit(y, sm.add_constant(X)).fit(method="newton", tol=1e-14, disp=0)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-7)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-7)
    np.testing.assert_allclose(res.cov_params().to_numpy(), ref.cov_params(), rtol=1e-6)
    for name in ("llf", "llnull", "aic", "bic", "prsquared"):
        np.testing.assert_allclose(getattr(res, name), getattr(ref, name), rtol=1e-8)
    np.testing.assert_allclose(res.llr_pvalue, ref.llr_pvalue, rtol=1e-6)
    assert model.summary().as_text() == model.summary(X, y).as_text()


def test_results_are_named_series_with_names_and_arrays_without():
    X, y = ucla()
    res = LogisticRegression().fit(X, y).inference()
    names = ["Intercept", "gre", "gpa", "rank_2", "rank_3", "rank_4"]
    for attr in ("params", "bse", "zvalues", "pvalues"):
        value = getattr(res, attr)
        assert isinstance(value, pd.Series) and list(value.index) == names
    ci = res.conf_int()
    assert isinstance(ci, pd.DataFrame) and list(ci.columns) == [0, 1]
    assert list(ci.index) == names
    cov = res.cov_params()
    assert list(cov.index) == names == list(cov.columns)
    plain = LogisticRegression().fit(X.to_numpy(), y).inference()
    for attr in ("params", "bse", "pvalues"):
        assert type(getattr(plain, attr)) is np.ndarray
    assert type(plain.conf_int()) is np.ndarray
    np.testing.assert_allclose(plain.bse, res.bse.to_numpy(), rtol=1e-12)


def test_offset_and_no_intercept_null_models_need_no_data():
    X, y = ucla()
    off = np.linspace(-0.5, 0.5, len(y))
    for kw in ({}, {"fit_intercept": False}):
        model = LogisticRegression(**kw).fit(X, y, offset=off)
        kept, again = model.inference(), model.inference(X, y, offset=off)
        for name in ("llf", "llnull", "deviance", "null_deviance", "aic"):
            np.testing.assert_allclose(
                getattr(kept, name), getattr(again, name), rtol=1e-9
            )
        np.testing.assert_allclose(kept.bse, again.bse, rtol=1e-9)


def test_firth_fit_summary_without_data():
    X, y = ucla()
    model = LogisticRegression(penalty="firth").fit(X, y)
    kept, again = model.inference(), model.inference(X, y)
    np.testing.assert_allclose(kept.bse, again.bse, rtol=1e-9)
    np.testing.assert_allclose(kept.llf_penalized, again.llf_penalized, rtol=1e-10)
    assert "Penalized LL" in model.summary().as_text()


def test_robust_covariances_and_profiles_still_need_the_data():
    X, y = ucla()
    model = LogisticRegression().fit(X, y)
    with pytest.raises(InvalidParameterError, match=r"cov_type='HC1' needs the train"):
        model.inference(cov_type="HC1")
    res = model.inference()
    with pytest.raises(InvalidParameterError, match="needs the training data"):
        res.conf_int(method="profile")
    hc0 = model.inference(X, y, cov_type="HC0")
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, cov_type="HC0", tol=1e-14)
    np.testing.assert_allclose(hc0.bse.to_numpy(), ref.bse, rtol=1e-6)


def test_penalized_and_streamed_fits_keep_no_statistics():
    X, y = ucla()
    penalized = LogisticRegression(penalty="l2").fit(X, y)
    assert penalized.fit_statistics_ is None
    with pytest.raises(InvalidParameterError, match="penalized fit"):
        penalized.inference()
    stream = LogisticRegression().partial_fit(X, y, classes=[0, 1])
    assert stream.fit_statistics_ is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused before any warning
        with pytest.raises(InvalidParameterError, match="fitted by partial_fit"):
            stream.inference()


def test_wide_fits_keep_no_statistics(monkeypatch):
    from logistic.inference import _stored

    monkeypatch.setattr(_stored, "MAX_STORED_PARAMS", 3)
    X, y = ucla()
    model = LogisticRegression().fit(X, y)
    assert model.fit_statistics_ is None
    assert model.inference(X, y).bse.shape == (6,)


def test_float32_data_give_float32_coefficients():
    X, y = ucla()
    X32 = X.to_numpy(np.float32)
    X32[:, 0] /= 100  # gre in hundreds: a float32 problem that converges
    m32 = LogisticRegression(tol=1e-4).fit(X32, y)  # float32's resolution
    m64 = LogisticRegression().fit(X32.astype(np.float64), y)
    assert m32.coef_.dtype == np.float32 and m32.intercept_.dtype == np.float32
    assert m64.coef_.dtype == np.float64
    np.testing.assert_allclose(m32.coef_, m64.coef_, rtol=1e-3)
    np.testing.assert_allclose(
        m32.predict_proba(X32), m64.predict_proba(X32), atol=1e-4
    )
    # inference reads the fit's own float64 coefficients, not the rounded coef_
    res = m32.inference()
    assert res.params.dtype == np.float64
    np.testing.assert_allclose(res.bse, m64.inference().bse, rtol=1e-3)


def test_each_computation_without_the_data_names_itself():
    """A Firth lr_test without the rows said "a profile-likelihood computation
    needs the training data": the caller had asked for an LR test."""
    X, y = ucla()
    firth_big = LogisticRegression(penalty="firth").fit(X, y)
    firth_small = LogisticRegression(penalty="firth").fit(X[["gre", "gpa"]], y)
    with pytest.raises(InvalidParameterError, match="^lr_test of Firth fits .* needs the training"):
        firth_big.inference().lr_test(firth_small.inference())
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError, match=r"^pvalues_lr\(\) .* needs the training"):
        res.pvalues_lr()
    with pytest.raises(InvalidParameterError, match=r"^conf_int\(method='profile'\) needs"):
        res.conf_int(method="profile")
    with pytest.raises(InvalidParameterError, match=r"^llr_penalized .* needs the training"):
        _ = firth_big.inference().llr_penalized
