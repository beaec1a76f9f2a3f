"""Newton-type solvers under a large offset (``logistic.solvers._linesearch``:
the first trial's logit reach).

With a constant offset of 20 or 40 and most labels 0, every probability
starts within ~1e-9 of 1: the curvature nearly vanishes, the Newton step
moves the logits by 1e8 and more, and 50 halvings of ``t = 1`` stalled
(``newton``, ``newton-cd`` and ``newton-cd-columns`` stopped after 1-2 steps
at objective 14.9 or 31.7). Reference: scikit-learn has no offset, so the reference is our
L-BFGS, which takes no Newton steps, at the same tolerance, and
scikit-learn's optimum for offset 0.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic.solvers._linesearch import MAX_LOGIT_REACH, first_trial


def _text_like(dense: bool) -> tuple[object, np.ndarray]:
    rng = np.random.default_rng(0)
    n, p = 400, 1200
    freq = 0.2 / np.arange(1, p + 1) ** 0.8
    mask = rng.random((n, p)) < freq
    X = sp.csr_matrix(mask * rng.integers(1, 4, size=(n, p)), dtype=np.float64)
    w = rng.standard_normal(p) * (rng.random(p) < 0.1)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 1.5)))).astype(float)
    if dense:
        return X[:, :60].toarray(), y
    return X, y


@pytest.mark.parametrize("solver", ["newton", "newton-cd", "newton-cd-columns"])
@pytest.mark.parametrize("offset", [20.0, 40.0])
@pytest.mark.parametrize("dense", [False, True])
def test_newton_steps_under_a_large_offset_reach_the_optimum(solver, offset, dense):
    X, y = _text_like(dense)
    n = len(y)
    kw = dict(penalty="l2", alpha=1 / n, tol=1e-10)
    off = np.full(n, offset)
    model = LogisticRegression(solver=solver, **kw).fit(X, y, offset=off)
    ref = LogisticRegression(solver="lbfgs", **kw).fit(X, y, offset=off)
    assert model.converged_, model.fit_status_
    assert model.objective_ == pytest.approx(ref.objective_, rel=1e-12)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)


def test_ordinary_steps_keep_the_unit_first_trial():
    # offset 0: the same fit as scikit-learn's, and a step of ordinary reach
    # starts at t = 1
    from sklearn.linear_model import LogisticRegression as SK

    X, y = _text_like(dense=True)
    n = len(y)
    model = LogisticRegression(solver="newton", penalty="l2", alpha=1 / n, tol=1e-10)
    model.fit(X, y)
    ref = SK(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)

    class Reach:
        def __init__(self, reach):
            self.reach = reach

        def logit_reach(self, direction):
            return self.reach

    assert first_trial(Reach(MAX_LOGIT_REACH), None) == 1.0
    assert first_trial(Reach(None), None) == 1.0
    assert first_trial(Reach(4 * MAX_LOGIT_REACH), None) == 0.25
    assert first_trial(object(), None) == 1.0
