"""Separation of one class in a multinomial fit is detected at any number of rows.

Four classes drawn from a softmax of two normal features, and a 0/1 column
``g`` set on 5% of the rows, never on a row of class 1: class 1's log-odds
fall without bound as its coefficient of ``g`` goes to -inf (quasi-complete
separation of class 1 on the rows with ``g = 1``; the other classes keep
finite log-odds there, so no row's own-class logit runs away from the others
and a rule on the fitted logits' margins does not see it). The reference for
"separated" is the construction, checked here on the arrays: the direction
``V`` with ``v_1 = -e_g`` (every other equation 0) has
``(v_{y_i} - v_k)·x̃_i ≥ 0`` on every (row, other class) pair and ``> 0`` on
the pairs ``(i, 1)`` with ``g_i = 1``. The reference for "not separated" is
Konis's linear program, written here with scipy's ``linprog`` on the pairs
(its optimum is 0 exactly when no such direction exists).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import linprog

import logistic._multinomial_separation as msep
from logistic import LogisticRegression, PerfectSeparationWarning

K = 4


def _data(n: int, seed: int, indicator: bool = True) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 2))
    B = np.array([[0.0, 0.0], [1.0, -0.5], [-0.7, 0.8], [0.5, 0.5]])
    Z = x @ B.T
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    y = np.minimum(y, K - 1)
    if not indicator:
        return x, y
    g = np.zeros(n)
    g[rng.permutation(np.flatnonzero(y != 1))[: n // 20]] = 1.0
    return np.column_stack([x, g]), y


def _pair_margins(X: np.ndarray, y: np.ndarray, V: np.ndarray) -> np.ndarray:
    """``(v_{y_i} - v_k)·x̃_i`` for every row and class ``k ≠ y_i``
    (``V`` of shape (K, q) with row 0 zero, ``x̃ = [x, 1]``)."""
    U = np.column_stack([X, np.ones(len(y))]) @ V.T  # (n, K)
    M = U[np.arange(len(y)), y][:, None] - U
    return M[np.arange(K)[None, :] != y[:, None]]


def _lp_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Konis's LP on the (row, other class) pairs: max Σ margins subject to
    every margin ≥ 0 and the free equations' coefficients in [-1, 1]
    (columns scaled by their max-abs); True when its optimum is positive."""
    Xt = np.column_stack([X / np.abs(X).max(axis=0), np.ones(len(y))])
    n, q = Xt.shape
    rows = []
    for k in range(K):
        i = np.flatnonzero(y != k)
        E = np.zeros((i.size, K))
        E[np.arange(i.size), y[i]] = 1.0
        E[:, k] -= 1.0
        rows.append((E[:, 1:, None] * Xt[i, None, :]).reshape(i.size, (K - 1) * q))
    A = np.vstack(rows)
    res = linprog(
        -A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)), bounds=(-1, 1), method="highs"
    )
    assert res.status == 0
    return -res.fun > 1e-7 * len(A)


def _fit(X, y, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty=None, **kwargs).fit(X, y)
    return model, [w for w in caught if w.category is PerfectSeparationWarning]


@pytest.mark.parametrize("n, seed", [(400, 0), (10_000, 1), (40_000, 2)])
def test_a_class_absent_where_an_indicator_is_set_is_separation(n, seed):
    X, y = _data(n, seed)
    g = X[:, 2] == 1
    assert g.sum() == n // 20 and not np.any(y[g] == 1)  # class 1 never at g = 1
    assert all(np.any(y[g] == k) for k in (0, 2, 3))
    V = np.zeros((K, 4))
    V[1, 2] = -1.0  # class 1's coefficient of g
    margins = _pair_margins(X, y, V)
    assert margins.min() >= 0 and np.sum(margins > 0) == g.sum()

    model, sep = _fit(X, y)
    assert model.separation_ == "quasi-complete"
    assert len(sep) == 1
    assert f"{g.sum()} of {n * (K - 1)} (row, other class) pairs" in str(sep[0].message)


def test_separation_with_weights_and_without_intercept():
    X, y = _data(10_000, 3)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, len(y))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = LogisticRegression(penalty=None).fit(X, y, sample_weight=sw)
        b = LogisticRegression(penalty=None, fit_intercept=False).fit(X, y)
    assert a.separation_ == "quasi-complete"
    assert b.separation_ == "quasi-complete"
    assert sum(w.category is PerfectSeparationWarning for w in caught) == 2


@pytest.mark.parametrize("tol", [None, 1e-4])
@pytest.mark.parametrize("n, seed", [(10_000, 1), (40_000, 2)])
def test_a_well_posed_fit_is_certified_without_the_lp(monkeypatch, n, seed, tol):
    X, y = _data(n, seed, indicator=False)
    X = np.column_stack([X, np.random.default_rng(seed).random(n) < 0.05])
    assert not _lp_separable(X, y)

    def no_lp(*args, **kwargs):
        raise AssertionError("the LP ran on a fit the certificate should clear")

    monkeypatch.setattr(msep, "lp_direction", no_lp)
    model, sep = _fit(X, y, tol=tol)
    assert model.separation_ is None
    assert sep == []


def test_the_lp_in_this_file_finds_the_constructed_separation():
    X, y = _data(2000, 5)
    assert _lp_separable(X, y)


def test_a_penalized_fit_of_separated_data_has_a_finite_optimum():
    X, y = _data(10_000, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    assert model.separation_ is None
    assert np.all(np.abs(model.coef_) < 10)
