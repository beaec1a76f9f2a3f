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


def _unsorted_copy(X, rng):
    """X with each row's stored values in a shuffled order (not canonical)."""
    indices, data = X.indices.copy(), X.data.copy()
    for i in range(X.shape[0]):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        order = lo + rng.permutation(hi - lo)
        indices[lo:hi], data[lo:hi] = X.indices[order], X.data[order]
    return sp.csr_matrix((data, indices, X.indptr.copy()), shape=X.shape)


@pytest.mark.parametrize("huge", [False, True])
def test_rows_in_any_order_give_scipys_canonical_copy(monkeypatch, huge):
    """The copy places rows in order whatever the order of a row's columns:
    the arrays of scipy's tocsc, and the copy holds X's own values."""
    if not huge:
        monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    rng = np.random.default_rng(4)
    shape = (30_000, 500) if huge else (300, 40)
    X = _unsorted_copy(
        sp.random(*shape, density=0.02, format="csr", random_state=rng), rng
    )
    assert not X.copy().has_sorted_indices
    C = X.tocsc()
    C.sort_indices()
    data, indices, indptr = csc_arrays(X)
    np.testing.assert_array_equal(indptr, C.indptr)
    np.testing.assert_array_equal(indices, C.indices)
    np.testing.assert_array_equal(data, C.data)
    assert ColumnMatrix(X).stored_values


def test_a_duplicate_entry_is_summed_not_copied(monkeypatch):
    """A column twice in a row stops the compiled copy (False, nothing
    placed); the column matrix then holds scipy's summed values and its
    statistics do not come from the copy."""
    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    # row 0 holds column 1 twice (2 + 3), row 1 holds column 0 and 2
    X = sp.csr_matrix(
        (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([0, 1, 1, 0, 2], np.int32),
         np.array([0, 3, 5], np.int32)), shape=(2, 3),
    )  # fmt: skip
    out = (np.zeros(4, np.int32), np.zeros(5, np.int32), np.zeros(5))
    assert cd_kernel().csr_to_csc(X.indptr, X.indices, X.data, *out) is False
    assert csc_arrays(X) is None
    cm = ColumnMatrix(X)
    assert not cm.stored_values
    dense = np.array([[1.0, 5.0, 0.0], [4.0, 0.0, 5.0]])
    got = sp.csc_matrix((cm.data, cm.indices, cm.indptr), shape=(2, 3)).toarray()
    np.testing.assert_array_equal(got, dense)


def test_a_fit_on_unsorted_rows_equals_the_fit_on_sorted_ones():
    from logistic import LogisticRegression

    rng = np.random.default_rng(5)
    X = sp.random(30_000, 500, density=0.02, format="csr", random_state=rng)
    y = (X @ rng.normal(size=500) + 0.3 * rng.normal(size=30_000) > 0).astype(float)
    U = _unsorted_copy(X, rng)
    kw = dict(solver="newton-cd-columns", penalty="l2", alpha=1e-3, tol=1e-10)
    a = LogisticRegression(**kw).fit(X, y)
    b = LogisticRegression(**kw).fit(U, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("where", [0, 1, 2500, -1])
def test_the_copy_finds_a_duplicate_anywhere_and_only_duplicates(monkeypatch, where):
    """Equal row numbers side by side across a column boundary are no
    duplicate (the copy is made); a column twice in one row, in the first,
    a middle or the last row, is (False: the caller sums them)."""
    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    rng = np.random.default_rng(6)
    n, p = 5000, 60
    X = sp.random(n, p, density=0.1, format="csr", random_state=rng)
    # every column holds row 7 and nothing after it in column 0 or before it
    # in column 1: row 7 ends column 0 and starts column 1 (equal neighbours)
    D = X.toarray()
    D[:, :2] = 0.0
    D[7, :2] = 1.0
    X = sp.csr_matrix(D)
    nnz = X.nnz
    out = (np.zeros(p + 1, np.int32), np.zeros(nnz, np.int32), np.zeros(nnz))
    assert cd_kernel().csr_to_csc(X.indptr, X.indices, X.data, *out) is True
    np.testing.assert_array_equal(out[1], X.tocsc().indices)
    # a duplicate: row `where`'s first stored value once more
    row = where % n
    while X.indptr[row + 1] == X.indptr[row]:
        row -= 1
    at = X.indptr[row]
    indices = np.insert(X.indices, at, X.indices[at])
    data = np.insert(X.data, at, 0.5)
    indptr = X.indptr.copy()
    indptr[row + 1 :] += 1
    Y = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    out = (np.zeros(p + 1, np.int32), np.zeros(nnz + 1, np.int32), np.zeros(nnz + 1))
    assert cd_kernel().csr_to_csc(Y.indptr, Y.indices, Y.data, *out) is False
    assert csc_arrays(Y) is None
    cm = ColumnMatrix(Y)
    got = sp.csc_matrix((cm.data, cm.indices, cm.indptr), shape=(n, p)).toarray()
    np.testing.assert_array_equal(got, Y.toarray())


@pytest.mark.parametrize("l1", [0.0, 0.003])
def test_the_first_sweep_makes_the_stopping_rule_of_its_point(l1):
    """With ``g`` and ``mean``, gradient_sweep's gradient and KKT residual are
    kkt_standardized's at the same point, bit for bit, and the sweep itself
    is unchanged."""
    rng = np.random.default_rng(7)
    X = sp.random(400, 50, density=0.2, format="csr", random_state=rng)
    cm = ColumnMatrix(X)
    n, p = X.shape
    v, res = rng.random(n) / n, rng.normal(size=n) / n
    w = rng.normal(size=p) * (rng.random(p) < 0.7)
    mean, inv_scale = rng.normal(size=p), rng.random(p) + 0.5
    cols = np.arange(p, dtype=np.intp)
    lam = np.full(p, l1)
    g_b, l2 = 0.02, 0.01
    runs = []
    for with_kkt in (False, True):
        out = [np.empty(p) for _ in range(4)] + [np.zeros(p), np.zeros(n)]
        g = np.empty(p) if with_kkt else None
        change, m, resid = cd_kernel().gradient_sweep(
            *cm.arg, cols, v, float(v.sum()), res, g_b, True, w, lam, l2,
            inv_scale, *out, g, mean if with_kkt else None, l1,
        )  # fmt: skip
        runs.append((change, m, resid, out, g))
    (c0, m0, r0, out0, _), (c1, m1, r1, out1, g1) = runs
    assert np.isnan(r0) and (c0, m0) == (c1, m1)
    for a, b in zip(out0, out1, strict=True):
        np.testing.assert_array_equal(a, b)
    g_ref = np.empty(p)
    r_ref = cd_kernel().kkt_standardized(
        out1[0], w, l2, g_b, mean, inv_scale, l1, g_ref
    )
    assert r1 == r_ref
    np.testing.assert_array_equal(g1.view(np.int64), g_ref.view(np.int64))


def _with_duplicate(rng, n, p, density):
    """A CSR matrix whose row 3 holds its first column twice (not side by
    side: ``[j, others..., j]``), and the same matrix summed."""
    X = sp.random(n, p, density=density, format="csr", random_state=rng)
    X = X.tolil()
    X[3, 0] = 0.0
    X[3, 1] = 1.5
    X[3, 2] = -0.5
    X = X.tocsr()
    lo, hi = X.indptr[3], X.indptr[4]
    indices = np.insert(X.indices, hi, X.indices[lo])
    data = np.insert(X.data, hi, 0.75)
    indptr = X.indptr.copy()
    indptr[4:] += 1
    D = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    S = D.copy()
    S.sum_duplicates()
    assert S.nnz == D.nnz - 1
    return D, S


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("huge", [False, True])
def test_a_lying_canonical_flag_is_not_trusted(monkeypatch, huge, compiled):
    """``has_canonical_format`` set True on a CSR X with a duplicate entry:
    the copy still finds it, so the column matrix and the fit equal those
    of the summed matrix (a duplicate copied as two values would give its
    column the curvature x1² + x2² instead of (x1 + x2)²)."""
    from logistic import LogisticRegression

    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8 if huge else 1 << 40)
    old = _column_matrix.set_compiled_cd(compiled)
    try:
        rng = np.random.default_rng(8)
        D, S = _with_duplicate(rng, 600, 30, 0.1)
        D.has_canonical_format = True  # the lie
        assert csc_arrays(D) is None
        cm, ref = ColumnMatrix(D), ColumnMatrix(S)
        assert not cm.stored_values and ref.stored_values
        got = sp.csc_matrix((cm.data, cm.indices, cm.indptr), shape=D.shape)
        np.testing.assert_array_equal(got.toarray(), S.toarray())
        v = rng.random(600)
        cols = np.arange(30)
        for a, b in zip(cm.stats(cols, v), ref.stats(cols, v), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-14)
        y = (S @ rng.normal(size=30) + 0.5 * rng.normal(size=600) > 0).astype(float)
        kw = dict(solver="newton-cd-columns", penalty="l2", alpha=1e-2, tol=1e-10)
        a = LogisticRegression(**kw).fit(D, y)
        b = LogisticRegression(**kw).fit(S, y)
    finally:
        _column_matrix.set_compiled_cd(old)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("compiled", [True, False])
def test_a_duplicate_apart_in_its_row_is_found(monkeypatch, compiled):
    """Row 0's columns ``[1, 0, 1]``: column 1 twice, not side by side in
    the row (side by side in the copy, whose rows rise)."""
    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    X = sp.csr_matrix(
        (np.array([2.0, 1.0, 3.0, 4.0]), np.array([1, 0, 1, 2], np.int32),
         np.array([0, 3, 4], np.int32)), shape=(2, 3),
    )  # fmt: skip
    if compiled:
        out = (np.zeros(4, np.int32), np.zeros(4, np.int32), np.zeros(4))
        assert cd_kernel().csr_to_csc(X.indptr, X.indices, X.data, *out) is False
    old = _column_matrix.set_compiled_cd(compiled)
    try:
        assert csc_arrays(X) is None
        cm = ColumnMatrix(X)
    finally:
        _column_matrix.set_compiled_cd(old)
    got = sp.csc_matrix((cm.data, cm.indices, cm.indptr), shape=(2, 3)).toarray()
    np.testing.assert_array_equal(got, [[1.0, 5.0, 0.0], [0.0, 0.0, 4.0]])


@pytest.mark.parametrize("m", [4096, 4097])
@pytest.mark.parametrize("compiled", [True, False])
def test_a_duplicate_at_the_counting_block_edge_is_found(monkeypatch, m, compiled):
    """Column 0 holds rows 0 .. m-1 and row m-1 once more: the twins sit at
    positions m-1 and m of the copy, 4095/4096 (the end of the kernel's
    first block of 4096 comparisons) or 4096/4097 (the start of the next)."""
    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    indptr = np.arange(m + 1, dtype=np.int32)
    indptr[m] = m + 1
    X = sp.csr_matrix((np.ones(m + 1), np.zeros(m + 1, np.int32), indptr), shape=(m, 2))
    old = _column_matrix.set_compiled_cd(compiled)
    try:
        assert csc_arrays(X) is None
        # the same matrix without the twin is copied
        Y = sp.csr_matrix(
            (np.ones(m), np.zeros(m, np.int32), np.arange(m + 1, dtype=np.int32)),
            shape=(m, 2),
        )
        assert csc_arrays(Y) is not None
    finally:
        _column_matrix.set_compiled_cd(old)


@pytest.mark.parametrize("compiled", [True, False])
def test_equal_neighbours_across_empty_columns_are_no_duplicate(monkeypatch, compiled):
    """Row 7 ends column 0 and starts column 3, columns 1 and 2 empty: the
    equal neighbours start a column (three columns start there)."""
    monkeypatch.setattr(_column_matrix, "HUGE_PAGE", 8)
    D = np.zeros((10, 5))
    D[[2, 7], 0] = [1.0, 2.0]
    D[[7, 9], 3] = [3.0, 4.0]
    D[7, 4] = 5.0  # and once more into the last column
    X = sp.csr_matrix(D)
    old = _column_matrix.set_compiled_cd(compiled)
    try:
        arrays = csc_arrays(X)
    finally:
        _column_matrix.set_compiled_cd(old)
    assert arrays is not None
    C = X.tocsc()
    for got, want in zip(arrays, (C.data, C.indices, C.indptr), strict=True):
        np.testing.assert_array_equal(got, want)


def _first_sweep(rng, n=300, p=40, l1=0.002):
    from logistic.solvers._column_step import gradient_sweep

    X = sp.random(n, p, density=0.2, format="csr", random_state=rng)
    cm = ColumnMatrix(X)
    v, res = rng.random(n) / n, rng.normal(size=n) / n
    w = rng.normal(size=p) * (rng.random(p) < 0.7)
    mean, inv_scale = rng.normal(size=p), rng.random(p) + 0.5
    kw = dict(l1=l1, l2=0.01, inv_scale=inv_scale, fit_intercept=True, mean=mean)
    g_loss, first = gradient_sweep(
        cm, np.arange(p, dtype=np.intp), res, v, w, 0.02, **kw
    )
    return g_loss, first, w, mean, inv_scale, kw


def test_the_first_sweeps_kkt_numbers_are_handed_out_only_for_its_point():
    """:meth:`FirstSweep.kkt` gives ``_kkt``'s numbers for the sweep's own
    g_loss array, point (bit for bit), g_b and rule, and None for anything
    else: w one ulp away, another g_b, an equal copy of g_loss, another
    l1, l2, mean or inv_scale."""
    from logistic.solvers.column_cd import _kkt

    rng = np.random.default_rng(9)
    g_loss, first, w, mean, inv_scale, kw = _first_sweep(rng)
    l1, l2 = kw["l1"], kw["l2"]
    args = (g_loss, w, 0.02, l1, l2, mean, inv_scale)
    g, resid = first.kkt(*args)
    g_ref, r_ref = _kkt(g_loss, w, l2, 0.02, mean, inv_scale, l1)
    np.testing.assert_array_equal(g.view(np.int64), g_ref.view(np.int64))
    assert resid == r_ref
    assert first.kkt(g_loss, w.copy(), *args[2:]) is not None  # equal bits
    ulp = w.copy()
    ulp[5] = np.nextafter(ulp[5], np.inf)
    assert first.kkt(g_loss, ulp, *args[2:]) is None
    assert first.kkt(g_loss.copy(), *args[1:]) is None
    assert first.kkt(g_loss, w, np.nextafter(0.02, 1.0), *args[3:]) is None
    assert first.kkt(*args[:3], 2 * l1, l2, mean, inv_scale) is None
    assert first.kkt(*args[:3], l1, 2 * l2, mean, inv_scale) is None
    assert first.kkt(*args[:3], l1, l2, mean.copy(), inv_scale) is None
    assert first.kkt(*args[:3], l1, l2, mean, inv_scale.copy()) is None


def test_the_first_sweep_reuses_its_spent_gradient_array():
    from logistic.solvers._column_step import gradient_sweep

    rng = np.random.default_rng(10)
    g_loss, first, w, mean, inv_scale, kw = _first_sweep(rng)
    n, p, g_old = first.r.size, w.size, first.g
    v, res = rng.random(n) / n, rng.normal(size=n) / n
    cols = np.arange(p, dtype=np.intp)
    cm = ColumnMatrix(sp.random(n, p, density=0.2, format="csr", random_state=rng))
    _, again = gradient_sweep(cm, cols, res, v, w, 0.02, spent=first, **kw)
    assert again.g is g_old
    _, fresh = gradient_sweep(cm, cols, res, v, w, 0.02, **kw)
    np.testing.assert_array_equal(again.g, fresh.g)
    assert again.resid == fresh.resid


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_a_fit_takes_its_stopping_rule_from_the_first_sweeps(monkeypatch, penalty):
    """Every KKT residual of a fused fit comes from a first sweep: no call
    of ``_kkt`` (a refusal of :meth:`FirstSweep.kkt` would make one)."""
    from logistic import LogisticRegression
    from logistic.solvers import _column_step

    calls = []

    def spy(*args):
        calls.append(1)
        return _kkt(*args)

    _kkt = _column_step._kkt
    monkeypatch.setattr(_column_step, "_kkt", spy)
    made = []
    sweep = _column_step.gradient_sweep

    def count(*args, **kwargs):
        made.append(1)
        return sweep(*args, **kwargs)

    monkeypatch.setattr(_column_step, "gradient_sweep", count)
    rng = np.random.default_rng(11)
    X = sp.random(3000, 400, density=0.02, format="csr", random_state=rng)
    y = (X @ rng.normal(size=400) + 0.3 * rng.normal(size=3000) > 0).astype(float)
    m = LogisticRegression(
        solver="newton-cd-columns", penalty=penalty, alpha=1e-3, tol=1e-8
    ).fit(X, y)
    assert m.n_iter_ >= 3 and len(made) >= 3
    assert calls == []
