"""The estimator's parameter check is skipped only for values it accepted.

``LogisticRegression.fit`` keeps the parameter values ``validate_params``
accepted (:func:`logistic._fit_steps.validate_once`), so a fit of the same
settings does not check them again. A value equal to an accepted one but of
another type (``1`` for ``True``, ``100.0`` for ``100``) must still be
checked and refused as the constraints say (the messages are
scikit-learn's wording, ``_constraints.validate_params``).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic._fit_steps import _VALIDATED, validate_once

X = np.array([[0.0], [1.0], [2.0], [3.0], [0.5], [2.5]])
y = np.array([0, 0, 1, 1, 1, 0])


def test_equal_value_of_another_type_is_still_refused():
    LogisticRegression(fit_intercept=True).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'fit_intercept' parameter"):
        LogisticRegression(fit_intercept=1).fit(X, y)  # 1 == True, not a bool
    LogisticRegression(max_iter=100).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'max_iter' parameter"):
        LogisticRegression(max_iter=100.0).fit(X, y)


def test_invalid_value_after_valid_ones_is_refused():
    for _ in range(2):
        LogisticRegression(penalty="l2", alpha=0.5).fit(X, y)
    with pytest.raises(InvalidParameterError, match="Got -0.5 instead"):
        LogisticRegression(penalty="l2", alpha=-0.5).fit(X, y)


def test_unhashable_values_are_checked_every_time():
    constraints = LogisticRegression._parameter_constraints
    params = {key: getattr(LogisticRegression(), key) for key in constraints}
    params["class_weight"] = {0: 1.0, 1: 2.0}  # a dict: unhashable
    kept = _VALIDATED.get(id(constraints))
    before = set(kept[1]) if kept is not None else set()
    validate_once("LogisticRegression", params, constraints)
    kept = _VALIDATED.get(id(constraints))
    assert (set(kept[1]) if kept is not None else set()) == before
    params["class_weight"] = [1.0, 2.0]  # a list: unhashable and refused
    with pytest.raises(InvalidParameterError, match="'class_weight' parameter"):
        validate_once("LogisticRegression", params, constraints)
