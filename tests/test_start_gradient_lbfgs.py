"""L-BFGS takes its first value and gradient from the data-statistics pass:
one pass fewer, the same fit.

Reference: the same fit with the start evaluated by a pass (the shortcut
switched off by patching ``LogisticObjective.start_value_and_gradient``),
and scikit-learn's ``LogisticRegression`` (lbfgs, ``C = 1/(alpha·n)``) for
the solution itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.solvers import get_solver


def _dense(n=64_000, p=40, seed=0):
    # at least 64 000 rows and 20 a parameter: the subspace phase runs
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 4.0, size=p) + 1.0
    w = rng.normal(size=p) / np.sqrt(p)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X - 1.0) @ w))).astype(float)
    return X, y


def _fit(X, y, s=None, offset=None, *, shortcut=True, monkeypatch=None):
    if not shortcut:
        monkeypatch.setattr(
            LogisticObjective, "start_value_and_gradient", lambda self, theta: None
        )
    model = LogisticRegression(solver="lbfgs", penalty="l2", alpha=1e-4, tol=1e-7)
    model.fit(X, y, sample_weight=s, offset=offset)
    if not shortcut:
        monkeypatch.undo()
    return model


def _passes(model):
    return model.history_[-1]["n_passes"], model.history_[0]["n_passes"]


def _cases():
    X, y = _dense()
    rng = np.random.default_rng(1)
    s = rng.uniform(0.0, 2.0, size=len(y))
    Xs = sp.csr_matrix(np.where(rng.uniform(size=(8000, 60)) < 0.1, 1.0, 0.0))
    ys = (rng.uniform(size=8000) < 0.4).astype(float)
    return {
        "dense-subspace": (X, y, None),
        "dense-weighted": (X, y, s),
        "float32": (X.astype(np.float32), y, None),
        "sparse": (Xs, ys, None),
        "small-dense": (X[:3000, :10], y[:3000], s[:3000]),  # no subspace phase
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_one_pass_fewer_same_fit(case, monkeypatch):
    X, y, s = _cases()[case]
    fast = _fit(X, y, s)
    slow = _fit(X, y, s, shortcut=False, monkeypatch=monkeypatch)
    (total_fast, start_fast), (total_slow, start_slow) = _passes(fast), _passes(slow)
    assert (start_fast, start_slow) == (0, 1)
    assert total_fast == total_slow - 1
    assert fast.n_iter_ == slow.n_iter_
    subspace = [bool(h.get("subspace")) for h in fast.history_]
    assert subspace == [bool(h.get("subspace")) for h in slow.history_]
    assert any(subspace) == (case in ("dense-subspace", "dense-weighted", "float32"))
    np.testing.assert_allclose(fast.coef_, slow.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fast.intercept_, slow.intercept_, rtol=1e-7, atol=1e-9)


def test_offset_fit_evaluates_its_start(monkeypatch):
    X, y = _dense(n=5000, p=8, seed=3)
    offset = np.random.default_rng(4).normal(size=len(y))
    fast = _fit(X, y, offset=offset)
    slow = _fit(X, y, offset=offset, shortcut=False, monkeypatch=monkeypatch)
    assert _passes(fast) == _passes(slow)
    assert _passes(fast)[1] == 1


def test_warm_start_evaluates_its_start():
    X, y = _dense(n=5000, p=8, seed=5)
    model = LogisticRegression(
        solver="lbfgs", penalty="l2", alpha=1e-3, warm_start=True
    ).fit(X, y)
    model.fit(X, y)  # from the previous solution, not from zero
    assert model.history_[0]["n_passes"] == 1


def test_solution_matches_scikit_learn():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _dense(n=64_000, p=20, seed=6)
    alpha = 1e-4
    ours = LogisticRegression(solver="lbfgs", penalty="l2", alpha=alpha, tol=1e-8).fit(
        X, y
    )
    ref = sklearn.LogisticRegression(
        C=1.0 / (alpha * len(y)), tol=1e-12, max_iter=10_000
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("standardize", [True, False])
def test_solver_level_history_counts_no_start_pass(standardize):
    X, y = _dense(n=4000, p=6, seed=7)
    objective = LogisticObjective.from_arrays(X, y, l2=1e-3)
    solver = get_solver("lbfgs")(tol=1e-8, standardize=standardize)
    result = solver.solve(objective, np.zeros(7))
    assert result.converged
    assert result.history[0]["n_passes"] == 0
    assert result.n_passes == objective.n_evaluations
    f, g = objective.value_and_gradient(np.zeros(7))
    assert result.history[0]["objective"] == pytest.approx(f, rel=1e-15)
