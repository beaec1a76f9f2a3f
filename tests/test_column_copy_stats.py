"""Column statistics made from newton-cd-columns' column copy of X.

``logistic._moments.csc_column_stats`` (one sweep over a CSC copy) against
numpy's weighted moments of the dense matrix and against the pass over the
rows; a ``newton-cd-columns`` fit builds its view after its copy
(``ColumnNewtonCD.view_of``) and makes no pass over the rows for them.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._block_moments import block_column_stats
from logistic._compiled import compiled_kernel
from logistic._moments import csc_column_stats
from logistic._objective import LogisticObjective
from logistic._typing import Block
from logistic.backends.in_memory import InMemory
from logistic.solvers import solve
from logistic.solvers._column_matrix import csc_arrays

#: The column copy's sweep is compiled only (``csc_column_stats`` answers None
#: with the numpy kernels, and the fit then makes its statistics by a pass).
needs_compiled = pytest.mark.skipif(
    compiled_kernel() is None,
    reason="the compiled column statistics are off (LOGISTIC_KERNEL=numpy) or not built",
)


def _data(seed: int = 0, n: int = 300, p: int = 40):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.1, random_state=seed, format="csc")
    X.data = rng.normal(size=X.nnz) * 3.0 + 1.0
    X.data[X.indptr[5] : X.indptr[6]] = 0.0  # an all-zero column
    X.eliminate_zeros()
    y = (rng.random(n) < 0.3).astype(np.float64)
    return sp.csr_matrix(X), y


@needs_compiled
@pytest.mark.parametrize("weighted", [False, True])
def test_csc_stats_are_numpys_weighted_moments_and_the_row_pass(weighted):
    X, y = _data()
    n = X.shape[0]
    s = np.random.default_rng(1).uniform(0.5, 2.0, n) if weighted else None
    w = np.ones(n) if s is None else s
    r0 = (0.5 - y) * w
    data, indices, indptr = csc_arrays(X)
    got = csc_column_stats(data, indices, indptr, n, s, r0)
    assert got is not None
    D = X.toarray()
    mean = w @ D / w.sum()
    std = np.sqrt(w @ (D - mean) ** 2 / w.sum())
    got_mean, got_std = got.moments()
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_std, std, rtol=1e-10, atol=1e-15)
    assert got_std[5] == 0.0 and got_mean[5] == 0.0
    np.testing.assert_allclose(got.grad0, np.append(r0 @ D, r0.sum()), rtol=1e-12)
    assert got.weight == pytest.approx(w.sum(), rel=1e-15)
    # the compiled sweep over the rows of one block: the same bits
    rows = block_column_stats(Block(X, y, s, None))
    for name in ("weight", "mean", "unit", "m2", "lo", "hi", "grad0"):
        np.testing.assert_array_equal(getattr(got, name), getattr(rows, name))


def test_csc_stats_decline_what_one_sweep_cannot_make():
    X, y = _data()
    n = X.shape[0]
    data, indices, indptr = csc_arrays(X)
    big = data.copy()
    big[indptr[2] : indptr[3]] *= 2.0**500  # a column that needs rescaling
    assert csc_column_stats(big, indices, indptr, n, None) is None
    dense = X.toarray()
    dense[:, 7] = 1e6 + np.arange(n) % 2  # far from centred: the centred sweep
    assert csc_column_stats(*csc_arrays(sp.csr_matrix(dense)), n, None) is None


@needs_compiled
def test_a_column_fit_takes_its_statistics_from_the_copy(monkeypatch):
    X, y = _data(seed=2, n=2000, p=60)
    alpha = 1e-3
    passes: list[str] = []
    original = InMemory.map_reduce

    def counted(self, fn):
        passes.append(getattr(fn, "__name__", repr(fn)))
        return original(self, fn)

    monkeypatch.setattr(InMemory, "map_reduce", counted)
    objective = LogisticObjective(InMemory(X, y), l2=alpha)
    result = solve(
        "newton-cd-columns", objective, np.zeros(objective.n_params),
        tol=1e-10, max_iter=100,
    )  # fmt: skip
    assert result.converged
    assert "block_data_stats" not in passes
    # the optimum: the objective's gradient, by numpy, vanishes there
    w, b = result.coef[:-1], float(result.coef[-1])
    z = X @ w + b
    r = 1.0 / (1.0 + np.exp(-z)) - y
    grad = np.append(X.T @ r / X.shape[0] + alpha * w, r.mean())
    assert np.abs(grad).max() < 1e-9
    # the objective's moments (the standardization's, kept for inference)
    D = X.toarray()
    mean, std = objective.column_moments()
    np.testing.assert_allclose(mean, D.mean(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(std, D.std(axis=0), rtol=1e-10, atol=1e-15)
    assert objective.weight_sum == X.shape[0]
    assert passes == []  # and none after


def test_a_column_fit_still_refuses_non_finite_x():
    X, y = _data(seed=3)
    X = X.copy()
    X.data[4] = np.nan
    with pytest.raises(ValueError, match="(?i)nan|finite"):
        LogisticRegression(solver="newton-cd-columns", penalty="l2", alpha=1e-2).fit(
            X, y
        )


def test_a_weighted_column_fit_leaves_rows_of_weight_zero_out():
    X, y = _data(seed=4, n=500, p=30)
    s = np.random.default_rng(4).uniform(0.5, 2.0, X.shape[0])
    s[::7] = 0.0
    objective = LogisticObjective(InMemory(X, y, s), l2=1e-2)
    solve("newton-cd-columns", objective, np.zeros(objective.n_params), tol=1e-8,
          max_iter=100)  # fmt: skip
    D, keep = X.toarray(), s > 0
    mean = s[keep] @ D[keep] / s.sum()
    std = np.sqrt(s[keep] @ (D[keep] - mean) ** 2 / s.sum())
    got_mean, got_std = objective.column_moments()
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_std, std, rtol=1e-10, atol=1e-15)


def test_a_column_fit_lets_the_heap_keep_its_vectors(monkeypatch):
    from logistic.solvers import column_newton

    asked: list[int] = []
    monkeypatch.setattr(column_newton, "reserve_heap", asked.append)
    monkeypatch.setattr(column_newton, "_HEAP_ROOM", [0])
    small_X, small_y = _data(seed=5, n=400, p=50)
    LogisticRegression(solver="newton-cd-columns", penalty="l2", alpha=1e-2).fit(
        small_X, small_y
    )
    assert asked == []  # 32 vectors of 400 values stay below glibc's thresholds
    X, y = _data(seed=5, n=6000, p=40)
    for _ in range(2):
        LogisticRegression(solver="newton-cd-columns", penalty="l2", alpha=1e-2).fit(
            X, y
        )
    assert asked == [32 * 8 * 6000]  # once per process and size


def test_the_view_holds_the_copy_its_fit_reads(monkeypatch):
    """One column copy a fit: made by ``view_of``, held by the view, read by
    the fit; and no sweep for statistics the objective already has."""
    from logistic.solvers import column_newton
    from logistic.solvers._base import get_solver

    X, y = _data(seed=6, n=2000, p=40)
    made: list[object] = []
    original = column_newton.ColumnMatrix

    class Counted(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            made.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(column_newton, "ColumnMatrix", Counted)
    objective = LogisticObjective(InMemory(X, y), l2=1e-2)
    view = get_solver("newton-cd-columns").view_of(objective)
    assert isinstance(view.prepared, original) and len(made) == 1
    result = solve("newton-cd-columns", objective, np.zeros(objective.n_params),
                   tol=1e-8, max_iter=100, view=view)  # fmt: skip
    assert result.converged and len(made) == 1
    # statistics already known (the row pass made them): the copy, no sweep
    swept: list[int] = []
    monkeypatch.setattr(column_newton, "csc_column_stats",
                        lambda *a, **k: swept.append(1))  # fmt: skip
    known = LogisticObjective(InMemory(X, y), l2=1e-2)
    known.column_moments()
    assert known.has_data_stats
    get_solver("newton-cd-columns").view_of(known)
    assert swept == []


@needs_compiled
def test_set_data_stats_refuses_statistics_of_other_columns():
    X, y = _data(seed=7, n=300, p=20)
    objective = LogisticObjective(InMemory(X, y), l2=1e-2)
    data, indices, indptr = csc_arrays(X[:, :10].tocsr())
    stats = csc_column_stats(data, indices, indptr, 300, None)
    with pytest.raises(ValueError, match=r"\(10,\) columns, expected \(20,\)"):
        objective.set_data_stats(stats)
