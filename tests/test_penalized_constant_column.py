"""A constant column beside the intercept under a penalty with an L2 term:
its coefficient is 0 at the optimum (the loss sees only b + c·w, the penalty
prefers w = 0). Standardized about 0 its coordinate copied the intercept's,
told apart only by a curvature of λ/c², and coordinate descent crawled (a
column of 1e5 in a 2-row elastic net: 272 iterations; a 20 × 300 problem
with such columns: 368 against 15 for the column solver). Centred, its
coordinate carries the penalty alone."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression

X = np.array([[1e5, -1.7884270970242788], [1e5, -0.073060556726391751]])
y = np.array([1.0, 0.0])
off = np.array([0.9177473833710376, -1.8281629008129767])


@pytest.mark.parametrize("solver", ["newton-cd", "newton-cd-columns", "fista"])
def test_a_constant_column_under_an_elastic_net_takes_few_iterations(solver):
    model = LogisticRegression(
        penalty="elasticnet", C=0.9307524085182991, l1_ratio=0.1, solver=solver
    ).fit(X, y, offset=off)
    assert model.converged_ and model.n_iter_[0] <= 20
    assert model.coef_[0, 0] == 0.0
    # the same problem without the constant column (its coefficient is 0)
    alone = LogisticRegression(
        penalty="elasticnet", C=0.9307524085182991, l1_ratio=0.1, solver=solver
    ).fit(X[:, 1:], y, offset=off)
    assert model.coef_[0, 1] == pytest.approx(alone.coef_[0, 0], rel=1e-6)
    assert model.objective_ == pytest.approx(alone.objective_, rel=1e-10)


def test_a_constant_column_under_l2_is_zero_for_every_solver():
    rng = np.random.default_rng(0)
    Z = np.column_stack([np.full(200, 3e4), rng.normal(size=(200, 2))])
    t = (rng.random(200) < 1 / (1 + np.exp(-Z[:, 1]))).astype(int)
    fits = {
        s: LogisticRegression(penalty="l2", C=1.0, solver=s).fit(Z, t)
        for s in ("lbfgs", "newton", "newton-cg", "newton-cd")
    }
    for model in fits.values():
        assert model.converged_
        assert abs(model.coef_[0, 0]) < 1e-9
        assert model.objective_ == pytest.approx(fits["newton"].objective_, rel=1e-9)
