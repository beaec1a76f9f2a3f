"""scikit-learn's metadata routing: ``set_fit_request`` / ``get_metadata_routing``
let ``GridSearchCV`` and ``Pipeline`` pass ``sample_weight`` with
``enable_metadata_routing=True`` (reference: the same search with routing off,
and scikit-learn's own LogisticRegression with routing on)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression, LogisticRegressionCV

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LogisticRegression as SkLR  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] - X[:, 1] + rng.logistic(size=200) > 0).astype(int)
    sw = rng.integers(1, 4, size=200).astype(float)
    return X, y, sw


def _search(est, X, y, sw, routing: bool):
    grid = {"C": [0.01, 0.1, 1.0]}
    with sklearn.config_context(enable_metadata_routing=routing):
        if routing:
            # weighted accuracy, as GridSearchCV scores without routing
            est = est.set_fit_request(sample_weight=True)
            est = est.set_score_request(sample_weight=True)
        return GridSearchCV(est, grid, cv=3).fit(X, y, sample_weight=sw)


def test_grid_search_routes_sample_weight() -> None:
    X, y, sw = _data()
    on = _search(LogisticRegression(penalty="l2"), X, y, sw, routing=True)
    off = _search(LogisticRegression(penalty="l2"), X, y, sw, routing=False)
    np.testing.assert_array_equal(
        on.cv_results_["mean_test_score"], off.cv_results_["mean_test_score"]
    )
    assert on.best_params_ == off.best_params_
    ref = LogisticRegression(penalty="l2", **on.best_params_).fit(X, y, sw)
    np.testing.assert_array_equal(on.best_estimator_.coef_, ref.coef_)
    sk = _search(SkLR(tol=1e-10), X, y, sw, routing=True)  # scikit-learn's own
    assert on.best_params_ == sk.best_params_
    np.testing.assert_allclose(
        on.best_estimator_.coef_, sk.best_estimator_.coef_, rtol=1e-5
    )


def test_unrequested_weight_is_an_error_as_in_sklearn() -> None:
    X, y, sw = _data()
    for est in (LogisticRegression(penalty="l2"), SkLR()):
        with sklearn.config_context(enable_metadata_routing=True):
            with pytest.raises(ValueError, match="sample_weight"):
                GridSearchCV(est, {"C": [0.1, 1.0]}, cv=3).fit(X, y, sample_weight=sw)


def test_pipeline_routes_sample_weight_and_clone_keeps_requests() -> None:
    X, y, sw = _data()
    with sklearn.config_context(enable_metadata_routing=True):
        est = LogisticRegression(penalty="l2").set_fit_request(sample_weight=True)
        assert clone(est).get_metadata_routing().fit.requests["sample_weight"] is True
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        pipe = make_pipeline(scaler, est).fit(X, y, sample_weight=sw)
    Xs = StandardScaler().fit_transform(X)
    ref = LogisticRegression(penalty="l2").fit(Xs, y, sample_weight=sw)
    np.testing.assert_allclose(pipe[-1].coef_, ref.coef_, rtol=1e-12)


def test_request_methods_and_unknown_metadata() -> None:
    with sklearn.config_context(enable_metadata_routing=True):
        est = LogisticRegression()
        assert est.set_score_request(sample_weight=True) is est
        est.set_partial_fit_request(classes=True)
        with pytest.raises(TypeError, match="Unexpected args"):
            est.set_fit_request(weights=True)
        assert not hasattr(LogisticRegressionCV(), "set_partial_fit_request")
        routing = LogisticRegressionCV().set_fit_request(sample_weight=True)
        # a MetadataRouter (its cv splitter a child), as scikit-learn's
        asked = routing.get_metadata_routing().consumes("fit", ["sample_weight"])
        assert asked == {"sample_weight"}


def test_requests_need_routing_and_the_method() -> None:
    """Reproduction: with routing off (scikit-learn's default),
    ``LogisticRegression().set_fit_request(sample_weight=True)`` returned the
    estimator, where scikit-learn's raises a RuntimeError saying routing must
    be enabled; ``LogisticRegression(penalty="l1").set_partial_fit_request(...)``
    succeeded although that instance has no ``partial_fit`` (its availability
    was read from the class)."""
    for est in (LogisticRegression(), LogisticRegressionCV(), SkLR()):
        with pytest.raises(RuntimeError, match="metadata routing is enabled"):
            est.set_fit_request(sample_weight=True)
    with sklearn.config_context(enable_metadata_routing=True):
        l1 = LogisticRegression(penalty="l1")
        assert not hasattr(l1, "partial_fit")
        assert not hasattr(l1, "set_partial_fit_request")
        with pytest.raises(AttributeError, match="partial_fit"):
            l1.set_partial_fit_request(sample_weight=True)
        assert hasattr(LogisticRegression(), "set_partial_fit_request")
