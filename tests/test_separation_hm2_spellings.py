"""Every spelling of an unpenalized fit takes the separation check.

A fit is unpenalized when its strengths are 0, however the settings say so:
``penalty=None``, or a norm penalty whose ``alpha = 1/(C·Σs)`` is 0
(``C=inf``, or a finite ``C`` so large that ``C·Σs`` overflows). Each must
warn with a :class:`PerfectSeparationWarning` on separated data and stay
silent on well-posed data, for two classes and for K > 2 alike, and data
read block by block are reported ``"unchecked"``.

References, from outside the library:

* **separated**: the labels are cut from the first feature at fixed
  thresholds (``x_0 < -0.5``, ``-0.5 ≤ x_0 ≤ 0.5``, ``x_0 > 0.5``; for two
  classes ``x_0 > 0``), so a linear score in ``x_0`` with intercepts orders
  every row into its own class (complete separation, Albert & Anderson 1984).
  The gap around each threshold (no row within 0.05) makes every margin
  strictly positive.
* **well-posed**: labels drawn from a softmax of the features with
  moderate coefficients, 400 rows; Konis's linear program
  (:func:`_lp_separable`, scipy's HiGHS on the (row, other class) pairs)
  confirms that no separating direction exists.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import linprog

from logistic import LogisticRegression, PerfectSeparationWarning

N = 400

#: Settings that all mean "no penalty".
SPELLINGS = [
    pytest.param({"penalty": None}, id="None"),
    pytest.param({"penalty": "l2", "C": np.inf}, id="l2-C-inf"),
    pytest.param({"penalty": "l1", "C": np.inf}, id="l1-C-inf"),
    pytest.param(
        {"penalty": "elasticnet", "C": np.inf, "l1_ratio": 0.5}, id="enet-C-inf"
    ),
    pytest.param({"penalty": "l2", "C": 1e308}, id="l2-C-overflows"),
]


def _features(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, 3))
    # no row within 0.05 of a threshold: every separated margin is positive
    for t in (-0.5, 0.0, 0.5):
        near = np.abs(X[:, 0] - t) < 0.05
        X[near, 0] = t + np.where(X[near, 0] >= t, 0.05, -0.05)
    return X


def _separated(n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    X = _features(3)
    if n_classes == 2:
        return X, (X[:, 0] > 0).astype(int)
    return X, np.digitize(X[:, 0], [-0.5, 0.5])


def _well_posed(n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    X = _features(4)
    rng = np.random.default_rng(5)
    B = np.array([[0.0, 0.0, 0.0], [0.8, -0.5, 0.3], [-0.6, 0.7, 0.2]])[:n_classes]
    Z = X @ B.T
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (rng.random(N)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    return X, np.minimum(y, n_classes - 1)


def _lp_separable(X: np.ndarray, y: np.ndarray, K: int) -> bool:
    """Konis's LP on the (row, other class) pairs (reference class 0): max
    Σ margins subject to every margin ≥ 0 and coefficients in [-1, 1];
    True when its optimum is positive."""
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
    return bool(-res.fun > 1e-7 * len(A))


def _fit(X, y, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(max_iter=200, **params).fit(X, y)
    separation = [w for w in caught if w.category is PerfectSeparationWarning]
    return model, separation


def test_references():
    for K in (2, 3):
        assert _lp_separable(*_separated(K), K)
        assert not _lp_separable(*_well_posed(K), K)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("params", SPELLINGS)
def test_separated_data_warn(params, n_classes):
    model, caught = _fit(*_separated(n_classes), **params)
    assert len(caught) == 1
    assert "complete separation" in str(caught[0].message).lower()
    assert model.separation_ == "complete"
    assert model.penalty_l1_ == 0 and model.penalty_l2_ == 0


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("params", SPELLINGS)
def test_well_posed_data_do_not_warn(params, n_classes):
    model, caught = _fit(*_well_posed(n_classes), **params)
    assert caught == []
    assert model.separation_ is None


@pytest.mark.parametrize("params", SPELLINGS[1:])
def test_multinomial_spellings_are_the_unpenalized_fit(params):
    """The same optimum in the same (reference) parametrization as
    ``penalty=None``, with its statistics for inference."""
    X, y = _well_posed(3)
    ref, _ = _fit(X, y, penalty=None, solver="newton")
    model, _ = _fit(X, y, solver="newton", **params)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-8)
    assert not np.any(model.coef_[0]) and model.intercept_[0] == 0
    np.testing.assert_allclose(
        model.inference().bse, ref.inference().bse, rtol=1e-6, atol=0
    )


def test_multinomial_c_inf_model_file_round_trip(tmp_path):
    """A ``C=inf`` K-class fit (reference parametrization, a (K-1)q
    covariance) saves and loads with the same predictions and summary."""
    from logistic.io import load, save

    X, y = _well_posed(3)
    model, _ = _fit(X, y, penalty="l2", C=np.inf)
    path = tmp_path / "model.json"
    save(model, path)
    loaded = load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_allclose(
        loaded.inference().bse, model.inference().bse, rtol=1e-12, atol=0
    )


def _blocks(X, y, rows):
    def blocks():
        for a in range(0, len(y), rows):
            yield X[a : a + rows], y[a : a + rows]

    return blocks


@pytest.mark.parametrize("params", SPELLINGS)
def test_data_read_block_by_block_are_unchecked(params):
    X, y = _separated(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(max_iter=50, **params).fit(_blocks(X, y, 97), None)
    assert model.separation_ == "unchecked"
