"""A ``LogisticRegressionCV``'s chosen model in a model file: ``logistic.save``
writes the refit ``refit=True`` solves (class weights and a model without
intercept included), and the refit by hand that docs/paths.md gives solves the
same problem.

Reference: scikit-learn's ``LogisticRegressionCV`` on the same folds and
``Cs`` (its ``coef_``, ``intercept_``: the refit at its chosen C).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegressionCV as SkLogisticCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

import logistic  # noqa: E402
from logistic import LogisticRegression, LogisticRegressionCV  # noqa: E402


def _data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4))
    p = 1 / (1 + np.exp(1.2 - X @ [1.0, -0.6, 0.4, 0.0]))
    y = (rng.random(300) < p).astype(int)
    return X, y, rng.uniform(0.5, 2.0, 300)


@pytest.mark.parametrize(
    "params",
    [{"class_weight": "balanced"}, {"fit_intercept": False}],
    ids=["balanced", "no-intercept"],
)
def test_save_keeps_scikit_learns_chosen_model(tmp_path, params):
    X, y, sw = _data()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    Cs = [0.003, 0.03, 0.3, 3.0]
    sk = SkLogisticCV(
        Cs=Cs, cv=folds, l1_ratios=None, scoring="neg_log_loss", tol=1e-10,
        max_iter=10_000, use_legacy_attributes=True, **params,
    ).fit(X, y, sample_weight=sw)  # fmt: skip
    cv = LogisticRegressionCV(Cs=Cs, cv=folds, tol=1e-10, **params)
    cv.fit(X, y, sample_weight=sw)
    assert cv.C_[0] == sk.C_[0]
    loaded = logistic.load(logistic.save(cv, tmp_path / "cv.json"))
    np.testing.assert_allclose(loaded.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(loaded.intercept_, sk.intercept_, atol=1e-6)
    assert loaded.fit_intercept == params.get("fit_intercept", True)
    assert loaded.class_weight == params.get("class_weight")
    # the refit by hand (docs/paths.md)
    kept = LogisticRegression(
        penalty=cv.penalty, alpha=cv.alpha_, fit_intercept=cv.fit_intercept,
        class_weight=cv.class_weight, tol=1e-10,
    ).fit(X, y, sample_weight=sw)  # fmt: skip
    np.testing.assert_allclose(kept.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(kept.intercept_, sk.intercept_, atol=1e-6)
    logistic.save(kept, tmp_path / "m.json")


@pytest.mark.parametrize("grid", [{"l1_ratio": 0.3}, {"l1_ratios": [0.9, 0.3]}])
def test_save_keeps_the_chosen_l1_ratio_of_both_layouts(tmp_path, grid):
    """``cv.l1_ratio_[0]`` fails with ``use_legacy_attributes=False`` (a
    float), and the estimator's own ``l1_ratio`` is not the mixing chosen
    from ``l1_ratios``; ``cv.cv_curve_.l1_ratio`` is the chosen mixing in
    both layouts, with or without a grid, and the one the file keeps."""
    X, y, _ = _data()
    cv = LogisticRegressionCV(
        penalty="elasticnet", Cs=3, cv=3, use_legacy_attributes=False, **grid
    ).fit(X, y)
    loaded = logistic.load(logistic.save(cv, tmp_path / "m.json"))
    assert loaded.penalty == "elasticnet"
    assert loaded.l1_ratio == cv.cv_curve_.l1_ratio
    # the mixing of the best mean score (not the parameter l1_ratio's 0.5)
    best = max(curve.mean.max() for curve in cv.cv_curves_)
    assert cv.cv_curve_.mean.max() == best and cv.cv_curve_.l1_ratio != 0.5
    kept = LogisticRegression(
        penalty=cv.penalty, alpha=cv.alpha_, l1_ratio=cv.cv_curve_.l1_ratio
    ).fit(X, y)
    np.testing.assert_allclose(kept.coef_, cv.coef_, atol=1e-6)
