# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Compiled coordinate descent over columns of X (GIL released throughout).

The inner solver of :func:`logistic.solvers.coordinate_descent.newton_cd_columns`:
cyclic coordinate descent on the local quadratic model of the logistic loss
with "naive" (glmnet) updates over the working vector ``r = X_S d`` — each
coordinate costs O(nnz of its column), no Hessian is formed. Columns are
those of a CSC matrix (``data``, ``indices``, ``indptr``, all intp indices)
or of a Fortran-ordered dense array, selected by ``cols``.

The model (coordinates ``k`` of the active columns ``cols``; the intercept,
if any, handled in closed form by the caller through the weighted means
``mu``, see the caller's docstring):

    q(d) = g̃ᵀd + ½ (X̃d)ᵀ V (X̃d) + ½ l2‖d‖² + Σ_k lam_k |w_k + d_k|

with ``X̃ = X_S − 1 muᵀ`` (``mu = 0`` without an intercept), ``V = diag(v)``.
Coordinate k's gradient is ``g̃_k + x_kᵀ V r − m·mu_k·vsum + l2·d_k`` with
``m = muᵀd``; its curvature ``a_k`` is passed in. Sweeps over all
coordinates alternate with sweeps over the non-zero ones until a sweep's
largest scaled change ``|δ_k|·a_k·inv_scale_k`` is ≤ ``tol`` (the change in
standardized coordinates, the rule of the numpy reference
``coordinate_descent._cd_columns_numpy``, which this code must match).
Arguments are checked by the Python caller (shapes, dtypes, contiguity).
"""

from libc.math cimport fabs
from libc.stdlib cimport free, malloc


cdef inline double _soft(double z, double t) noexcept nogil:
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


def col_stats_csc(
    const double[::1] data, const Py_ssize_t[::1] indices, const Py_ssize_t[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, double[::1] xv, double[::1] xxv,
):
    """``xv_k = x_kᵀ v`` and ``xxv_k = Σ_i v_i x_ik²`` over the columns ``cols``."""
    cdef Py_ssize_t k, j, i, K = cols.shape[0]
    cdef double s1, s2, x
    with nogil:
        for k in range(K):
            j = cols[k]
            s1 = 0.0
            s2 = 0.0
            for i in range(indptr[j], indptr[j + 1]):
                x = data[i] * v[indices[i]]
                s1 += x
                s2 += x * data[i]
            xv[k] = s1
            xxv[k] = s2


def col_stats_dense(
    const double[::1, :] X, const Py_ssize_t[::1] cols, const double[::1] v,
    double[::1] xv, double[::1] xxv,
):
    """As :func:`col_stats_csc` for Fortran-ordered dense X."""
    cdef Py_ssize_t k, j, i, K = cols.shape[0], n = X.shape[0]
    cdef double s1, s2, x
    cdef const double* col
    with nogil:
        for k in range(K):
            col = &X[0, cols[k]]
            s1 = 0.0
            s2 = 0.0
            for i in range(n):
                x = col[i] * v[i]
                s1 += x
                s2 += x * col[i]
            xv[k] = s1
            xxv[k] = s2


def col_dots_csc(
    const double[::1] data, const Py_ssize_t[::1] indices, const Py_ssize_t[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] r, double[::1] out,
):
    """``out_k = x_kᵀ r`` over the columns ``cols``."""
    cdef Py_ssize_t k, j, i, K = cols.shape[0]
    cdef double s
    with nogil:
        for k in range(K):
            j = cols[k]
            s = 0.0
            for i in range(indptr[j], indptr[j + 1]):
                s += data[i] * r[indices[i]]
            out[k] = s


def col_dots_dense(
    const double[::1, :] X, const Py_ssize_t[::1] cols, const double[::1] r,
    double[::1] out,
):
    """As :func:`col_dots_csc` for Fortran-ordered dense X."""
    cdef Py_ssize_t k, i, K = cols.shape[0], n = X.shape[0]
    cdef double s
    cdef const double* col
    with nogil:
        for k in range(K):
            col = &X[0, cols[k]]
            s = 0.0
            for i in range(n):
                s += col[i] * r[i]
            out[k] = s


def col_axpy_csc(
    const double[::1] data, const Py_ssize_t[::1] indices, const Py_ssize_t[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] coef, double[::1] out,
):
    """``out += X_S coef`` (``out`` of length n_samples)."""
    cdef Py_ssize_t k, j, i, K = cols.shape[0]
    cdef double c
    with nogil:
        for k in range(K):
            c = coef[k]
            if c == 0.0:
                continue
            j = cols[k]
            for i in range(indptr[j], indptr[j + 1]):
                out[indices[i]] += c * data[i]


cdef double _sweep_csc(
    const double[::1] data, const Py_ssize_t[::1] indices, const Py_ssize_t[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double* m, Py_ssize_t* which, Py_ssize_t count,
) noexcept nogil:
    cdef Py_ssize_t t, k, j, i, row
    cdef double grad, old, new, delta, biggest = 0.0, step
    for t in range(count):
        k = which[t]
        if not a[k] > 0.0:
            continue
        j = cols[k]
        grad = 0.0
        for i in range(indptr[j], indptr[j + 1]):
            row = indices[i]
            grad += data[i] * v[row] * r[row]
        grad += g[k] - m[0] * mu[k] * vsum + l2 * d[k]
        old = w[k] + d[k]
        new = _soft(old - grad / a[k], lam[k] / a[k])
        delta = new - old
        if delta != 0.0:
            d[k] += delta
            m[0] += delta * mu[k]
            for i in range(indptr[j], indptr[j + 1]):
                r[indices[i]] += delta * data[i]
            step = fabs(delta) * a[k] * inv_scale[k]
            if step > biggest:
                biggest = step
    return biggest


cdef double _sweep_dense(
    const double[::1, :] X, const Py_ssize_t[::1] cols, const double[::1] v,
    const double[::1] g, const double[::1] a, const double[::1] mu, double vsum,
    const double[::1] w, const double[::1] lam, double l2,
    const double[::1] inv_scale, double[::1] d, double[::1] r, double* m,
    Py_ssize_t* which, Py_ssize_t count,
) noexcept nogil:
    cdef Py_ssize_t t, k, i, n = X.shape[0]
    cdef double grad, old, new, delta, biggest = 0.0, step
    cdef const double* col
    for t in range(count):
        k = which[t]
        if not a[k] > 0.0:
            continue
        col = &X[0, cols[k]]
        grad = 0.0
        for i in range(n):
            grad += col[i] * v[i] * r[i]
        grad += g[k] - m[0] * mu[k] * vsum + l2 * d[k]
        old = w[k] + d[k]
        new = _soft(old - grad / a[k], lam[k] / a[k])
        delta = new - old
        if delta != 0.0:
            d[k] += delta
            m[0] += delta * mu[k]
            for i in range(n):
                r[i] += delta * col[i]
            step = fabs(delta) * a[k] * inv_scale[k]
            if step > biggest:
                biggest = step
    return biggest


cdef Py_ssize_t _nonzero(
    const double[::1] w, const double[::1] d, const double[::1] lam, Py_ssize_t* out
) noexcept nogil:
    """Coordinates with ``w + d ≠ 0`` or no L1 weight, written to ``out``."""
    cdef Py_ssize_t k, count = 0
    for k in range(w.shape[0]):
        if w[k] + d[k] != 0.0 or lam[k] == 0.0:
            out[count] = k
            count += 1
    return count


def cd_columns(
    object X, const Py_ssize_t[::1] cols, const double[::1] v, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double tol, Py_ssize_t max_sweeps,
):
    """Minimise the model of the module docstring; ``d`` and ``r`` updated in place.

    ``X`` is ``(data, indices, indptr)`` of a CSC matrix or a Fortran-ordered
    2-D float64 array. Returns ``(sweeps, m)`` with ``m = muᵀd``.
    """
    cdef Py_ssize_t K = cols.shape[0], sweeps = 0, count, k
    cdef double m = 0.0, change
    cdef bint sparse = isinstance(X, tuple)
    cdef const double[::1] data
    cdef const Py_ssize_t[::1] indices, indptr
    cdef const double[::1, :] dense
    if sparse:
        data, indices, indptr = X
    else:
        dense = X
    for k in range(K):
        m += d[k] * mu[k]
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
            while sweeps < max_sweeps:
                if sparse:
                    change = _sweep_csc(data, indices, indptr, cols, v, g, a, mu,
                                        vsum, w, lam, l2, inv_scale, d, r, &m, all_, K)
                else:
                    change = _sweep_dense(dense, cols, v, g, a, mu, vsum, w, lam, l2,
                                          inv_scale, d, r, &m, all_, K)
                sweeps += 1
                if change <= tol:
                    break
                count = _nonzero(w, d, lam, act)
                while sweeps < max_sweeps:
                    sweeps += 1
                    if sparse:
                        change = _sweep_csc(data, indices, indptr, cols, v, g, a, mu,
                                            vsum, w, lam, l2, inv_scale, d, r, &m,
                                            act, count)
                    else:
                        change = _sweep_dense(dense, cols, v, g, a, mu, vsum, w, lam,
                                              l2, inv_scale, d, r, &m, act, count)
                    if change <= tol:
                        break
    finally:
        free(all_)
        free(act)
    return sweeps, m
