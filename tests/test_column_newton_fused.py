"""``newton-cd-columns``' Newton steps with the model formed in the first
sweep (:mod:`logistic.solvers._column_step`) and X held as scipy's ``tocsc``
leaves it (int32 indices).

Reference: the path's column solver
:func:`logistic.solvers.column_cd.newton_cd_columns` on the intp column copy
(:class:`ColumnMatrix`), whose steps are tested against its numpy reference
and scikit-learn in tests/test_cd.py and tests/test_sparse_newton_columns.py:
the fused steps make the same products and sums in the same order, so the
results must agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic.solvers import _column_step, column_newton
from logistic.solvers._column_matrix import ColumnMatrix, cd_kernel
from logistic.solvers.column_cd import newton_cd_columns

pytestmark = pytest.mark.skipif(cd_kernel() is None, reason="compiled _cd not built")


def _text_like(n=500, p=900, seed=0):
    rng = np.random.default_rng(seed)
    freq = 0.25 / np.arange(1, p + 1) ** 0.7
    mask = rng.random((n, p)) < freq
    X = sp.csr_matrix(mask * rng.random((n, p)) * 3, dtype=np.float64)
    w = rng.standard_normal(p) * (rng.random(p) < 0.1)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 1.0)))).astype(np.float64)
    return X, y


def _steps(solve, cm, X, y, s, *, l1, fit_intercept, n_steps=6):
    """``n_steps`` calls of one Newton step each, chained as
    ``newton-cd-columns`` chains them (warm start from the last result)."""
    n, p = X.shape
    cols = np.arange(p, dtype=np.intp)
    w, b, z, start = np.zeros(p), 0.0, np.zeros(n), None
    mean = np.asarray(X.mean(axis=0)).ravel()
    inv_scale = 1.0 / (np.sqrt(np.asarray(X.multiply(X).mean(axis=0)).ravel()) + 0.1)
    out = []
    cm.last_sweeps = 0
    for _ in range(n_steps):
        col = solve(
            cm, y, s, cols, w, b, z, l1=l1, l2=1.0 / n, mean=mean,
            inv_scale=inv_scale, fit_intercept=fit_intercept, tol=1e-12,
            max_iter=1, max_sweeps=3, max_backtracks=30, start=start,
        )  # fmt: skip
        out.append((col, cm.last_sweeps))
        w, b, z = col.w, col.b, col.z
        start = (col.loss, col.residual, col.weights, col.grad)
    return out


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1", [0.0, 2e-3])
@pytest.mark.parametrize("weighted", [False, True])
def test_fused_steps_equal_the_column_solver_bit_for_bit(
    monkeypatch, fit_intercept, l1, weighted
):
    X, y = _text_like()
    n = X.shape[0]
    s = np.random.default_rng(3).random(n) + 0.5 if weighted else np.ones(n)
    s = s / s.sum()
    fused_cm = _column_step.column_matrix(X)
    assert isinstance(fused_cm, _column_step.CscColumns)
    assert fused_cm.indices.dtype == np.int32  # scipy's, not converted

    def not_here(*a, **k):
        raise AssertionError("every step of this data should take the fused form")

    with monkeypatch.context() as m:
        m.setattr(_column_step, "newton_cd_columns", not_here)
        got = _steps(_column_step.newton_steps, fused_cm, X, y, s, l1=l1,
                     fit_intercept=fit_intercept)  # fmt: skip
    ref = _steps(newton_cd_columns, ColumnMatrix(X), X, y, s, l1=l1,
                 fit_intercept=fit_intercept)  # fmt: skip
    assert any(col.n_iter for col, _ in ref)
    for (a, sa), (b, sb) in zip(got, ref, strict=True):
        assert sa == sb and a.n_iter == b.n_iter and a.converged == b.converged
        assert a.b == b.b and a.loss == b.loss
        for name in ("w", "z", "grad", "residual", "weights"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_int32_columns_give_the_intp_kernels_results():
    X, _ = _text_like(seed=2)
    n, p = X.shape
    a, b = _column_step.column_matrix(X), ColumnMatrix(X)
    assert a.indices.dtype == np.int32 and b.indices.dtype == np.intp
    np.testing.assert_array_equal(a.col_nnz, b.col_nnz)
    rng = np.random.default_rng(1)
    cols = np.sort(rng.choice(p, 300, replace=False)).astype(np.intp)
    v, coef = rng.random(n), rng.standard_normal(cols.size)
    for x, y in zip(a.stats(cols, v), b.stats(cols, v), strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.dots(cols, v), b.dots(cols, v))
    np.testing.assert_array_equal(a.matvec(cols, coef), b.matvec(cols, coef))
    np.testing.assert_array_equal(a.gram(cols[:40], v), b.gram(cols[:40], v))


def test_non_canonical_csr_keeps_the_converting_copy():
    # a duplicate entry (summed by the converting copy) and float32 values
    dup = sp.csr_matrix(
        (np.array([1.0, 2.0, 3.0]), np.array([1, 1, 0]), np.array([0, 2, 3])),
        shape=(2, 4),
    )
    assert not dup.has_canonical_format
    cm = _column_step.column_matrix(dup)
    assert type(cm) is ColumnMatrix
    np.testing.assert_array_equal(cm.data, [3.0, 3.0])
    X, _ = _text_like(seed=4)
    assert type(_column_step.column_matrix(X.astype(np.float32))) is ColumnMatrix


def test_a_fused_step_counts_its_sweeps_and_the_gradient(monkeypatch):
    # the model's column sums come from the first sweep: a naive step reads X
    # once a sweep and once for the new gradient's Xᵀr, and calls no stats pass
    X, y = _text_like(n=800, p=1500, seed=5)
    stats_calls, sweeps = [0], []
    stats = ColumnMatrix.stats

    def counted(self, *a, **k):
        stats_calls[0] += 1
        return stats(self, *a, **k)

    solve = column_newton.newton_steps

    def spy(cm, *a, **k):
        out = solve(cm, *a, **k)
        if k.get("max_iter"):
            sweeps.append(cm.last_sweeps)
        return out

    monkeypatch.setattr(ColumnMatrix, "stats", counted)
    monkeypatch.setattr(column_newton, "newton_steps", spy)
    model = LogisticRegression(
        penalty="l2", alpha=1 / X.shape[0], solver="newton-cd-columns", tol=1e-8
    ).fit(X, y)
    counted_passes = [h["n_passes"] for h in model.history_]
    steps = [b - a for a, b in zip(counted_passes, counted_passes[1:], strict=False)]
    assert sweeps and stats_calls[0] == 0
    assert steps == [k + 1 for k in sweeps]
