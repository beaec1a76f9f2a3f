"""A fold's training rows are the column copy its path reads.

``LogisticRegressionCV`` with ``solver="auto"`` solves each fold's path by
column (``ColumnMatrix``: a Fortran-ordered float64 copy of a dense X). The
fold's training rows are gathered straight into that order, so the path
reads them in place: one copy of a fold's rows, not a C-ordered copy and a
Fortran-ordered copy of it (``cv=5`` on a 153 MB X: 469 -> 367 MB peak RSS
above X, imports included).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegressionCV, _cv_folds
from logistic._cv_folds import fold_indices, training_rows
from logistic._exceptions import GridEdgeWarning
from logistic.solvers import _column_matrix


def _data(n: int = 9_000, p: int = 4):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] - X[:, 1] > rng.standard_normal(n)).astype(float)
    return X, y


def test_training_rows_equal_numpy_indexing_in_fortran_order(monkeypatch):
    monkeypatch.setattr(_cv_folds, "_GATHER_BYTES", 1000)  # blocks of 31 rows
    X, _ = _data(n=10_000)
    rng = np.random.default_rng(0)
    rows = rng.choice(X.shape[0], 7_001, replace=False)  # any order
    got = training_rows(X, rows, by_columns=True)
    assert got.flags.f_contiguous
    np.testing.assert_array_equal(got, X[rows])


def test_fold_indices_reads_masks_as_their_rows():
    mask = np.array([True, False, True, True, False])
    index = np.array([4, 1])
    (train, test), (train2, test2) = fold_indices([(mask, ~mask), (index, index)])
    np.testing.assert_array_equal(train, [0, 2, 3])
    np.testing.assert_array_equal(test, [1, 4])
    np.testing.assert_array_equal(train2, [4, 1])
    np.testing.assert_array_equal(test2, [4, 1])


def test_training_rows_left_to_numpy_outside_the_column_solver():
    X, _ = _data()
    rows = np.arange(0, X.shape[0], 2)
    assert training_rows(X, rows, by_columns=False).flags.c_contiguous
    X32 = X.astype(np.float32)  # the path keeps float32's dtype and tolerance
    got = training_rows(X32, rows, by_columns=True)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, X32[rows])


def test_fold_paths_read_the_training_rows_in_place(monkeypatch):
    in_place: list[bool] = []
    init = _column_matrix.ColumnMatrix.__init__

    def tracked(self, X, *args, **kwargs):
        init(self, X, *args, **kwargs)
        in_place.append(bool(np.shares_memory(self.dense, X)))

    monkeypatch.setattr(_column_matrix.ColumnMatrix, "__init__", tracked)
    X, y = _data()
    LogisticRegressionCV(Cs=3, cv=4).fit(X, y)
    # four folds read their rows in place; the refit copies the caller's
    # C-ordered X once
    assert in_place == [True, True, True, True, False]


def test_split_given_as_masks_scales_c_by_the_training_rows():
    """C scales the penalty by the training rows' total weight: a split given
    as boolean masks counted the mask's length (all rows), a penalty 2/3 of
    the one asked for with three folds. Reference: scikit-learn's
    LogisticRegression(C) on the fold's training rows (its objective C·Σ loss
    + ½‖w‖² is the one ``Cs`` names)."""
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    X, y = _data()
    n = X.shape[0]
    folds = [np.arange(n) % 3 == k for k in range(3)]
    masks = [(~f, f) for f in folds]
    indices = [(np.flatnonzero(~f), np.flatnonzero(f)) for f in folds]
    Cs = [1e-3, 1e-2, 1.0]  # the best score at C = 1: an edge the test allows
    with pytest.warns(GridEdgeWarning):
        a = LogisticRegressionCV(Cs=Cs, cv=masks, tol=1e-10).fit(X, y)
    with pytest.warns(GridEdgeWarning):
        b = LogisticRegressionCV(Cs=Cs, cv=indices, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(a.scores_[1.0], b.scores_[1.0])
    for k, (train, _) in enumerate(masks):
        for j, C in enumerate(Cs):
            ref = SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000)
            ref.fit(X[train], y[train])
            expected = np.r_[ref.coef_.ravel(), ref.intercept_]
            np.testing.assert_allclose(
                a.coefs_paths_[1.0][k, j], expected, rtol=1e-5, atol=1e-6
            )


def test_a_wide_fold_is_gathered_in_blocks_of_bounded_bytes():
    """A wide X (fewer rows than a block of a fixed row count) is gathered
    in blocks bounded in bytes: the peak is the Fortran copy and one small
    block, not also a whole C-ordered copy of the rows (2 x their bytes)."""
    from _traced_peak import peaks_until

    X = np.random.default_rng(0).standard_normal((100, 40_000))  # 32 MB
    rows = np.arange(0, 100, 5).repeat(4)  # 80 rows, 25.6 MB as float64
    nbytes = rows.size * X.shape[1] * 8
    got, peaks = peaks_until(
        lambda: training_rows(X, rows, by_columns=True), 1.5 * nbytes
    )
    assert got.flags.f_contiguous and got.nbytes == nbytes
    np.testing.assert_array_equal(got, X[rows])
    assert min(peaks) < 1.5 * got.nbytes, (peaks, got.nbytes)
