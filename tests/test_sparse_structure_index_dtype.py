"""A sparse X whose index arrays are of another integer dtype than int32 or
int64 (assigned by a caller: scipy builds only those two) is checked as it
is, then fitted and predicted as the copy scipy's constructor makes of it
(``logistic._sparse_structure._standard_indices``). Before: a uint32 or
int16 X failed inside scipy (``ValueError: Output dtype not compatible with
inputs.`` from ``tocoo``); uint64 indices failed ``X @ w``.

Reference: the same matrix built with int32 index arrays, fitted and
predicted bit for bit alike; the caller's arrays keep their dtype.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticRegression
from logistic._validation import check_X
from logistic.backends import InMemory

DTYPES = [np.uint32, np.int16, np.uint16, np.uint64]


def _data(n=600, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.3, format="csr", random_state=seed + 1)
    X.data = rng.standard_normal(X.nnz) + 1
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.normal(size=p))))).astype(float)
    return X, y


def _with_index_dtype(X, dtype):
    """A copy of X whose index arrays were assigned as ``dtype``."""
    Y = X.copy()
    if Y.format == "coo":
        Y.row, Y.col = Y.row.astype(dtype), Y.col.astype(dtype)
    else:
        Y.indices, Y.indptr = Y.indices.astype(dtype), Y.indptr.astype(dtype)
    return Y


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_fit_and_predict_equal_the_int32_matrix(dtype, fmt):
    X, y = _data()
    X = X.asformat(fmt)
    Y = _with_index_dtype(X, dtype)
    expected = LogisticRegression(penalty="l2").fit(X, y)
    got = LogisticRegression(penalty="l2").fit(Y, y)
    np.testing.assert_array_equal(got.coef_, expected.coef_)
    np.testing.assert_array_equal(got.intercept_, expected.intercept_)
    np.testing.assert_array_equal(expected.predict_proba(Y), expected.predict_proba(X))
    assert Y.indices.dtype == dtype and Y.indptr.dtype == dtype  # caller's arrays


@pytest.mark.parametrize("dtype", [np.uint32, np.int16])
@pytest.mark.parametrize("fmt", ["coo", "bsr"])
def test_coo_and_bsr_fit_as_the_int32_matrix(dtype, fmt):
    X, y = _data()
    Y = _with_index_dtype(X.asformat(fmt), dtype)
    expected = LogisticRegression(penalty="l2").fit(X, y)
    got = LogisticRegression(penalty="l2").fit(Y, y)
    np.testing.assert_array_equal(got.coef_, expected.coef_)


@pytest.mark.parametrize("dtype", [np.uint32, np.int16])
def test_a_backend_takes_them_too(dtype):
    X, y = _data()
    Y = _with_index_dtype(X, dtype)
    expected = LogisticRegression(penalty="l2").fit(InMemory(X, y), None)
    backend = InMemory(Y, y)
    assert backend.X.indices.dtype in (np.int32, np.int64)
    got = LogisticRegression(penalty="l2").fit(backend, None)
    np.testing.assert_array_equal(got.coef_, expected.coef_)


def test_mixed_index_dtypes_become_one():
    X, y = _data()
    Y = X.copy()
    Y.indptr = Y.indptr.astype(np.int64)  # indices stay int32
    checked = check_X(Y)
    assert checked.indices.dtype == checked.indptr.dtype
    np.testing.assert_array_equal(checked.toarray(), X.toarray())


def test_standard_index_dtypes_are_not_copied():
    X, _ = _data()
    for dtype in (np.int32, np.int64):
        Y = _with_index_dtype(X, dtype)
        assert check_X(Y) is Y
        assert check_X(Y, for_prediction=True) is Y


def test_duplicates_labelled_canonical_are_summed():
    X, y = _data()
    H = sp.csr_matrix(
        (np.repeat(X.data / 2, 2), np.repeat(X.indices, 2), X.indptr * 2),
        shape=X.shape,
    )
    H = _with_index_dtype(H, np.uint32)
    H.has_canonical_format = True
    checked = check_X(H)
    assert checked.nnz == X.nnz
    np.testing.assert_allclose(checked.toarray(), X.toarray(), rtol=1e-15)


@pytest.mark.parametrize("for_prediction", [False, True])
def test_an_index_out_of_range_is_named_with_its_value(for_prediction):
    X, _ = _data()
    Y = _with_index_dtype(X, np.uint32)
    Y.indices[7] = 4_000_000_000
    with pytest.raises(DataValidationError, match=r"X\.indices\[7\] = 4000000000"):
        check_X(Y, for_prediction=for_prediction)
