"""Every door through which a sparse X reaches the kernels checks it
(``logistic._sparse_structure``), once, and says what is wrong.

* The public in-memory backend checks X itself: ``InMemory(X, y)`` passed to
  ``fit`` never reaches ``check_X`` (before: a segmentation fault for an
  index out of range). The usual fit (``check_fit_data``, then the backend)
  reads X's indices once: the backend skips its check only for the very
  object, with the very arrays, that this thread's ``check_fit_data`` has
  just checked, never on a flag a caller could set.
* Prediction checks what ``X @ w`` needs (``indptr``, the range of the
  indices): a matrix with duplicates predicts as its ``sum_duplicates()``
  copy, without a copy being made.
* A sparse X that is not 2-D, or whose index arrays are not 1-D integer
  arrays, is a ``DataValidationError`` naming what was received; a refused
  index names its array, its format's remedy and, for BSR, block columns.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticRegression
from logistic import _sparse_structure as structure
from logistic._validation import check_fit_data, check_X
from logistic.backends import InMemory


def _data(n=600, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.3, format="csr", random_state=seed + 1)
    X.data = rng.standard_normal(X.nnz) + 1
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.normal(size=p))))).astype(float)
    return X, y


def _halved(X):
    """X with each stored value v as two entries v/2, labelled canonical."""
    H = sp.csr_matrix(
        (np.repeat(X.data / 2, 2), np.repeat(X.indices, 2), X.indptr * 2),
        shape=X.shape,
    )
    H.has_canonical_format = True
    return H


@pytest.fixture
def scans(monkeypatch):
    """How many times X's indices were read by the full check."""
    calls = []
    full = structure._checked_structure
    monkeypatch.setattr(
        structure, "_checked_structure", lambda X: (calls.append(X), full(X))[1]
    )
    return calls


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_a_backend_with_an_index_out_of_range_is_refused(solver):
    """Before: a segmentation fault (rc 139) in the compiled kernels."""
    X, y = _data()
    X.indices[5] = 10**8
    with pytest.raises(DataValidationError, match=r"X\.indices\[5\] = 100000000"):
        LogisticRegression(penalty="l2", solver=solver).fit(InMemory(X, y), None)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_a_backend_fits_duplicates_labelled_canonical_as_their_sum(solver):
    X, y = _data()
    H = _halved(X)
    expected = LogisticRegression(penalty="l2", solver=solver).fit(X, y)
    got = LogisticRegression(penalty="l2", solver=solver).fit(InMemory(H, y), None)
    np.testing.assert_allclose(got.coef_, expected.coef_, rtol=1e-10, atol=1e-13)
    assert H.nnz == 2 * X.nnz  # the caller's matrix is left as it was


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cd-columns"])
def test_the_usual_fit_reads_the_indices_once(solver, scans):
    X, y = _data()
    LogisticRegression(penalty="l2", solver=solver).fit(X, y)
    assert len(scans) == 1


def test_a_direct_backend_checks_even_after_another_fit(scans):
    X, y = _data()
    LogisticRegression(penalty="l2").fit(X, y)
    InMemory(X, y)
    assert len(scans) == 2  # the hand-off was taken by the fit's own backend


def test_the_hand_off_needs_the_same_arrays():
    """A checked X whose indices were then replaced is checked again."""
    X, y = _data()
    d = check_fit_data(X, y)
    bad = d.X.indices.copy()
    bad[3] = -1
    d.X.indices = bad
    with pytest.raises(DataValidationError, match=r"X\.indices\[3\] = -1"):
        InMemory(d.X, d.y01)


def test_a_failed_fit_check_hands_nothing_off():
    X, y = _data()
    with pytest.raises(ValueError):
        check_fit_data(X, np.zeros(X.shape[0]))  # one class
    X.indices[4] = 10**6  # edited after the failed fit
    with pytest.raises(DataValidationError, match=r"X\.indices\[4\] = 1000000"):
        InMemory(X, y)


def test_the_hand_off_is_not_a_flag_on_x():
    """Nothing on X (its format flags, any attribute) skips the check."""
    X, y = _data()
    check_fit_data(X, y)
    Y = X.copy()
    Y.indices[2] = 10**7
    Y.has_canonical_format = True
    with pytest.raises(DataValidationError, match=r"X\.indices\[2\]"):
        InMemory(Y, y)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_prediction_of_duplicates_equals_the_summed_matrix_without_a_copy(fmt, scans):
    X, y = _data()
    model = LogisticRegression(penalty="l2").fit(X, y)
    H = _halved(X).asformat(fmt)
    H.has_canonical_format = True
    summed = H.copy()
    summed.sum_duplicates()
    scans.clear()
    assert check_X(H, for_prediction=True) is H
    np.testing.assert_allclose(
        model.predict_proba(H), model.predict_proba(summed), rtol=1e-13
    )
    np.testing.assert_array_equal(model.predict(H), model.predict(summed))
    assert scans == []  # no canonical test, no copy


@pytest.mark.parametrize("value", [10**8, -1])
def test_prediction_refuses_an_index_out_of_range(value):
    X, y = _data()
    model = LogisticRegression(penalty="l2").fit(X, y)
    H = _halved(X)
    H.indices[9] = value
    with pytest.raises(DataValidationError, match=rf"X\.indices\[9\] = {value} "):
        model.predict(H)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: sp.csr_array(np.arange(5.0)), r"1-D sparse csr_array of shape \(5,\)"),
        (lambda: sp.coo_array(np.ones((2, 3, 4))), r"3-D sparse coo_array"),
    ],
)
def test_a_sparse_x_that_is_not_2d_is_refused(make, match):
    """Before: ValueError (not enough values to unpack) and worse."""
    with pytest.raises(DataValidationError, match=match):
        LogisticRegression().fit(make(), np.arange(5) % 2)


@pytest.mark.parametrize("name, dtype", [("indptr", float), ("indices", float)])
def test_index_arrays_that_are_not_integers_are_refused(name, dtype):
    """Before: an IndexError from the canonical test's numpy fallback."""
    X, y = _data()
    setattr(X, name, getattr(X, name).astype(dtype))
    with pytest.raises(DataValidationError, match=rf"X\.{name} .* float64 .*integer"):
        LogisticRegression().fit(X, y)


def test_the_remedy_names_the_format_of_x():
    X, y = _data()
    C = X.tocoo(copy=True)
    C.col[1] = 99
    with pytest.raises(
        DataValidationError, match=r"coo_matrix\(\(data, \(row, col\)\)"
    ):
        LogisticRegression().fit(C, y)
    S = X.tocsc()
    S.indices[0] = 10**5
    with pytest.raises(
        DataValidationError, match=r"csc_matrix\(\(data, indices, indptr"
    ):
        LogisticRegression().fit(S, y)
    A = sp.csr_array(X)
    A.indices[[0, 1]] = 99
    with pytest.raises(
        DataValidationError,
        match=r"\(X's columns; 2 of its \d+ stored indices are outside it\).*csr_array",
    ):
        LogisticRegression().fit(A, y)


def test_bsr_indices_are_named_block_columns():
    X, y = _data()
    B = X.tobsr(blocksize=(1, 3), copy=True)
    B.indices[0] = 4
    with pytest.raises(
        DataValidationError, match=r"outside \[0, 4\) \(X's block columns of width 3"
    ):
        LogisticRegression().fit(B, y)


@pytest.mark.parametrize("duplicate", [False, True])
def test_the_column_copy_without_its_kernel_finds_duplicates(duplicate, monkeypatch):
    """``newton-cd-columns``' copy by scipy's ``tocsc`` (no compiled kernel)
    asks the canonical rule of ``_sparse_structure``: a column twice in a
    row is None (the caller sums it), otherwise ``tocsc``'s arrays."""
    from logistic.solvers import _column_matrix

    monkeypatch.setattr(_column_matrix, "cd_kernel", lambda: None)
    X, _ = _data()
    if duplicate:
        X = sp.csr_matrix(
            (np.r_[X.data, 1.0], np.r_[X.indices, X.indices[-1]],
             np.r_[X.indptr[:-1], X.nnz + 1]),
            shape=X.shape,
        )  # fmt: skip
    got = _column_matrix.csc_arrays(X)
    if duplicate:
        assert got is None
    else:
        C = X.tocsc()
        for a, b in zip(got, (C.data, C.indices, C.indptr), strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "indices, indptr, expected",
    [
        ([0, 2, 1, 3], [0, 2, 4], True),  # rows [0, 2] and [1, 3]
        ([0, 2, 2, 3], [0, 2, 4], True),  # 2 ends a row and starts the next
        ([0, 2, 2, 3], [0, 3, 4], False),  # 2 twice in a row
        ([2, 0], [0, 2], False),  # unsorted
        ([], [0, 0, 0], True),
    ],
)
def test_canonical_indices(indices, indptr, expected):
    got = structure.canonical_indices(
        np.array(indptr, dtype=np.int32), np.array(indices, dtype=np.int32)
    )
    assert got is expected
