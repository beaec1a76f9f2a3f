# CSR blocks' Hessian sums Xᵀ D X without a sparse product (included by
# _fused.pyx): csr_sandwich and its row loop.

def csr_sandwich(
    const floating[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    const double[::1] d,
    double[:, ::1] H,
    double[::1] hd,
):
    """One CSR block: ``H += Xᵀ diag(d) X`` and ``hd += Xᵀ d`` (``H`` symmetric).

    For each row, every pair of its stored values ``(x_ij, x_ik)`` adds
    ``d_i x_ij x_ik`` to ``H[min(j, k), max(j, k)]`` (a duplicate column
    index adds the cross term twice, as the sum of the duplicates would);
    the upper triangle is then copied to the lower one. Work is
    ``Σ_i nnz_i (nnz_i + 1) / 2`` multiply-adds into a dense ``p × p``
    float64 array that stays in cache for small p; no sparse product is
    formed. ``H`` and ``hd`` are accumulated into (zero them first).
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1, p = H.shape[1], ja, jc
    cdef double* hp = &H[0, 0]
    cdef double* hdp = &hd[0]
    if n <= 0:
        return
    with nogil:
        _sandwich_rows(data, indices, indptr, d, hp, hdp, n, p)
        for ja in range(p):  # mirror the upper triangle
            for jc in range(ja + 1, p):
                hp[jc * p + ja] = hp[ja * p + jc]


cdef void _sandwich_rows(
    const floating[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    const double[::1] d,
    double* hp,
    double* hdp,
    Py_ssize_t n,
    Py_ssize_t p,
) noexcept nogil:
    """Adds the upper triangle of ``Σ_i d_i x_i x_iᵀ`` to ``hp``, ``Σ_i d_i x_i`` to ``hdp``.

    A canonical row (ascending column indices) of at most 128 stored values
    is first copied to local arrays (the offsets ``j·p`` of its columns and
    its values as float64), so the pair loop converts and multiplies no
    index; a row of values all 1 (one-hot, binary features) adds ``d_i`` to
    every pair without a product. Other rows take the general loop.
    """
    cdef Py_ssize_t i, ja, jc, m, u, v
    cdef index_t a, c, k0, k1
    cdef double di, va, xa
    cdef double* hrow
    cdef bint ascending, ones
    cdef Py_ssize_t cols[128]
    cdef double vals[128]
    for i in range(n):
        di = d[i]
        if di == 0.0:
            continue
        k0 = indptr[i]
        k1 = indptr[i + 1]
        m = k1 - k0
        ascending = m <= 128
        ones = True
        if ascending:
            for u in range(m):
                ja = indices[k0 + u]
                xa = <double>data[k0 + u]
                if u > 0 and ja <= cols[u - 1]:
                    ascending = False
                    break
                cols[u] = ja
                vals[u] = xa
                if xa != 1.0:
                    ones = False
        if ascending:
            for u in range(m):
                ja = cols[u]
                hrow = hp + ja * p
                if ones:
                    hdp[ja] += di
                    hrow[ja] += di
                    for v in range(u + 1, m):
                        hrow[cols[v]] += di
                else:
                    va = di * vals[u]
                    hdp[ja] += va
                    hrow[ja] += va * vals[u]
                    for v in range(u + 1, m):
                        hrow[cols[v]] += va * vals[v]
            continue
        for a in range(k0, k1):
            ja = indices[a]
            xa = <double>data[a]
            va = di * xa
            hdp[ja] += va
            hrow = hp + ja * p
            hrow[ja] += va * xa
            for c in range(a + 1, k1):
                jc = indices[c]
                if jc > ja:
                    hrow[jc] += va * <double>data[c]
                elif jc < ja:
                    hp[jc * p + ja] += va * <double>data[c]
                else:
                    hrow[ja] += 2.0 * va * <double>data[c]
