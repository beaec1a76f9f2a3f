"""Labels handed straight to ``LogisticObjective.from_arrays`` (the README's
route to ``logistic.solvers.solve``) or to an ``InMemory`` backend given to
``fit`` are not encoded by anyone: labels 1/2 or -1/+1 there made the loss
``log(1 + e^z) - y z`` unbounded below, and the fit returned coefficients of
~1e6 (a warning of non-convergence, no word on y). They are refused, naming
the row; 0/1 labels fit as ``fit(X, y)`` does (R's glm on the UCLA data)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import (
    DataValidationError,
    LogisticObjective,
    LogisticRegression,
    datasets,
)
from logistic.backends import InMemory


@pytest.mark.parametrize("shift", [lambda y: y + 1.0, lambda y: 2.0 * y - 1.0])
def test_unencoded_labels_are_refused(shift):
    X, y, _ = datasets.load_ucla_admissions()
    bad = shift(y.astype(float))
    with pytest.raises(DataValidationError, match=r"from_arrays: y\[\d+\] is -?[12]\.0, expected 0 or 1"):
        LogisticObjective.from_arrays(X, bad)
    with pytest.raises(DataValidationError, match=r"InMemory backend: y\[\d+\] is -?[12]\.0, expected 0 or 1"):
        LogisticRegression().fit(InMemory(X, bad), None)
    with pytest.raises(DataValidationError, match="must be a numeric vector of 400 labels"):
        LogisticObjective.from_arrays(X, np.where(y == 1, "yes", "no"))


def test_encoded_labels_fit_as_arrays_do():
    X, y, _ = datasets.load_ucla_admissions()
    model = LogisticRegression().fit(InMemory(X, y.astype(float)), None)
    # R glm, as printed by UCLA OARC (dataset README)
    np.testing.assert_allclose(model.intercept_, [-3.989979], atol=1e-6)
    objective = LogisticObjective.from_arrays(X, y.astype(float))
    assert objective.value(np.zeros(6)) == pytest.approx(np.log(2.0))


def test_class_indices_of_k_classes():
    X = np.random.default_rng(0).standard_normal((30, 2))
    with pytest.raises(DataValidationError, match=r"y\[0\] is 3.0, expected a class index 0 … 2"):
        LogisticRegression().fit(InMemory(X, np.full(30, 3.0), classes=[0, 1, 2]), None)
