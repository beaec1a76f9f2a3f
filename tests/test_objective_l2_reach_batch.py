"""Three contracts of :class:`LogisticObjective` that a solver leans on and that
no other test pinned (each checked by breaking it on purpose):

* the exact evaluation kept at θ is keyed by the L2 strength too: a path
  that changes ``l2`` and warm-starts at the last point evaluated must get
  the new penalty's gradient and Hessian, not the kept ones;
* ``logit_reach(d)`` bounds every row's logit step ``|x_iᵀ d_w + d_b|``,
  the intercept's share included (the line search caps its first trial by it);
* ``batch_gradient(θ, block, total)`` divides the block's loss sum by
  ``total`` (``partial_fit``: rows times the stream's mean weight), not by
  the block's own weight.

References: the formulas written out in numpy here (scipy's ``expit``), no
code of the package.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from logistic._objective import LogisticObjective
from logistic._typing import Block


def _problem(seed=0, n=150, p=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.array([0.5, 1.0, 2.0, 4.0])[:p]
    y = (rng.random(n) < expit(X @ np.linspace(1, -1, p))).astype(float)
    s = rng.integers(1, 4, n).astype(float)
    theta = np.r_[np.linspace(0.3, -0.3, p), 0.2]
    return X, y, s, theta


def _reference(X, y, s, l2, theta):
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    p = expit(z)
    W = s.sum()
    value = np.sum(s * (np.logaddexp(0, z) - y * z)) / W + 0.5 * l2 * w @ w
    r = s * (p - y)
    grad = np.append(X.T @ r / W + l2 * w, r.sum() / W)
    Xt = np.c_[X, np.ones(len(y))]
    H = Xt.T @ (Xt * (s * p * (1 - p))[:, None]) / W
    H[:-1, :-1] += l2 * np.eye(X.shape[1])
    return value, grad, H


def test_kept_evaluation_follows_a_change_of_l2():
    X, y, s, theta = _problem()
    obj = LogisticObjective.from_arrays(X, y, s, l2=0.0)
    obj.value_gradient_hessian(theta)  # kept at θ with l2 = 0
    obj.l2 = 0.7  # a regularization path's next strength, warm-started at θ
    value, grad, H = obj.value_gradient_hessian(theta)
    v_ref, g_ref, H_ref = _reference(X, y, s, 0.7, theta)
    assert value == pytest.approx(v_ref, rel=1e-12)
    np.testing.assert_allclose(grad, g_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H, H_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(obj.hessian(theta), H_ref, rtol=1e-10, atol=1e-12)


def test_logit_reach_bounds_every_logit_step_intercept_included():
    X, y, s, _ = _problem(1)
    obj = LogisticObjective.from_arrays(X, y, s)
    obj.column_moments()  # the data-statistics pass the bound reads
    rng = np.random.default_rng(2)
    for d in [np.r_[np.zeros(4), 3.0], *rng.standard_normal((20, 5))]:
        steps = np.abs(X @ d[:-1] + d[-1])
        bound = np.abs(X).max(axis=0) @ np.abs(d[:-1]) + abs(d[-1])
        reach = obj.logit_reach(d)
        assert reach >= steps.max()
        assert reach == pytest.approx(bound, rel=1e-12)


def test_batch_gradient_divides_by_the_given_total():
    X, y, s, theta = _problem(3)
    obj = LogisticObjective.from_arrays(X, y, s, l2=0.2)
    rows = slice(10, 40)
    block = Block(X[rows], y[rows], s[rows], None)
    w, b = theta[:-1], theta[-1]
    r = s[rows] * (expit(X[rows] @ w + b) - y[rows])
    for total in (None, 30 * 5.0):
        divisor = s[rows].sum() if total is None else total
        ref = np.append(X[rows].T @ r / divisor + 0.2 * w, r.sum() / divisor)
        np.testing.assert_allclose(
            obj.batch_gradient(theta, block, total), ref, rtol=1e-12, atol=1e-14
        )
