"""Sampling (survey / inverse-probability) weights in inference.

References computed here, outside the code under test: statsmodels'
``GLM(var_weights=w).fit(cov_type="HC0")`` (statsmodels 0.15: the sandwich
with the squared weights in the meat; its GLM "HC1" has no small-sample
factor), an independent numpy sandwich, and Stata's ``logit [pw=w]``
(the same sandwich times n/(n-1), n the rows).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError


def _data(seed: int = 3, n: int = 240):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    z = 0.3 + X @ np.array([0.8, -0.5, 0.2])
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    w = rng.uniform(0.5, 3.0, n)
    w[:15] = 0.0  # rows outside the sample count as no observation
    return X, y, w


def _numpy_sandwich(X, y, w, theta):
    """``I⁻¹ (Σ (w r)² x xᵀ) I⁻¹``, intercept first, written from the formula."""
    Xt = np.column_stack([np.ones(len(y)), X])
    p = 1 / (1 + np.exp(-(Xt @ theta)))
    bread = np.linalg.inv((Xt * (w * p * (1 - p))[:, None]).T @ Xt)
    scores = Xt * (w * (y - p))[:, None]
    return bread @ (scores.T @ scores) @ bread


@pytest.fixture(scope="module")
def fitted():
    X, y, w = _data()
    return LogisticRegression().fit(X, y, sample_weight=w), X, y, w


def test_hc0_matches_statsmodels_var_weights_and_numpy(fitted):
    sm = pytest.importorskip("statsmodels.api")
    model, X, y, w = fitted
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    assert res.cov_type == "HC0"  # the default under sampling weights
    keep = w > 0  # statsmodels divides by var_weights: rows of weight 0 left out
    family = sm.families.Binomial()
    ref = sm.GLM(y[keep], sm.add_constant(X[keep]), family=family, var_weights=w[keep])
    ref = ref.fit(cov_type="HC0", tol=1e-13)
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-6)
    V = _numpy_sandwich(X, y, w, np.asarray(res.params))
    np.testing.assert_allclose(res.covariance(), V, rtol=1e-6, atol=1e-12)


def test_hc1_and_stata_factors(fitted):
    model, X, y, w = fitted
    rows = int(np.count_nonzero(w > 0))
    V = _numpy_sandwich(
        X,
        y,
        w,
        np.asarray(model.inference(X, y, w, sample_weight_kind="sampling").params),
    )
    hc1 = model.inference(X, y, w, cov_type="HC1", sample_weight_kind="sampling")
    np.testing.assert_allclose(hc1.covariance(), V * rows / (rows - 4), rtol=1e-6)
    # Stata's logit [pw=w]: n/(n-1) times the sandwich, n the rows of the sample
    one_each = np.arange(len(y))
    stata = model.inference(
        X, y, w, cov_type="cluster", groups=one_each, sample_weight_kind="sampling"
    )
    np.testing.assert_allclose(stata.covariance(), V * rows / (rows - 1), rtol=1e-6)


def test_counts_rows_not_weights(fitted):
    model, X, y, w = fitted
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    rows = np.count_nonzero(w > 0)
    assert res.nobs == rows and res.sample_weight_kind == "sampling"
    assert res.df_resid == rows - 4
    with pytest.raises(InvalidParameterError, match="sampling weights"):
        _ = res.bic  # a pseudo-likelihood: refused, as lr_test (review R5)
    text = str(res.summary())
    assert "sampling weights" in text and "not valid" in text
    assert f"{rows}" in text
    # Stata's logit [pw=] labels the weighted log-likelihood so
    assert "Log pseudolikelihood:" in text and "Log-likelihood:" not in text
    plain = str(model.inference(X, y, w).summary())
    assert "Log-likelihood:" in plain and "pseudolikelihood" not in plain


def test_frequency_default_unchanged(fitted):
    model, X, y, w = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.inference(X, y, w, cov_type="HC0")
    assert res.nobs == pytest.approx(w.sum())
    Xt = np.column_stack([np.ones(len(y)), X])
    p = 1 / (1 + np.exp(-(Xt @ np.asarray(res.params))))
    bread = np.linalg.inv((Xt * (w * p * (1 - p))[:, None]).T @ Xt)
    meat = (Xt * (w * (y - p) ** 2)[:, None]).T @ Xt  # Σ w r² x xᵀ: copies
    np.testing.assert_allclose(res.covariance(), bread @ meat @ bread, rtol=1e-6)


def test_refusals(fitted):
    model, X, y, w = fitted
    with pytest.raises(InvalidParameterError, match="nonrobust"):
        model.inference(X, y, w, cov_type="nonrobust", sample_weight_kind="sampling")
    with pytest.raises(InvalidParameterError, match="training data"):
        model.inference(sample_weight_kind="sampling")
    with pytest.raises(InvalidParameterError, match="sample_weight_kind"):
        model.inference(X, y, w, sample_weight_kind="survey")
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = LogisticRegression().fit(X[:, :2], y, sample_weight=w)
        other = small.inference(X[:, :2], y, w, sample_weight_kind="sampling")
    with pytest.raises(InvalidParameterError, match="sampling weights"):
        res.lr_test(other)
    with pytest.raises(InvalidParameterError, match="sampling weights"):
        res.conf_int(method="profile")
    with pytest.raises(InvalidParameterError, match="sampling weights"):
        res.pvalues_lr()


def test_warns_on_non_integer_frequency_weights(fitted):
    model, X, y, w = fitted
    with pytest.warns(UserWarning, match="sample_weight_kind='sampling'") as record:
        model.inference(X, y, w)
    assert sum("non-integer" in str(r.message) for r in record) == 1
    with pytest.warns(UserWarning, match="non-integer sample weights"):
        model.summary()  # the statistics kept at fit know it too
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.inference(X, y, w, sample_weight_kind="sampling")
        counts = np.round(w * 2)
        integer = LogisticRegression().fit(X, y, sample_weight=counts)
        integer.inference(X, y, counts)
        integer.summary()


def test_the_warning_without_data_names_a_call_that_takes_sampling(fitted):
    """predict_interval (and inference() without data) warned "pass
    sample_weight_kind='sampling'", which neither call takes and which
    inference() without data refuses: the advice now names the call with the
    training data, and that call's prediction interval is the sandwich's.
    Reference: the delta-method standard error of the probability,
    p (1 - p) sqrt(x V x'), with V the numpy sandwich written from the
    formula above."""
    model, X, y, w = fitted
    with pytest.warns(UserWarning, match="non-integer sample weights") as record:
        model.predict_interval(X[:3])
    texts = [str(r.message) for r in record if "non-integer" in str(r.message)]
    assert len(texts) == 1
    advice = "model.inference(X, y, sample_weight, sample_weight_kind='sampling')"
    assert advice in texts[0]
    with pytest.raises(InvalidParameterError, match="needs the training data"):
        model.inference(sample_weight_kind="sampling")  # the old advice, refused
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    frame = res.get_prediction(X[:3]).summary_frame(0.05)
    theta = np.asarray(res.params)
    Xt = np.column_stack([np.ones(3), X[:3]])
    p = 1 / (1 + np.exp(-(Xt @ theta)))
    V = _numpy_sandwich(X, y, w, theta)
    se = p * (1 - p) * np.sqrt(np.einsum("ij,jk,ik->i", Xt, V, Xt))
    np.testing.assert_allclose(np.asarray(frame["mean_se"]), se, rtol=1e-6)


def test_multiclass_refused():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.repeat([0, 1, 2], 30)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(InvalidParameterError, match="two classes"):
        model.inference(X, y, sample_weight_kind="sampling")
