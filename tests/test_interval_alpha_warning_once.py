"""``conf_int(alpha=0.95)`` warns once that alpha is one minus the coverage
(the call checked alpha, then the Wald table it builds checked it again: the
same warning twice from one line)."""

from __future__ import annotations

import warnings

import pytest

from logistic import IntervalAlphaWarning, LogisticRegression, datasets


@pytest.mark.parametrize("method", ["wald", "profile"])
def test_one_warning_per_call(method):
    X, y, _ = datasets.load_ucla_admissions()
    res = LogisticRegression().fit(X, y).inference(X, y)  # profiles need the rows
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res.conf_int(alpha=0.95, method=method)
    alpha_warnings = [w for w in caught if w.category is IntervalAlphaWarning]
    assert len(alpha_warnings) == 1


@pytest.mark.parametrize("how", ["model", "get_prediction"])
def test_one_warning_per_prediction_interval(how):
    """``predict_interval(X, alpha=0.95)`` built its frame from the
    probability and the logit intervals, each checking alpha: two warnings
    from one line."""
    X, y, _ = datasets.load_ucla_admissions()
    model = LogisticRegression().fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if how == "model":
            frame = model.predict_interval(X[:2], alpha=0.95)
        else:
            frame = model.inference().get_prediction(X[:2]).summary_frame(alpha=0.95)
    alpha_warnings = [w for w in caught if w.category is IntervalAlphaWarning]
    assert len(alpha_warnings) == 1
    assert alpha_warnings[0].filename == __file__
    # 5 % intervals: narrow, about the fitted probability
    low, high = frame["mean_ci_lower"], frame["mean_ci_upper"]
    assert (low < frame["mean"]).all() and (frame["mean"] < high).all()
