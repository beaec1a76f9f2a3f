"""newton-cg, fista, gd and newton-cd take their first value and gradient
from the data-statistics pass, as L-BFGS does: one pass fewer, the same fit.

Reference: the same fit with the start evaluated by a pass (the shortcut
switched off by patching ``LogisticObjective.start_value_and_gradient``),
and scikit-learn's ``LogisticRegression`` (``C = 1/(alpha·n)``) for the
solution.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import LogisticRegression
from logistic._objective import LogisticObjective

ALPHA = 1e-3


def _data(sparse: bool):
    rng = np.random.default_rng(7)
    n, p = 3000, 12
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p)
    if sparse:
        X = np.where(rng.uniform(size=(n, p)) < 0.3, X, 0.0)
    w = rng.normal(size=p) / np.sqrt(p)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X @ w - 0.3))).astype(float)
    return (sp.csr_matrix(X) if sparse else X), y


def _fit(solver, X, y, *, shortcut, monkeypatch, penalty="l2"):
    if not shortcut:
        monkeypatch.setattr(
            LogisticObjective, "start_value_and_gradient", lambda self, theta: None
        )
    kw = {"l1_ratio": 0.5} if penalty == "elasticnet" else {}
    model = LogisticRegression(
        solver=solver, penalty=penalty, alpha=ALPHA, tol=1e-9, max_iter=20_000, **kw
    )
    model.fit(X, y)
    if not shortcut:
        monkeypatch.undo()
    return model


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("solver", ["newton-cg", "fista", "gd", "newton-cd"])
def test_start_reads_no_data(solver, sparse, monkeypatch):
    X, y = _data(sparse)
    fast = _fit(solver, X, y, shortcut=True, monkeypatch=monkeypatch)
    slow = _fit(solver, X, y, shortcut=False, monkeypatch=monkeypatch)
    # (fista and gd estimate a Lipschitz constant first: passes of their own)
    assert fast.history_[0]["n_passes"] == slow.history_[0]["n_passes"] - 1
    assert fast.n_iter_ == slow.n_iter_
    assert fast.n_passes_ == slow.n_passes_ - 1
    np.testing.assert_allclose(fast.coef_, slow.coef_, rtol=1e-8, atol=1e-10)
    # the solution itself, against scikit-learn (its C is 1/(alpha n))
    sk = SkLogisticRegression(C=1.0 / (ALPHA * len(y)), tol=1e-12, max_iter=10_000)
    sk.fit(X, y)
    np.testing.assert_allclose(
        fast.coef_.ravel(), sk.coef_.ravel(), rtol=2e-4, atol=2e-5
    )


@pytest.mark.parametrize("solver", ["fista", "newton-cd"])
def test_l1_start_reads_no_data(solver, monkeypatch):
    X, y = _data(False)
    fast = _fit(
        solver, X, y, shortcut=True, monkeypatch=monkeypatch, penalty="elasticnet"
    )
    slow = _fit(
        solver, X, y, shortcut=False, monkeypatch=monkeypatch, penalty="elasticnet"
    )
    assert fast.history_[0]["n_passes"] == slow.history_[0]["n_passes"] - 1
    assert fast.n_passes_ == slow.n_passes_ - 1
    np.testing.assert_allclose(fast.coef_, slow.coef_, rtol=1e-8, atol=1e-10)
