"""``newton-cd`` and ``newton-cd-columns`` on an unpenalized design whose
one-hot columns keep every level (they sum to the intercept's column).

Without an L1 term the inner model was solved by an unscaled Cholesky factor
whenever it factored; on this exactly singular Hessian roundoff left a pivot
of ~1e-16, the step ran off along the flat direction, the line search
refused it, and the fit stopped after one or two iterations ("no descent
direction") 1.6 % above the optimum (lbw with the three race dummies:
3.4e-4). A model singular to rounding now goes to coordinate descent.

References: the exact maximum-likelihood fit of a one-hot design is the
group means (closed form); for lbw, statsmodels' GLM of the same design
without one race dummy (the same fitted probabilities)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import LogisticRegression

SOLVERS = ["newton-cd", "newton-cd-columns"]


def _loss(X, y, m):
    z = X @ m.coef_.ravel() + m.intercept_[0]
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@pytest.mark.parametrize("solver", SOLVERS)
def test_group_means_are_reached(solver):
    rng = np.random.default_rng(0)
    n, K = int(rng.integers(50, 400)), int(rng.integers(2, 6))  # 347, 4
    g = rng.integers(0, K, n)
    X = np.eye(K)[g]
    y = (rng.random(n) < rng.uniform(0.1, 0.9, K)[g]).astype(float)
    p = np.array([y[g == k].mean() for k in range(K)])
    best = float(np.mean(-(y * np.log(p[g]) + (1 - y) * np.log1p(-p[g]))))
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=Warning)
        m = LogisticRegression(solver=solver).fit(X, y)
    assert m.converged_
    assert _loss(X, y, m) == pytest.approx(best, rel=1e-12)
    assert np.allclose(m.predict_proba(X)[:, 1], p[g], atol=1e-7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_lbw_with_every_race_dummy(solver):
    sm = pytest.importorskip("statsmodels.api")
    lb = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    race = [(lb.race == k).astype(float) for k in (1, 2, 3)]
    rest = [lb.smoke, lb.ptl, lb.ht, lb.ui, lb.ftv]
    X = np.column_stack([lb.age, lb.lwt, *race, *rest]).astype(float)
    y = lb.low.to_numpy(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the singular Hessian may be noted
        m = LogisticRegression(solver=solver).fit(X, y)
    assert m.converged_
    reduced = np.delete(X, 4, axis=1)  # without race == 3: full rank
    ref = sm.GLM(y, sm.add_constant(reduced), family=sm.families.Binomial()).fit()
    assert _loss(X, y, m) == pytest.approx(-ref.llf / len(y), rel=1e-10)
    assert np.allclose(m.predict_proba(X)[:, 1], ref.fittedvalues, atol=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_weak_l2_term_still_gets_the_exact_step(solver):
    """A duplicated column held up by a weak L2 term (C = 1e8 on 200 000
    rows: scaled pivots ~1e-13) has one penalized optimum, which splits the
    coefficient equally. A first version sent such models to coordinate
    descent by a pivot test, which stopped at 0.93 / 0.07 (review).
    Reference: scikit-learn's newton-cholesky on the same problem."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(1)
    n = 200_000
    X = rng.normal(size=(n, 3))
    X = np.column_stack([X, X[:, 0]])
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, :3] @ [1.0, -0.5, 0.25]))).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(penalty="l2", C=1e8, solver=solver).fit(X, y)
    ref = linear_model.LogisticRegression(
        C=1e8, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    assert m.coef_[0, 0] == pytest.approx(m.coef_[0, 3], rel=1e-6)
    assert np.allclose(m.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
