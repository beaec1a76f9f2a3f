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


cdef extern from "_fused_sandwich_rows.h" nogil:
    void logistic_sandwich_rows_f64_i32(
        Py_ssize_t n, Py_ssize_t p, const double* data, const int* indices,
        const int* indptr, const double* d, double* H, double* hd)
    void logistic_sandwich_rows_f64_i64(
        Py_ssize_t n, Py_ssize_t p, const double* data, const long long* indices,
        const long long* indptr, const double* d, double* H, double* hd)
    void logistic_sandwich_rows_f32_i32(
        Py_ssize_t n, Py_ssize_t p, const float* data, const int* indices,
        const int* indptr, const double* d, double* H, double* hd)
    void logistic_sandwich_rows_f32_i64(
        Py_ssize_t n, Py_ssize_t p, const float* data, const long long* indices,
        const long long* indptr, const double* d, double* H, double* hd)


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
    """Adds the upper triangle of ``Σ_i d_i x_i x_iᵀ`` to ``hp``, ``Σ_i d_i x_i`` to ``hdp``
    (the C loop of ``_fused_sandwich_rows.h``: pairs of a row with ascending
    indices, read in place; rows of values all 1 without products; other
    rows to ``H[min, max]``)."""
    if floating is double:
        if index_t is int:
            logistic_sandwich_rows_f64_i32(
                n, p, &data[0], &indices[0], &indptr[0], &d[0], hp, hdp)
        else:
            logistic_sandwich_rows_f64_i64(
                n, p, &data[0], &indices[0], &indptr[0], &d[0], hp, hdp)
    else:
        if index_t is int:
            logistic_sandwich_rows_f32_i32(
                n, p, &data[0], &indices[0], &indptr[0], &d[0], hp, hdp)
        else:
            logistic_sandwich_rows_f32_i64(
                n, p, &data[0], &indices[0], &indptr[0], &d[0], hp, hdp)
