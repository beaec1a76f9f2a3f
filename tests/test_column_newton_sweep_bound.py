"""newton-cd-columns' grown sweep cap is bounded (MAX_GROWN_SWEEPS).

A weak L1 penalty on more used columns than rows leaves each Newton step's
coordinate descent short of its inner tolerance, so every step used its cap
and the cap grew ×4 a step without end (8 192 reads of X in one step of this
300 × 2 000 fit; on 20 000 hashed ad-click rows a fit ran for many minutes).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import LogisticRegression
from logistic.solvers.column_newton import MAX_GROWN_SWEEPS
from test_empty_columns import _hashed


def test_reads_of_x_per_step_bounded_and_optimum_reached() -> None:
    X, y = _hashed(300, 4096, 2000, seed=3)
    m = LogisticRegression(C=100.0, penalty="l1", solver="newton-cd-columns")
    m.fit(X, y)
    reads = np.diff([h["n_passes"] for h in m.history_])
    # a step: its sweeps, the read at the point it reaches, one more at most
    assert reads.max() <= MAX_GROWN_SWEEPS + 2, reads
    assert m.converged_

    # objective against scikit-learn's liblinear at the same C (its
    # intercept penalized: it cannot be lower than ours)
    def objective(coef: np.ndarray, b: float) -> float:
        z = X @ coef.ravel() + b
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + np.abs(coef).sum() / 100.0)

    sk = SkLogisticRegression(C=100.0, l1_ratio=1.0, solver="liblinear", tol=1e-10)
    sk.fit(X, y)
    ours, theirs = (
        objective(m.coef_, m.intercept_[0]),
        objective(sk.coef_, sk.intercept_[0]),
    )
    assert ours <= theirs + 1e-8
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
