"""``solver="auto"`` with an L1 term on dense X that is mostly zeros takes the
column solver, which holds X as CSC (``_column_matrix.ColumnMatrix``), instead
of ``newton-cd``'s dense p × p Hessian: an ML engineer's 20 000 × 1 000 at
0.2 % non-zeros took 2.3-2.9 s (scikit-learn's liblinear 0.13 s). The share is
sampled from at most 4 096 rows drawn by a fixed seed (``sampled_nonzero_share``); the bound is
``_auto.DENSE_COLUMNS_SHARE``. Reference optimum: scikit-learn's saga at a
tight tolerance, the same objective (C = 1)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._typing import DataDescription
from logistic.solvers._auto import MAX_COLUMN_NNZ, choose_solver
from logistic.solvers._column_matrix import DENSE_COLUMNS_SHARE, sampled_nonzero_share

linear_model = pytest.importorskip("sklearn.linear_model")


def _mostly_zero(n=1500, p=60, density=0.02, seed=3):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=seed).toarray()
    y = (X @ rng.normal(size=p) * 3 + rng.logistic(size=n) > 0).astype(int)
    return X, y


def test_auto_takes_the_column_solver_and_reaches_sagas_optimum():
    X, y = _mostly_zero()
    ours = LogisticRegression(penalty="l1", C=1.0, tol=1e-10).fit(X, y)
    assert ours.solver_ == "newton-cd-columns"
    ref = linear_model.LogisticRegression(
        l1_ratio=1.0, C=1.0, solver="saga", tol=1e-12, max_iter=100_000
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-5)
    hessian = LogisticRegression(penalty="l1", C=1.0, tol=1e-10, solver="newton-cd")
    np.testing.assert_allclose(hessian.fit(X, y).coef_, ours.coef_, atol=1e-8)


def test_dense_data_keep_newton_cd_and_l2_is_unchanged():
    X, y = _mostly_zero()
    gaussian = np.random.default_rng(0).standard_normal(X.shape)
    assert LogisticRegression(penalty="l1", C=1.0).fit(gaussian, y).solver_ == "newton-cd"
    assert LogisticRegression(penalty="l2").fit(X, y).solver_ == "newton"


def test_the_rule_reads_the_sampled_share_and_the_size_bound():
    def chosen(share, n=20_000, p=1_000):
        data = DataDescription(n, p, np.dtype(np.float64), None, share)
        return choose_solver(data, penalty="l1", l1=1e-3, rows_in_memory=True)

    assert chosen(DENSE_COLUMNS_SHARE) == "newton-cd-columns"
    assert chosen(2 * DENSE_COLUMNS_SHARE) == "newton-cd"
    assert chosen(None) == "newton-cd"  # not measured: as before
    n = int(2 * MAX_COLUMN_NNZ / (DENSE_COLUMNS_SHARE * 1_000))
    assert chosen(DENSE_COLUMNS_SHARE, n=n) == "newton-cd"  # too many non-zeros


def test_the_share_is_sampled_without_aliasing_and_exact_on_short_data():
    X = np.zeros((10_000, 10))
    X[::10, 0] = 1.0  # 1 000 non-zeros in 100 000 entries, every 10th row
    assert sampled_nonzero_share(X[:4_000]) == pytest.approx(400 / 40_000)
    # every 2nd row (an even spacing of 4 096 rows) would read 0.02
    assert sampled_nonzero_share(X) == pytest.approx(0.01, rel=0.15)
    assert sampled_nonzero_share(X) == sampled_nonzero_share(X.copy())
    assert sampled_nonzero_share(np.zeros((0, 3))) == 1.0


def test_narrow_data_keep_newton_cd_and_the_share_is_sampled_once(monkeypatch):
    """Below ``DENSE_COLUMNS_MIN_FEATURES`` columns the dense Hessian is cheap
    (a reviewer: 200 000 × 10 at 5 % took 157 ms by columns, 61 ms by
    newton-cd); a fit samples its X's share once, not at each use."""
    from logistic.solvers import _column_matrix

    X, y = _mostly_zero(n=3000, p=20, density=0.03)
    assert LogisticRegression(penalty="l1", C=1.0).fit(X, y).solver_ == "newton-cd"
    calls = []
    real = _column_matrix.sampled_nonzero_share
    monkeypatch.setattr(
        _column_matrix, "sampled_nonzero_share", lambda X: calls.append(1) or real(X)
    )
    X, y = _mostly_zero()
    model = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    assert model.solver_ == "newton-cd-columns" and len(calls) == 1


def test_wide_data_are_sampled_from_fewer_rows():
    """4 096 rows of 20 000 columns would copy 80 % of this X; the sample
    keeps to ``SHARE_SAMPLE_VALUES`` values (209 rows here)."""
    X = np.zeros((5_000, 20_000), dtype=np.float32)
    X[::7, ::25] = 1.0  # 4 % non-zeros in every 7th row: 0.57 % overall
    assert sampled_nonzero_share(X) == pytest.approx(0.04 / 7, rel=0.35)
