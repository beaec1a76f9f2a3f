"""Truncated Newton under a large offset: its line search starts where
Newton's does (``_linesearch.first_trial``). With an offset of ±100 every
probability is within e^-100 of 0 or 1 at the start, the curvature vanishes
and the conjugate-gradient direction moves the logits by ~1e40; from t = 1
the halvings never bring it back, and newton-cg stopped at its first step
(coefficients still 0) with a line-search ConvergenceWarning.

Reference: statsmodels' GLM (Binomial, IRLS) with the same offset.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api", reason="the reference fit")


@pytest.mark.parametrize("offset", [100.0, -100.0])
def test_newton_cg_fits_under_a_large_offset(offset):
    rng = np.random.default_rng(0)
    n, p = 200, 5
    X = rng.normal(size=(n, p))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ np.linspace(1, -1, p)))).astype(float)
    off = np.full(n, offset)
    ref = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Binomial(), offset=off
    ).fit(tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = LogisticRegression(solver="newton-cg").fit(X, y, offset=off)
    assert m.converged_
    np.testing.assert_allclose(m.coef_.ravel(), ref.params[1:], rtol=1e-7, atol=1e-9)
    assert m.intercept_[0] == pytest.approx(ref.params[0], rel=1e-10)
