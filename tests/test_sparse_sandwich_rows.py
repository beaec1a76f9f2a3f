"""The row loop of the compiled CSR sandwich (``_fused.csr_sandwich``) adds each
row's terms to ``H`` and ``hd`` in row order, whichever loop a row takes.

The reference is built here, outside the kernel: for every row in order, the
terms ``(d_i x_ij) x_ik`` of its pairs of stored values (``u <= v`` in storage
order, put at ``H[min(j, k), max(j, k)]``, a duplicate index's cross term
``(2 d_i x_ij) x_ik``) and ``d_i x_ij`` for ``hd``, summed by ``np.add.at``
(unbuffered, element by element, in array order). Each entry of ``H`` then
receives the same products in the same order as the kernel's loop, so the
two agree bit for bit; numpy's dense ``Aᵀ diag(d) A`` checks the same sums to
a tolerance. The rows cover the loop's kinds: empty, one value, values all 1,
other values, more than 128 values, unsorted and duplicated indices, and
rows with ``d_i = 0`` (which add nothing).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)

P = 150


def _rows(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """(indices, values) of rows of every kind the loop distinguishes."""
    rows: list[tuple[np.ndarray, np.ndarray]] = [(np.array([], int), np.array([]))]
    for count in (1, 2, 7, 14, 31, 140):
        cols = np.sort(rng.choice(P, count, replace=False))
        rows.append((cols, np.ones(count)))  # ascending, values all 1
        rows.append((cols, rng.standard_normal(count)))  # ascending, other values
    for count in (3, 14, 140):
        cols = rng.choice(P, count, replace=False)  # unsorted
        rows.append((cols, np.ones(count)))
        rows.append((cols, rng.standard_normal(count)))
    dup = np.array([5, 9, 9, 40, 5, 2])  # duplicated indices
    rows.append((dup, np.ones(dup.size)))
    rows.append((dup, rng.standard_normal(dup.size)))
    rows.append((np.array([3, 3]), np.array([1.0, 1.0])))
    return rows


def _matrix(rows, dtype, index) -> sp.csr_matrix:
    indptr = np.concatenate([[0], np.cumsum([c.size for c, _ in rows])]).astype(index)
    indices = np.concatenate([c for c, _ in rows]).astype(index)
    data = np.concatenate([v for _, v in rows]).astype(dtype)
    X = sp.csr_matrix((len(rows), P), dtype=dtype)
    X.data, X.indices, X.indptr = data, indices, indptr  # stored as given (no sorting)
    return X


def _in_order_reference(
    X: sp.csr_matrix, d: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Upper triangle of ``Σ_i d_i x_i x_iᵀ`` and ``Σ_i d_i x_i``, term by term in row order."""
    where, terms, hd_where, hd_terms = [], [], [], []
    for i in range(X.shape[0]):
        if d[i] == 0.0:
            continue
        cols = X.indices[X.indptr[i] : X.indptr[i + 1]].astype(np.int64)
        vals = X.data[X.indptr[i] : X.indptr[i + 1]].astype(np.float64)
        for u in range(cols.size):
            va = d[i] * vals[u]
            hd_where.append(cols[u])
            hd_terms.append(va)
            where.append(cols[u] * P + cols[u])
            terms.append(va * vals[u])
            for v in range(u + 1, cols.size):
                j, k = sorted((cols[u], cols[v]))
                where.append(j * P + k)
                terms.append(2.0 * va * vals[v] if j == k else va * vals[v])
    H = np.zeros(P * P)
    np.add.at(H, np.array(where, dtype=np.int64), np.array(terms))
    hd = np.zeros(P)
    np.add.at(hd, np.array(hd_where, dtype=np.int64), np.array(hd_terms))
    H = H.reshape(P, P)
    return np.triu(H) + np.triu(H, 1).T, hd


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
def test_sandwich_rows_add_terms_in_row_order(dtype, index):
    mod = K.compiled_kernel()
    rng = np.random.default_rng(11)
    rows = _rows(rng)
    order = rng.permutation(len(rows))
    X = _matrix([rows[k] for k in order], dtype, index)
    d = rng.random(X.shape[0]) * 0.25
    d[::5] = 0.0  # rows that add nothing
    H, hd = np.zeros((P, P)), np.zeros(P)
    mod.csr_sandwich(X.data, X.indices, X.indptr, d, H, hd)
    ref_H, ref_hd = _in_order_reference(X, d)
    np.testing.assert_array_equal(H, ref_H)
    np.testing.assert_array_equal(hd, ref_hd)
    A = X.astype(np.float64).toarray()  # duplicates summed in float64
    np.testing.assert_allclose(H, A.T @ (A * d[:, None]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hd, A.T @ d, rtol=1e-12, atol=1e-12)


def test_sandwich_rows_accumulate_and_skip_empty_blocks():
    mod = K.compiled_kernel()
    rng = np.random.default_rng(12)
    X = _matrix(_rows(rng), np.float64, np.int32)
    d = rng.random(X.shape[0])
    H0 = rng.standard_normal((P, P))
    H0 = H0 + H0.T
    hd0 = rng.standard_normal(P)
    H, hd = H0.copy(), hd0.copy()
    mod.csr_sandwich(X.data, X.indices, X.indptr, d, H, hd)
    A = X.toarray()
    np.testing.assert_allclose(H, H0 + A.T @ (A * d[:, None]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hd, hd0 + A.T @ d, rtol=1e-12, atol=1e-12)
    empty = sp.csr_matrix((4, P))  # rows but no stored values
    H2, hd2 = H0.copy(), hd0.copy()
    mod.csr_sandwich(empty.data, empty.indices, empty.indptr, np.ones(4), H2, hd2)
    np.testing.assert_array_equal(H2, H0)
    np.testing.assert_array_equal(hd2, hd0)
