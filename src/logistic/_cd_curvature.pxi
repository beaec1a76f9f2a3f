# Included by _cd.pyx: coordinate descent over the columns of a CSC matrix
# (int32 or intp indices), and the variant whose first sweep also forms the
# model's curvature (newton-cd-columns: one read of X fewer a Newton step).


cdef Py_ssize_t _csc_schedule(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double* m, Py_ssize_t* all_, Py_ssize_t* act,
    double tol, Py_ssize_t max_sweeps, Py_ssize_t sweeps, double change,
) noexcept nogil:
    """The sweep schedule of :func:`cd_columns` after a sweep over every
    coordinate (``sweeps`` made so far, ``change`` the last full sweep's):
    sweeps over the active coordinates until they converge, then a full sweep
    again, until a full sweep converges or ``max_sweeps``. Returns the sweeps."""
    cdef Py_ssize_t count, K = cols.shape[0]
    while change > tol and sweeps < max_sweeps:
        count = _nonzero(w, d, lam, act)
        while sweeps < max_sweeps:
            sweeps += 1
            if _sweep_csc(data, indices, indptr, cols, v, g, a, mu, vsum, w, lam,
                          l2, inv_scale, d, r, m, act, count) <= tol:
                break
        if sweeps >= max_sweeps:
            break
        change = _sweep_csc(data, indices, indptr, cols, v, g, a, mu, vsum, w, lam,
                            l2, inv_scale, d, r, m, all_, K)
        sweeps += 1
    return sweeps


cdef object _csc_solve(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double tol, Py_ssize_t max_sweeps, double m,
    bint curvature, double g_b, bint center,
):
    """:func:`cd_columns` on CSC arrays; with ``curvature``, the first sweep
    is :func:`_sweep_curvature`'s, which writes ``a``, ``mu`` and ``g`` (the
    const views are the caller's writable arrays)."""
    cdef Py_ssize_t K = cols.shape[0], sweeps = 0, k
    cdef double change
    cdef Py_ssize_t* all_ = <Py_ssize_t*> malloc((K + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* act = <Py_ssize_t*> malloc((K + 1) * sizeof(Py_ssize_t))
    if all_ == NULL or act == NULL:
        free(all_)
        free(act)
        raise MemoryError("coordinate descent buffers")
    try:
        with nogil:
            for k in range(K):
                all_[k] = k
            if max_sweeps >= 1:
                if curvature:
                    change = _sweep_curvature(
                        data, indices, indptr, cols, v, <double*> &g[0],
                        <double*> &a[0], <double*> &mu[0], vsum, g_b, center, w,
                        lam, l2, inv_scale, d, r, &m)
                else:
                    change = _sweep_csc(data, indices, indptr, cols, v, g, a, mu,
                                        vsum, w, lam, l2, inv_scale, d, r, &m, all_, K)
                sweeps = _csc_schedule(data, indices, indptr, cols, v, g, a, mu, vsum,
                                       w, lam, l2, inv_scale, d, r, &m, all_, act, tol,
                                       max_sweeps, 1, change)
    finally:
        free(all_)
        free(act)
    return sweeps, m


cdef double _sweep_curvature(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, double* g, double* a,
    double* mu, double vsum, double g_b, bint center, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double* m,
) noexcept nogil:
    """A sweep of :func:`_sweep_csc` over every coordinate that forms each
    column's model as it reads the column (``d`` zero on entry): ``x_kᵀv``,
    ``Σ v x_k²`` and ``x_kᵀ V r`` in one loop, then ``mu_k = x_kᵀv / vsum``
    (0 without ``center``), ``a_k = Σ v x_k² − mu_k x_kᵀv + l2`` and
    ``g_k ← g_k − g_b mu_k`` (written), the products and sums of
    :func:`col_stats_csc` and :func:`_sweep_csc` in their order: the same
    bits as those two calls."""
    cdef Py_ssize_t k, j, i, row, K = cols.shape[0]
    cdef double s1, s2, sr, x, grad, old, new, delta, biggest = 0.0, step, muk
    for k in range(K):
        j = cols[k]
        s1 = 0.0
        s2 = 0.0
        sr = 0.0
        for i in range(indptr[j], indptr[j + 1]):
            row = indices[i]
            x = data[i] * v[row]
            s1 += x
            s2 += x * data[i]
            sr += x * r[row]
        muk = s1 / vsum if center else 0.0
        mu[k] = muk
        a[k] = s2 - muk * s1 + l2
        g[k] = g[k] - g_b * muk
        if not a[k] > 0.0:
            continue
        grad = sr
        grad += g[k] - m[0] * muk * vsum + l2 * d[k]
        old = w[k] + d[k]
        new = _soft(old - grad / a[k], lam[k] / a[k])
        delta = new - old
        if delta != 0.0:
            d[k] += delta
            m[0] += delta * muk
            for i in range(indptr[j], indptr[j + 1]):
                r[indices[i]] += delta * data[i]
            step = fabs(delta) * a[k] * inv_scale[k]
            if step > biggest:
                biggest = step
    return biggest


def cd_columns_curvature(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, double vsum, double[::1] g,
    double g_b, bint center, const double[::1] w, const double[::1] lam, double l2,
    const double[::1] inv_scale, double[::1] a, double[::1] mu, double[::1] d,
    double[::1] r, double tol, Py_ssize_t max_sweeps,
):
    """:func:`cd_columns` on CSC arrays whose first sweep forms the model:
    on entry ``g`` is the gradient over ``cols`` (loss and L2 terms), ``d``
    and ``r`` are zero; ``a``, ``mu`` and ``g`` (then ``g − g_b·mu``) are
    written as the caller would compute them from ``col_stats_csc`` with
    ``mu = X_Sᵀv / vsum`` when ``center`` (else 0). Returns ``(sweeps, m)``."""
    if cols.shape[0] == 0:
        return 0, 0.0
    return _csc_solve(data, indices, indptr, cols, v, g, a, mu, vsum, w, lam, l2,
                      inv_scale, d, r, tol, max_sweeps, 0.0, True, g_b, center)
