"""A K-class L1 fit that stops at max_iter is not advised a binary-only solver.

The ConvergenceWarning of a 3-class sparse L1 fit (``auto`` took 'fista')
said "or use solver='newton-cd-columns'", which then raised
MultiClassNotSupportedError.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from logistic import ConvergenceWarning, LogisticRegression


def test_k_class_l1_warning_names_no_binary_only_solver():
    rng = np.random.default_rng(0)
    X = sp.random(300, 400, density=0.02, random_state=0, format="csr")
    y = np.digitize(X @ np.r_[np.full(10, 30.0), np.zeros(390)] + rng.normal(size=300), [0.3, 0.9])
    assert np.unique(y).size == 3
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty="l1", C=2, solver="fista", max_iter=5).fit(X, y)
    texts = [str(w.message) for w in seen if issubclass(w.category, ConvergenceWarning)]
    assert not model.converged_ and texts
    assert "newton-cd-columns" not in texts[0]
    assert "increase max_iter" in texts[0]


def test_binary_l1_warning_still_names_the_column_solver():
    rng = np.random.default_rng(1)
    X = sp.random(300, 400, density=0.02, random_state=1, format="csr")
    y = (X @ np.r_[np.full(10, 30.0), np.zeros(390)] + rng.normal(size=300) > 0.5).astype(int)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        LogisticRegression(penalty="l1", C=2, solver="fista", max_iter=5).fit(X, y)
    texts = [str(w.message) for w in seen if issubclass(w.category, ConvergenceWarning)]
    assert texts and "solver='newton-cd-columns'" in texts[0]
