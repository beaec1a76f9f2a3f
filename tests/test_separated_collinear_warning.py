"""The near-collinearity warning of a separated fit's inference.

Under separation the information vanishes along the separating direction, so
the equilibrated information is nearly singular there and the inference warns
of nearly collinear columns, naming the separating direction's relation
(``1·Intercept - 0.5·x1 ≈ 0`` for ``z = 0.5 x - 1`` below) although the
columns are far from collinear (numpy's condition number of the standardized
design is about 3). The warning says that the relation may be the separation's;
a fit that is not separated keeps the plain warning.
"""

from __future__ import annotations

import warnings

import numpy as np

from logistic import LogisticRegression
from logistic._exceptions import NumericalStabilityWarning


def _stability_warnings(X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression().fit(X, y).inference(X, y)
    return [str(w.message) for w in caught if w.category is NumericalStabilityWarning]


def test_separated_fit_says_the_relation_may_be_the_separation():
    # quasi-complete: x = 2 holds one event of three, on the boundary z = 0
    X = np.repeat([[1.0], [2.0], [3.0], [4.0]], 3, axis=0)
    y = np.array([0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1])
    design = np.column_stack([np.ones(12), (X[:, 0] - X[:, 0].mean()) / X[:, 0].std()])
    assert np.linalg.cond(design) < 10  # the columns are not collinear
    found = _stability_warnings(X, y)
    assert len(found) == 1 and "nearly collinear" in found[0]
    assert "The fit is separated (quasi-complete)" in found[0]


def test_collinear_columns_of_a_fit_that_is_not_separated_keep_the_plain_warning():
    rng = np.random.default_rng(3)
    x1 = rng.normal(size=400)
    X = np.column_stack([x1, x1 + 3e-6 * rng.normal(size=400)])
    y = (rng.random(400) < 1 / (1 + np.exp(-x1))).astype(int)
    found = _stability_warnings(X, y)
    assert len(found) == 1 and "nearly collinear" in found[0]
    assert "separated" not in found[0]
