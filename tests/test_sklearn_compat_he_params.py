"""scikit-learn ≥ 1.8 spellings of the penalty: ``l1_ratio``, ``C=inf``, and
``SelectFromModel``'s reading of ``l1_ratio`` (reference: scikit-learn's own
``LogisticRegression`` on the same data)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.feature_selection import SelectFromModel  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLR  # noqa: E402


def _data(n: int = 200, p: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.logistic(size=n) > 0).astype(int)
    return X, y


@pytest.mark.parametrize(
    "params",
    [{}, {"penalty": "l2"}, {"penalty": "l1", "C": 0.05}, {"penalty": "firth"}],
)
def test_select_from_model_default_threshold(params: dict) -> None:
    X, y = _data()
    sfm = SelectFromModel(LogisticRegression(**params)).fit(X, y)
    coef = np.abs(sfm.estimator_.coef_).ravel()
    # scikit-learn's rule: 1e-5 after an L1 penalty, the mean importance otherwise
    expected = 1e-5 if params.get("penalty") == "l1" else coef.mean()
    assert sfm.threshold_ == pytest.approx(expected)
    np.testing.assert_array_equal(sfm.get_support(), coef >= expected)


def test_select_from_model_l1_keeps_what_sklearn_keeps() -> None:
    X, y = _data()
    ours = SelectFromModel(LogisticRegression(penalty="l1", C=0.05)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk_est = SkLR(l1_ratio=1.0, C=0.05, solver="saga", tol=1e-10, max_iter=10**5)
        sk = SelectFromModel(sk_est).fit(X, y)
    np.testing.assert_array_equal(ours.get_support(), sk.get_support())


def test_l1_ratio_default_is_a_number_and_clone_keeps_it() -> None:
    est = LogisticRegression()
    assert np.isnan(est.get_params()["l1_ratio"])
    assert clone(est).l1_ratio is est.l1_ratio
    assert repr(est) == "LogisticRegression()"


@pytest.mark.parametrize(
    "params",
    [
        {"l1_ratio": 1.0},
        {"l1_ratio": 0.0},
        {"l1_ratio": 0.5},
        {"penalty": "l2", "l1_ratio": 0.5},
        {"penalty": "l1", "l1_ratio": 0.0},
        {"penalty": "firth", "l1_ratio": 1.0},
    ],
)
def test_l1_ratio_that_cannot_apply_is_refused(params: dict) -> None:
    X, y = _data(60)
    # the message names the penalty that applies (unset: the ones to choose from)
    with pytest.raises(InvalidParameterError, match=r"does not apply with penalty=.*unset l1_ratio"):
        LogisticRegression(**params).fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"penalty": "l2", "l1_ratio": 0.0},
        {"penalty": "l1", "l1_ratio": 1.0},
        {"penalty": "l2", "l1_ratio": None},
        {"penalty": None, "l1_ratio": None},
    ],
)
def test_l1_ratio_saying_the_same_as_the_penalty_is_accepted(params: dict) -> None:
    X, y = _data(60)
    LogisticRegression(**params).fit(X, y)


def test_elasticnet_still_needs_l1_ratio() -> None:
    X, y = _data(60)
    with pytest.raises(InvalidParameterError, match="needs the 'l1_ratio'"):
        LogisticRegression(penalty="elasticnet").fit(X, y)


def test_l1_with_l1_ratio_one_equals_sklearn_l1_ratio_one() -> None:
    X, y = _data(60)
    ours = LogisticRegression(penalty="l1", l1_ratio=1.0, C=1.0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = SkLR(l1_ratio=1.0, C=1.0, solver="saga", tol=1e-12, max_iter=10**6)
        sk.fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)


def test_C_inf_means_no_penalty_as_in_sklearn() -> None:
    X, y = _data(100)
    ours = LogisticRegression(C=np.inf).fit(X, y)
    none = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(ours.coef_, none.coef_)
    assert ours.penalty_l1_ == 0 and ours.penalty_l2_ == 0
    sk = SkLR(C=np.inf, tol=1e-12, max_iter=10**4).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-5)
    # a norm penalty of strength 0 is the same fit (binary, as multinomial)
    l2 = LogisticRegression(penalty="l2", C=np.inf).fit(X, y)
    np.testing.assert_allclose(l2.coef_, none.coef_, rtol=1e-8)


def test_C_finite_without_penalty_is_still_refused() -> None:
    X, y = _data(60)
    with pytest.raises(InvalidParameterError, match="has no strength"):
        LogisticRegression(C=0.5).fit(X, y)
