"""A sparse X's empty columns are left out of a penalized fit (logistic._empty_columns).

Hashed features (the hashing trick) put a few thousand used columns among
2**16-2**20: the fit must cost what the used columns cost, and its result
must be that of every column (zeros where a column holds no value).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from _traced_peak import peaks_until
from logistic import LogisticRegression
from logistic._empty_columns import used_columns


def _hashed(
    n: int, p: int, used: int, seed: int = 0
) -> tuple[sp.csr_matrix, np.ndarray]:
    """``n`` rows of 8 ones each in ``used`` random columns of ``p``."""
    rng = np.random.default_rng(seed)
    cols = rng.choice(p, size=used, replace=False)
    idx = cols[rng.integers(0, used, size=(n, 8))]
    X = sp.csr_matrix(
        (np.ones(n * 8), idx.ravel(), np.arange(0, n * 8 + 1, 8)), shape=(n, p)
    )
    X.sum_duplicates()
    w = np.zeros(p)
    w[cols] = rng.normal(0.0, 1.0, used)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w - 1.0)))).astype(float)
    return X, y


@pytest.fixture(scope="module")
def hashed() -> tuple[sp.csr_matrix, np.ndarray]:
    return _hashed(400, 2**16, 1500)


@pytest.fixture(scope="module")
def reference(hashed: tuple[sp.csr_matrix, np.ndarray]) -> np.ndarray:
    # scikit-learn's liblinear on every column (no intercept: liblinear
    # penalizes its intercept, ours is not penalized)
    X, y = hashed
    sk = SkLogisticRegression(
        C=1.0, solver="liblinear", fit_intercept=False, tol=1e-12, max_iter=1000
    )
    return sk.fit(X, y).coef_


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cd-columns", "auto"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_fit_on_used_columns_matches_scikit_learn(
    hashed: tuple[sp.csr_matrix, np.ndarray], reference: np.ndarray, solver: str,
    fmt: str,
) -> None:  # fmt: skip
    X, y = hashed
    m = LogisticRegression(C=1.0, penalty="l2", fit_intercept=False, solver=solver)
    m.fit(X.asformat(fmt), y)
    assert m.coef_.shape == (1, X.shape[1]) and m.n_features_in_ == X.shape[1]
    np.testing.assert_allclose(m.coef_, reference, atol=1e-6)
    empty = np.diff(X.tocsc().indptr) == 0
    assert np.all(m.coef_[0, empty] == 0.0)
    # predictions read every column of X
    p_sk = 1.0 / (1.0 + np.exp(-(X @ reference.ravel())))
    np.testing.assert_allclose(m.predict_proba(X)[:, 1], p_sk, atol=1e-6)


def test_lbfgs_memory_follows_the_used_columns() -> None:
    # 2**20 columns, 2 000 used. Fitting every column, scipy's L-BFGS-B
    # holds 2·memory·p + 5·p floats (25 × 8 MiB = 210 MB at memory 10) and
    # does O(memory·p) work a call (seconds here; 43 s against 5 s on
    # 20 000 hashed ad-click rows, docs/scaling.md); on the used columns a
    # few MB. The bound leaves room for the p-sized coef_ and the count of
    # values per column (8 MiB each).
    X, y = _hashed(300, 2**20, 2000, seed=1)
    m, peaks = peaks_until(
        lambda: LogisticRegression(C=1.0, penalty="l2", solver="lbfgs").fit(X, y),
        64 * 2**20,
    )
    assert m.coef_.shape == (1, 2**20) and m.converged_
    assert min(peaks) < 64 * 2**20, f"peaks {[p / 2**20 for p in peaks]} MiB"


def test_warm_start_starts_from_the_used_columns(
    hashed: tuple[sp.csr_matrix, np.ndarray],
) -> None:
    X, y = hashed
    m = LogisticRegression(C=1.0, penalty="l2", solver="lbfgs", warm_start=True)
    m.fit(X, y)
    first = m.coef_.copy()
    m.fit(X, y)  # from the optimum: converged at the start
    assert m.n_iter_[0] <= 1
    np.testing.assert_allclose(m.coef_, first, atol=1e-9)
    assert m.coef_.shape == (1, X.shape[1])


def test_failed_fit_restores_a_warm_start_coef(
    hashed: tuple[sp.csr_matrix, np.ndarray],
) -> None:
    X, y = hashed
    m = LogisticRegression(C=1.0, penalty="l2", warm_start=True).fit(X, y)
    before = m.coef_
    with pytest.raises(ValueError):
        m.fit(X, y[:-1])  # rows differ: refused
    assert m.coef_ is before


def test_k_classes_widened() -> None:
    X, y = _hashed(300, 4096, 300, seed=2)
    y3 = y + (np.arange(y.size) % 3 == 0)
    m = LogisticRegression(C=1.0, penalty="l2").fit(X, y3)
    assert m.coef_.shape == (3, X.shape[1])
    empty = np.diff(X.tocsc().indptr) == 0
    assert np.all(m.coef_[:, empty] == 0.0)
    # scikit-learn's multinomial fit on the same rows (lbfgs, tight tol)
    sk = SkLogisticRegression(C=1.0, tol=1e-10, max_iter=5000)
    sk.fit(X[:, ~empty], y3)
    np.testing.assert_allclose(m.coef_[:, ~empty], sk.coef_, atol=1e-4)


@pytest.mark.parametrize("penalty", [None, "firth"])
def test_unpenalized_fits_keep_every_column(penalty: str | None) -> None:
    # an empty column's coefficient is not identified without a norm penalty
    X, _ = _hashed(50, 4096, 100)
    assert used_columns(X, penalty) is None
    assert used_columns(X, "l2") is not None
    assert used_columns(X.toarray(), "l2") is None  # dense X as it is
