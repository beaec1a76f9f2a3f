"""The subspace steps' row sample on wide rows (`solvers/_subspace.sample_rows`):
at most ``SAMPLE_VALUES`` values of X, at least ``MIN_SAMPLE_ROWS`` rows, and
the steps on that smaller sample still reach the optimum.

Reference optimum: scikit-learn's ``LogisticRegression(solver="newton-cholesky")``
at ``tol=1e-12`` (C = 1 on the summed loss, our λ = 1/n).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic._objective import LogisticObjective
from logistic.solvers import _subspace
from logistic.solvers.lbfgs import LBFGS


def test_wide_rows_take_fewer_sampled_rows():
    # wide100k's shape: 2 000 000 values / 1 000 columns
    assert _subspace.sample_rows(1_000) == 2_000
    assert _subspace.sample_rows(100) == _subspace.SAMPLE_ROWS
    assert _subspace.sample_rows(100_000) == _subspace.MIN_SAMPLE_ROWS


def test_steps_on_a_values_bounded_sample_reach_the_optimum(monkeypatch):
    n, p = 70_000, 40
    rng = np.random.default_rng(5)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.uniform(-1, 1, p)
    beta = rng.standard_normal(p) * 2 / np.sqrt(p) / X.std(axis=0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta)))).astype(np.float64)
    # the wide-row rule at this width: 2 500 rows instead of SAMPLE_ROWS
    monkeypatch.setattr(_subspace, "SAMPLE_VALUES", 2_500 * p)
    sample = _subspace.sample_for_subspace(
        LogisticObjective.from_arrays(X, y, l2=1 / n)
    )
    assert sample is not None and sample[0].shape[0] == 2_500

    obj = LogisticObjective.from_arrays(X, y, l2=1.0 / n)
    res = LBFGS(tol=1e-9, max_iter=500).solve(obj, np.zeros(obj.n_params))
    assert any(h.get("subspace") for h in res.history)
    assert res.converged
    sk = SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=200)
    sk.fit(X, y)
    ref = np.r_[sk.coef_.ravel(), sk.intercept_]
    np.testing.assert_allclose(res.coef, ref, rtol=1e-6, atol=1e-7)
