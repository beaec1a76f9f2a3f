"""A sparse X's index arrays are checked where X enters, never trusted.

scipy caches ``has_canonical_format`` (sorted column indices, no column
twice in a row) and anyone may set it, or edit ``indices``/``data`` in place
after it was cached. ``check_X`` finds the truth itself (one pass over the
indices): a CSR or CSC X that is not canonical is fitted as its canonical
copy (duplicates summed, as every scipy operation reads them; the caller's X
untouched), and index arrays that do not describe a matrix of X's shape (an
index out of range, ``indptr`` not rising) are a ``DataValidationError``
naming the array and the position, where the compiled kernels would read
outside their buffers. References: the same matrix after scipy's own
``sum_duplicates()``, and dense ``toarray()``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticRegression
from logistic._moments import _sparse_stats


def _data(n=3000, p=30, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.2, format="csr", random_state=seed + 1)
    X.data = rng.standard_normal(X.nnz) * 2 + 1
    z = X @ rng.normal(size=p)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    return X, y


def _halved(X):
    """X with each stored value v as two entries v/2 in its row and column."""
    return sp.csr_matrix(
        (np.repeat(X.data / 2, 2), np.repeat(X.indices, 2), X.indptr * 2),
        shape=X.shape,
    )


def _labelled_canonical(M):
    M.has_canonical_format = True  # what a user may set; scipy believes it
    return M


def test_duplicates_labelled_canonical_are_summed_in_the_statistics():
    """A column whose every value is 2.0, stored as 1.0 + 1.0: before, the
    statistics pass read it as a column of 1.0 (lo = hi = 1) with m2 = -100;
    the fit statistics of X as check_X hands it over are those of the
    summed matrix."""
    from logistic._validation import check_X

    n = 50
    C = sp.csr_matrix(
        (np.ones(2 * n), np.zeros(2 * n, dtype=np.int32),
         np.arange(0, 2 * n + 1, 2, dtype=np.int32)),
        shape=(n, 1),
    )  # fmt: skip
    np.testing.assert_array_equal(C.toarray(), np.full((n, 1), 2.0))
    checked = check_X(_labelled_canonical(C.copy()))
    st = _sparse_stats(checked, None, None)
    ref = _sparse_stats(sp.csr_matrix(C.toarray()), None, None)
    np.testing.assert_array_equal([st.lo, st.hi], [[2.0], [2.0]])
    np.testing.assert_array_equal(st.m2, ref.m2)


@pytest.mark.parametrize("labelled", [False, True])
def test_halved_duplicates_give_the_summed_statistics(labelled):
    from logistic._validation import check_X

    X, _ = _data()
    D = _halved(X)
    if labelled:
        _labelled_canonical(D)
    st = _sparse_stats(check_X(D), None, None)
    ref = _sparse_stats(X, None, None)
    for field in ("lo", "hi", "mean", "m2"):
        np.testing.assert_allclose(getattr(st, field), getattr(ref, field),
                                   rtol=1e-12, err_msg=field)  # fmt: skip


def test_the_callers_matrix_is_left_as_it_was():
    from logistic._validation import check_X

    X, _ = _data()
    D = _labelled_canonical(_halved(X))
    before = [a.copy() for a in (D.data, D.indices, D.indptr)]
    out = check_X(D)
    assert out is not D
    for a, b in zip(before, (D.data, D.indices, D.indptr), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(out.toarray(), X.toarray())


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cd-columns"])
@pytest.mark.parametrize("edit", ["halved", "unsorted"])
def test_a_matrix_labelled_canonical_fits_as_its_summed_copy(solver, edit):
    """Bitwise the fit of the canonical matrix scipy's sum_duplicates makes."""
    X, y = _data()
    if edit == "halved":
        M = _halved(X)
    else:  # each row's indices reversed
        M = X.copy()
        for i in range(M.shape[0]):
            a, b = M.indptr[i], M.indptr[i + 1]
            M.indices[a:b] = M.indices[a:b][::-1].copy()
            M.data[a:b] = M.data[a:b][::-1].copy()
    ref = M.copy()
    ref.has_canonical_format = False
    ref.sum_duplicates()
    np.testing.assert_array_equal(ref.toarray(), X.toarray())
    kw = {"solver": solver, "penalty": "l2", "C": 1.0, "tol": 1e-10}
    expected = LogisticRegression(**kw).fit(ref, y)
    got = LogisticRegression(**kw).fit(_labelled_canonical(M), y)
    np.testing.assert_array_equal(got.coef_, expected.coef_)
    np.testing.assert_array_equal(got.intercept_, expected.intercept_)


def _edited(where, value):
    X, y = _data(n=300)

    def run(fit):
        M = X.copy()
        getattr(M, where[0])[where[1]] = value
        return fit(M, y)

    return run


@pytest.mark.parametrize(
    "where, value, match",
    [
        (("indices", 5), 10**8, r"X\.indices\[5\] = 100000000 is outside \[0, 30\)"),
        (("indices", 7), -1, r"X\.indices\[7\] = -1 is outside \[0, 30\)"),
        (("indptr", 4), 10**6, r"X\.indptr"),
        (("indptr", -1), 10**9, r"X\.indptr"),
        (("indptr", 0), 3, r"X\.indptr\[0\]"),
    ],
)
@pytest.mark.parametrize("call", ["fit", "predict"])
def test_index_arrays_that_describe_no_matrix_are_refused(where, value, match, call):
    """Before: a segmentation fault (the compiled kernels read w[100000000])."""
    run = _edited(where, value)
    model = LogisticRegression().fit(*_data(n=300))
    fit = (lambda M, y: LogisticRegression().fit(M, y)) if call == "fit" else (
        lambda M, y: model.predict_proba(M)
    )  # fmt: skip
    with pytest.raises(DataValidationError, match=match):
        run(fit)


def test_csc_duplicates_are_summed_too():
    X, y = _data()
    C = _halved(X).T.tocsr().T  # a CSC matrix with duplicate entries
    assert C.format == "csc"
    expected = LogisticRegression(solver="newton").fit(X.tocsc(), y)
    got = LogisticRegression(solver="newton").fit(_labelled_canonical(C), y)
    np.testing.assert_allclose(got.coef_, expected.coef_, rtol=1e-10)


@pytest.mark.parametrize("name", ["row", "col"])
def test_a_coo_index_out_of_range_is_refused_before_conversion(name):
    """Before: scipy's tocsr wrote outside its arrays (a segmentation fault
    for a row index)."""
    X, y = _data(n=300)
    C = X.tocoo()
    getattr(C, name)[5] = 10**8
    with pytest.raises(DataValidationError, match=rf"X\.{name}\[5\] = 100000000"):
        LogisticRegression().fit(C, y)


def test_a_bsr_index_out_of_range_is_refused_before_conversion():
    X, y = _data(n=300)
    B = X.tobsr(blocksize=(1, 2))
    B.indices[3] = 10**8
    with pytest.raises(DataValidationError, match=r"X\.indices\[3\] = 100000000"):
        LogisticRegression().fit(B, y)
