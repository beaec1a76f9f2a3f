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
