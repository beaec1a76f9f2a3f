"""The column copy of ``newton-cd-columns`` (:func:`csc_arrays`) and the first
sweep's interleaved weights (``logistic._cd.gradient_sweep``).

Reference: scipy's ``tocsc`` (the same arrays, dtypes and order) and plain
sparse products for the sweep's sums.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic.solvers import _column_matrix
from logistic.solvers._column_matrix import ColumnMatrix, cd_kernel, csc_arrays

pytestmark = pytest.mark.skipif(cd_kernel() is None, reason="compiled _cd not built")


def _same_as_scipy(X):
    data, indices, indptr = csc_arrays(X)
    C = X.tocsc()
    assert data.dtype == C.data.dtype and indices.dtype == C.indices.dtype
    assert indptr.dtype == C.indptr.dtype
    np.testing.assert_array_equal(indptr, C.indptr)
    np.testing.assert_array_equal(indices, C.indices)
    np.testing.assert_array_equal(data, C.data)


def test_a_copy_of_huge_pages_equals_scipys_tocsc():
    # 300 000 stored values: 3.6 MB of values and row indices, above HUGE_PAGE,
    # so the compiled kernel makes them
    rng = np.random.default_rng(0)
    X = sp.random(30_000, 500, density=0.02, format="csr", random_state=rng)
    assert X.nnz * 12 >= _column_matrix.HUGE_PAGE
    _same_as_scipy(X)
    data = csc_arrays(X)[0]
    assert data.__array_interface__["data"][0] % _column_matrix.HUGE_PAGE == 0


def test_huge_pages_are_aligned_writable_and_outlive_their_maker():
    # the compiled mapping behind the column copy: the array keeps it alive
    pages = cd_kernel().huge_pages(5000, 4096)
    if pages is None:
        pytest.skip("no private anonymous mappings on this platform")
    a = np.frombuffer(pages, dtype=np.uint8)
    del pages
    assert a.size == 5000 and a.flags.writeable
    assert a.__array_interface__["data"][0] % 4096 == 0
    a[:] = 7
    assert int(a.sum()) == 7 * 5000
    with pytest.raises(ValueError, match="page 3"):
        cd_kernel().huge_pages(10, 3)


def test_huge_pages_refuse_pickle_and_copy():
    """The buffer's addresses belong to its mapping: a pickled or copied
    buffer would point into freed memory (the array viewing it copies)."""
    import copy
    import pickle

    pages = cd_kernel().huge_pages(5000, 4096)
    if pages is None:
        pytest.skip("no private anonymous mappings on this platform")
    for make_copy in (pickle.dumps, copy.copy, copy.deepcopy):
        with pytest.raises(TypeError, match="cannot be pickled or copied"):
            make_copy(pages)
    a = np.frombuffer(pages, dtype=np.uint8)
    a[:] = 3
    b = pickle.loads(pickle.dumps(a))
    assert b.size == 5000 and int(b.sum()) == 3 * 5000


@pytest.mark.parametrize(
    "shape, density", [((200, 50), 0.1), ((1, 7), 1.0), ((9, 1), 0.5), ((40, 30), 0.0)]
)
@pytest.mark.parametrize("index", [np.int32, np.int64])
def test_small_pages_give_scipys_arrays_too(monkeypatch, shape, density, index):
    # an 8-byte "huge page" sends every matrix with stored values through the
    # kernel (the advice fails off a page boundary, harmlessly): empty rows
    # and columns, one row, one column, both index dtypes; none stored: scipy
    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    rng = np.random.default_rng(1)
    X = sp.random(*shape, density=density, format="csr", random_state=rng)
    X = sp.csr_matrix(
        (X.data, X.indices.astype(index), X.indptr.astype(index)), shape=shape
    )
    _same_as_scipy(X)


def test_the_first_sweep_makes_the_plain_sums():
    # gradient_sweep reads v and res side by side: its gradient and model are
    # those of plain sparse products
    rng = np.random.default_rng(2)
    X = sp.random(300, 40, density=0.2, format="csr", random_state=rng)
    cm = ColumnMatrix(X)
    n, p = X.shape
    v, res = rng.random(n) / n, rng.normal(size=n) / n
    cols = np.arange(p, dtype=np.intp)
    g, gt, a, mu = (np.empty(p) for _ in range(4))
    d, r = np.zeros(p), np.zeros(n)
    vsum = float(v.sum())
    cd_kernel().gradient_sweep(
        *cm.arg, cols, v, vsum, res, 0.1, True, np.zeros(p), np.zeros(p), 0.01,
        np.ones(p), g, gt, a, mu, d, r,
    )  # fmt: skip
    np.testing.assert_allclose(g, X.T @ res, rtol=1e-12, atol=1e-15)
    xv = X.T @ v
    np.testing.assert_allclose(mu, xv / vsum, rtol=1e-12)
    xxv = X.multiply(X).T @ v
    np.testing.assert_allclose(a, xxv - xv * xv / vsum + 0.01, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(r, X @ d, rtol=1e-12, atol=1e-15)


def test_int32_indices_with_an_int64_index_pointer_take_scipys_copy():
    """The compiled transpose takes one index dtype for all three arrays: an X
    whose index pointer was widened after construction gets scipy's copy
    (it raised a buffer dtype mismatch)."""
    rng = np.random.default_rng(3)
    X = sp.random(30_000, 500, density=0.02, format="csr", random_state=rng)
    X.indptr = X.indptr.astype(np.int64)
    assert X.indices.dtype == np.int32 and X.nnz * 12 >= _column_matrix.HUGE_PAGE
    data, indices, indptr = csc_arrays(X)
    C = X.tocsc()
    np.testing.assert_array_equal(indptr, C.indptr)
    np.testing.assert_array_equal(indices, C.indices)
    np.testing.assert_array_equal(data, C.data)


@pytest.mark.parametrize(
    ("indptr", "indices", "message"),
    [
        ([0, 2, 3], [0, 5, 1], r"value 1 has column index 5; expected one in \[0, 4\)"),
        ([0, 2, 3], [0, -1, 1], r"value 1 has column index -1; expected one in \[0, 4\)"),
        ([0, 3, 2], [0, 1, 2], r"decreases at row 1 \(3 then 2\)"),
        ([0, 2, 9], [0, 1, 2], "runs from 0 to 9; expected 0 to at most"),
        ([1, 2, 3], [0, 1, 2], "runs from 1 to 3; expected 0"),
    ],
)
def test_the_transpose_refuses_arrays_that_would_write_out_of_bounds(
    indptr, indices, message
):
    kernel = cd_kernel()
    indptr = np.asarray(indptr, dtype=np.int32)
    indices = np.asarray(indices, dtype=np.int32)
    data = np.ones(3)
    out_indptr = np.zeros(5, dtype=np.int32)
    with pytest.raises(ValueError, match=message):
        kernel.csr_to_csc(
            indptr, indices, data, out_indptr, np.zeros(3, np.int32), np.zeros(3)
        )
