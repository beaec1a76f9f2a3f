"""A path point at alpha 0 is maximum likelihood, which does not exist on
separated classes (Albert & Anderson 1984: some β has t_i x̃_iᵀβ > 0 on
every row). ``LogisticRegression(penalty=None)`` warns of it, and so do
``path`` and ``LogisticRegressionCV`` with ``alphas`` ending at 0, whose
coefficients there are where the solver stopped (~500 here) with
``converged`` True.

The data are separated by construction (y = [x₀ > 0]) or drawn independently
of X (overlapping classes: the MLE exists).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic
from logistic import LogisticRegressionCV, PerfectSeparationWarning


def _data(separated):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4))
    y = (X[:, 0] > 0) if separated else (rng.random(100) < 0.5)
    return X, y.astype(float)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.0])
def test_an_unpenalized_point_on_separated_classes_warns(l1_ratio):
    X, y = _data(separated=True)
    with pytest.warns(PerfectSeparationWarning, match="Complete separation"):
        logistic.path(X, y, alphas=[1.0, 0.0], l1_ratio=l1_ratio)


def test_the_refit_of_a_cross_validation_at_alpha_zero_warns():
    X, y = _data(separated=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegressionCV(alphas=[0.0], cv=3).fit(X, y)
    assert any(issubclass(w.category, PerfectSeparationWarning) for w in caught)


def test_overlapping_classes_or_a_penalty_do_not_warn():
    X, y = _data(separated=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logistic.path(X, y, alphas=[1.0, 0.0])
    X, y = _data(separated=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logistic.path(X, y, alphas=[1.0, 0.1])
