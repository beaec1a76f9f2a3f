"""A path, or a cross-validation over one, whose fits stop at ``max_iter``
short of ``tol`` says so.

With the compiled column solver (``solver="auto"`` on dense data) nothing
warned: ``PathResult.converged`` was False and ``LogisticRegressionCV``
picked C from fits stopped after two iterations (C = 21.5 where the converged
cross-validation picks 0.046) with no ``ConvergenceWarning``, which every
other solver, and scikit-learn's ``LogisticRegressionCV``, gives. Data: the
UCLA admissions file bundled with the package (gre, gpa, rank), standardized.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import ConvergenceWarning, LogisticRegressionCV, datasets, path


def _data() -> tuple[np.ndarray, np.ndarray]:
    X, y, _ = datasets.load_ucla_admissions()
    X = np.asarray(X, dtype=float)
    return (X - X.mean(axis=0)) / X.std(axis=0), np.asarray(y)


def _caught(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [w for w in caught if issubclass(w.category, ConvergenceWarning)]


@pytest.mark.parametrize("l1_ratio", [1.0, 0.0])
def test_a_path_stopped_short_warns_naming_its_strengths(l1_ratio):
    X, y = _data()
    result, caught = _caught(lambda: path(X, y, l1_ratio=l1_ratio, n_alphas=5, max_iter=1))
    short = int((~result.converged).sum())
    assert short > 0
    assert len(caught) == 1
    text = str(caught[0].message)
    assert f"{short} of 5 fits did not converge within max_iter=1" in text
    assert f"{result.alphas[~result.converged][0]:.4g}" in text
    assert caught[0].filename == __file__


def test_a_converged_path_does_not_warn():
    X, y = _data()
    result, caught = _caught(lambda: path(X, y, l1_ratio=1.0, n_alphas=5))
    assert result.converged.all()
    assert caught == []


def test_a_cross_validation_over_fits_stopped_short_warns():
    X, y = _data()
    model, caught = _caught(
        lambda: LogisticRegressionCV(penalty="l2", Cs=4, cv=3, max_iter=1).fit(X, y)
    )
    assert not model.path_.converged.all()
    assert caught, "no ConvergenceWarning"
    assert all("did not converge within max_iter=1" in str(w.message) for w in caught)
