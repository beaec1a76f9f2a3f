# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Compiled coordinate descent over columns of X (GIL released throughout).

The inner solver of :func:`logistic.solvers.column_cd.newton_cd_columns`:
cyclic coordinate descent on the local quadratic model of the logistic loss
with "naive" (glmnet) updates over the working vector ``r = X_S d`` — each
coordinate costs O(nnz of its column), no Hessian is formed. Columns are
those of a CSC matrix (``data``, ``indices``, ``indptr``, int32 or intp indices:
``_cd_curvature.pxi``, included below)
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
``column_cd._cd_columns_numpy``, which this code must match).
Arguments are checked by the Python caller (shapes, dtypes, contiguity).
"""

cimport cython
from cpython.exc cimport PyErr_CheckSignals
from libc.math cimport copysign, exp, fabs, log1p
from libc.stdlib cimport free, malloc


cdef extern from "_fused_vec.h" nogil:
    # t[i] = exp(t[i]), l[i] = log1p(t[i]); four rows at a time through glibc's
    # libmvec on AVX2 CPUs where the build links it (setup.py), else scalar
    void logistic_exp_log1p(Py_ssize_t n, double* t, double* l)
    int logistic_vector_math()


def vector_math():
    """Whether exp and log1p of the line search's pass run four rows at a time."""
    return bool(logistic_vector_math())


vector_math()  # detect the CPU once, at import (the header's switch)


# CSC index dtype: int32 (scipy's, kept by a column copy that fits) or intp
ctypedef fused col_index:
    int
    Py_ssize_t


cdef inline double _soft(double z, double t) noexcept nogil:
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


cdef inline double _kkt_term(
    double g_loss, double w, double l2, double g_b, double mean, double inv_scale,
    double l1, double* g,
) noexcept nogil:
    """One coordinate of :func:`kkt_standardized`: ``g = g_loss + l2·w``
    (written) and ``|θ − prox(θ − ĝ)|`` from its closed form (``|θ|`` where
    the prox is 0, else ``|ĝ + λ·sign(θ − ĝ)|``), never as the difference,
    which rounds a gradient below θ's rounding unit to 0
    (:func:`logistic.solvers._base.kkt_residual`). Its one definition makes
    the fused sweep's residual (:func:`_sweep_gradient`) the same expressions
    as :func:`kkt_standardized`'s, so both round alike wherever the compiler
    contracts a product and a sum into a fused multiply-add."""
    cdef double gk = g_loss + l2 * w
    cdef double gs = (gk - mean * g_b) * inv_scale
    cdef double th = w / inv_scale
    cdef double lam = l1 * inv_scale
    cdef double x = th - gs
    g[0] = gk
    if fabs(x) <= lam:
        return fabs(th)
    return fabs(gs + copysign(lam, x))


def col_stats_csc(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, double[::1] xv, double[::1] xxv,
):
    """``xv_k = x_kᵀ v`` and ``xxv_k = Σ_i v_i x_ik²`` over the columns ``cols``.

    Every column sum of the CSC kernels (here, :func:`col_dots_csc`, the
    sweeps) is two partial sums, of the even and of the odd stored values of
    the column, added at its end: two chains of additions instead of one
    (an addition waits for the one before it), in the same order in every
    kernel, so the fused and unfused steps stay equal bit for bit."""
    cdef Py_ssize_t k, j, i, lo, hi, K = cols.shape[0]
    cdef double s1, s2, t1, t2, x, y
    with nogil:
        for k in range(K):
            j = cols[k]
            lo, hi = indptr[j], indptr[j + 1]
            s1 = s2 = t1 = t2 = 0.0
            for i in range(lo, hi - 1, 2):
                x = data[i] * v[indices[i]]
                y = data[i + 1] * v[indices[i + 1]]
                s1 += x
                t1 += y
                s2 += x * data[i]
                t2 += y * data[i + 1]
            if (hi - lo) & 1:
                x = data[hi - 1] * v[indices[hi - 1]]
                s1 += x
                s2 += x * data[hi - 1]
            xv[k] = s1 + t1
            xxv[k] = s2 + t2


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
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] r, double[::1] out,
):
    """``out_k = x_kᵀ r`` over the columns ``cols``."""
    cdef Py_ssize_t k, j, i, lo, hi, K = cols.shape[0]
    cdef double s, t
    with nogil:
        for k in range(K):
            j = cols[k]
            lo, hi = indptr[j], indptr[j + 1]
            s = t = 0.0
            for i in range(lo, hi - 1, 2):
                s += data[i] * r[indices[i]]
                t += data[i + 1] * r[indices[i + 1]]
            if (hi - lo) & 1:
                s += data[hi - 1] * r[indices[hi - 1]]
            out[k] = s + t


def col_dots_dense(
    const double[::1, :] X, const Py_ssize_t[::1] cols, const double[::1] r,
    double[::1] out,
):
    """As :func:`col_dots_csc` for Fortran-ordered dense X."""
    cdef Py_ssize_t k, i, K = cols.shape[0], n = X.shape[0], m = n - n % 4
    cdef double s0, s1, s2, s3
    cdef const double* col
    with nogil:
        for k in range(K):
            col = &X[0, cols[k]]
            s0 = s1 = s2 = s3 = 0.0
            for i in range(0, m, 4):
                s0 += col[i] * r[i]
                s1 += col[i + 1] * r[i + 1]
                s2 += col[i + 2] * r[i + 2]
                s3 += col[i + 3] * r[i + 3]
            for i in range(m, n):
                s0 += col[i] * r[i]
            out[k] = (s0 + s1) + (s2 + s3)


def col_axpy_csc(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
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


def col_axpy_dense(
    const double[::1, :] X, const Py_ssize_t[::1] cols, const double[::1] coef,
    double[::1] out,
):
    """As :func:`col_axpy_csc` for Fortran-ordered dense X (zero coefficients
    skipped)."""
    cdef Py_ssize_t k, i, K = cols.shape[0], n = X.shape[0]
    cdef double c
    cdef const double* col
    with nogil:
        for k in range(K):
            c = coef[k]
            if c == 0.0:
                continue
            col = &X[0, cols[k]]
            for i in range(n):
                out[i] += c * col[i]


cdef double _sweep_csc(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, double* vr, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double* m, Py_ssize_t* which, Py_ssize_t count,
) noexcept nogil:
    """A sweep over the coordinates ``which[:count]``; ``vr`` holds the
    curvature ``v_i`` and the working value ``r_i = (X d)_i`` side by side
    (row i at ``2i``; ``r`` updated there), so a stored value's two come
    from one cache line instead of two arrays' (:func:`_csc_solve`)."""
    cdef Py_ssize_t t, k, j, i, lo, hi, row
    cdef double grad, grad1, old, new, delta, biggest = 0.0, step
    cdef double pair[2]
    for t in range(count):
        k = which[t]
        if not a[k] > 0.0:
            continue
        j = cols[k]
        lo, hi = indptr[j], indptr[j + 1]
        # the two partial sums over the column's pairs of values, both at once
        if col_index is int:
            logistic_pairs_vr_i32(&data[0], &indices[0], lo, hi, vr, pair)
        else:
            logistic_pairs_vr_ip(&data[0], &indices[0], lo, hi, vr, pair)
        grad, grad1 = pair[0], pair[1]
        if (hi - lo) & 1:
            row = 2 * <Py_ssize_t>indices[hi - 1]
            grad += data[hi - 1] * vr[row] * vr[row + 1]
        grad += grad1
        grad += g[k] - m[0] * mu[k] * vsum + l2 * d[k]
        old = w[k] + d[k]
        new = _soft(old - grad / a[k], lam[k] / a[k])
        delta = new - old
        if delta != 0.0:
            d[k] += delta
            m[0] += delta * mu[k]
            for i in range(lo, hi):
                vr[2 * <Py_ssize_t>indices[i] + 1] += delta * data[i]
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

    ``X`` is ``(data, indices, indptr)`` of a CSC matrix (int32 or intp
    indices) or a Fortran-ordered 2-D float64 array. Returns ``(sweeps, m)``
    with ``m = muᵀd``.
    """
    cdef Py_ssize_t K = cols.shape[0], sweeps = 0, count, k
    cdef double m = 0.0, change
    cdef const double[::1, :] dense
    for k in range(K):
        m += d[k] * mu[k]
    if isinstance(X, tuple):
        data, indices, indptr = X
        if indices.itemsize == 4:
            return _csc_solve[int](data, indices, indptr, cols, v, g, a, mu, vsum, w,
                                   lam, l2, inv_scale, d, r, tol, max_sweeps, m,
                                   0, 0.0)
        return _csc_solve[Py_ssize_t](data, indices, indptr, cols, v, g, a, mu, vsum,
                                      w, lam, l2, inv_scale, d, r, tol, max_sweeps, m,
                                      0, 0.0)
    dense = X
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
                change = _sweep_dense(dense, cols, v, g, a, mu, vsum, w, lam, l2,
                                      inv_scale, d, r, &m, all_, K)
                sweeps += 1
                if change <= tol:
                    break
                count = _nonzero(w, d, lam, act)
                while sweeps < max_sweeps:
                    sweeps += 1
                    change = _sweep_dense(dense, cols, v, g, a, mu, vsum, w, lam,
                                          l2, inv_scale, d, r, &m, act, count)
                    if change <= tol:
                        break
    finally:
        free(all_)
        free(act)
    return sweeps, m


include "_cd_curvature.pxi"


# -- the Gram (covariance) form: small active sets, many sweeps --------------------

def gram_csr(
    const double[::1] data, const Py_ssize_t[::1] indices, const Py_ssize_t[::1] indptr,
    const Py_ssize_t[::1] pos, const double[::1] v, double[:, ::1] H,
    Py_ssize_t[::1] kbuf, double[::1] xbuf,
):
    """``H += X_Sᵀ V X_S`` from the rows of a CSR matrix; ``pos[j]`` is column
    j's index in S or -1; ``kbuf``/``xbuf`` hold one row (max row length)."""
    cdef Py_ssize_t i, t, c, q, cnt, ka, K = H.shape[0], n = indptr.shape[0] - 1
    cdef double xa, s
    with nogil:
        for i in range(n):
            cnt = 0
            for t in range(indptr[i], indptr[i + 1]):
                c = pos[indices[t]]
                if c >= 0:
                    kbuf[cnt] = c
                    xbuf[cnt] = data[t]
                    cnt += 1
            for c in range(cnt):
                ka = kbuf[c]
                xa = xbuf[c] * v[i]
                for q in range(c, cnt):
                    H[ka, kbuf[q]] += xa * xbuf[q]
        # each off-diagonal product went to one of H[a, b], H[b, a]: fold
        for c in range(K):
            for q in range(c + 1, K):
                s = H[c, q] + H[q, c]
                H[c, q] = s
                H[q, c] = s


def cd_gram(
    const double[:, ::1] H, const double[::1] g, const double[::1] w,
    const double[::1] lam, const double[::1] inv_scale, double[::1] d,
    double tol, Py_ssize_t max_sweeps,
):
    """Minimise ``gᵀd + ½ dᵀHd + Σ_k lam_k |w_k + d_k|`` by cyclic coordinate
    descent (H symmetric, its diagonal the curvatures); ``d`` (zero on entry)
    updated in place; the sweep schedule and stopping rule of
    :func:`cd_columns`. Returns the sweeps. Every 1 024 sweeps it takes the
    GIL to let Ctrl-C interrupt a long solve (``KeyboardInterrupt``)."""
    cdef Py_ssize_t K = H.shape[0], sweeps = 0, count, k, t, s
    cdef double change, a, grad, old, new, delta, step
    cdef double* Hd = <double*> malloc((K + 1) * sizeof(double))
    cdef Py_ssize_t* all_ = <Py_ssize_t*> malloc((K + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* act = <Py_ssize_t*> malloc((K + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* which
    if Hd == NULL or all_ == NULL or act == NULL:
        free(Hd)
        free(all_)
        free(act)
        raise MemoryError("coordinate descent buffers")
    try:
        with nogil:
            for k in range(K):
                all_[k] = k
                Hd[k] = 0.0
            count = K
            which = all_
            while sweeps < max_sweeps:
                sweeps += 1
                if sweeps & 1023 == 0:  # a long solve stays interruptible
                    with gil:
                        PyErr_CheckSignals()
                change = 0.0
                for s in range(count):
                    k = which[s]
                    a = H[k, k]
                    if not a > 0.0:
                        continue
                    grad = g[k] + Hd[k]
                    old = w[k] + d[k]
                    new = _soft(old - grad / a, lam[k] / a)
                    delta = new - old
                    if delta != 0.0:
                        d[k] += delta
                        for t in range(K):
                            Hd[t] += delta * H[k, t]
                        step = fabs(delta) * a * inv_scale[k]
                        if step > change:
                            change = step
                if change <= tol:
                    if which == all_:
                        break
                    which = all_  # the active set is stable: check every coordinate
                    count = K
                elif which == all_:
                    count = _nonzero(w, d, lam, act)
                    which = act
    finally:
        free(Hd)
        free(all_)
        free(act)
    return sweeps


# -- the loss pass ------------------------------------------------------------------

cdef inline double _row_loss(
    double yi, double si, double zi, double* res, double* v
) noexcept nogil:
    """Row i of :func:`loss_pass`: returns ``s_i L(y_i, z_i)``, writes the
    residual and the curvature weight."""
    cdef double t = exp(-fabs(zi))
    cdef double inv = 1.0 / (1.0 + t)
    cdef double lo
    if zi >= 0:
        res[0] = si * (inv - yi)
        lo = log1p(t) + (1.0 - yi) * zi
    else:
        res[0] = si * (t * inv - yi)
        lo = log1p(t) - yi * zi
    v[0] = si * (t * inv * inv)
    return si * lo


def loss_pass(
    const double[::1] y, const double[::1] s, const double[::1] z,
    double[::1] res, double[::1] v,
):
    """``Σ s_i L(y_i, z_i)``; ``res = s (σ(z) − y)``, ``v = s σ(z) σ(−z)``
    (the formulas of :mod:`logistic._math`: ``t = e^{−|z|}``, loss
    ``log1p(t) + y·max(−z, 0) + (1 − y)·max(z, 0)``)."""
    cdef Py_ssize_t i, n = z.shape[0]
    cdef double total = 0.0
    with nogil:
        for i in range(n):
            total += _row_loss(y[i], s[i], z[i], &res[i], &v[i])
    return total


def loss_pass_step(
    const double[::1] y, const double[::1] s, const double[::1] z,
    const double[::1] dz, double t, double[::1] zt, double[::1] res, double[::1] v,
):
    """:func:`loss_pass` at ``zt = z + t·dz`` (written to ``zt``): the line
    search's trial point and its pass. Returns ``(loss, Σ res)`` (the second
    is the intercept's gradient). ``e^{−|z|}`` and its ``log1p`` are computed
    over all rows first (vectorized where libmvec is linked; ``v`` and ``res``
    hold them until the row terms overwrite them)."""
    cdef Py_ssize_t i, n = z.shape[0]
    cdef double total = 0.0, zi, rsum = 0.0, e, inv, lo, yi, si
    with nogil:
        for i in range(n):
            zi = z[i] + t * dz[i]
            zt[i] = zi
            v[i] = -fabs(zi)
        if n > 0:
            logistic_exp_log1p(n, &v[0], &res[0])
        for i in range(n):
            zi, e, yi, si = zt[i], v[i], y[i], s[i]
            inv = 1.0 / (1.0 + e)
            if zi >= 0:
                lo = res[i] + (1.0 - yi) * zi
                res[i] = si * (inv - yi)
            else:
                lo = res[i] - yi * zi
                res[i] = si * (e * inv - yi)
            v[i] = si * (e * inv * inv)
            total += si * lo
            rsum += res[i]
    return total, rsum


# -- the proximal Newton step's small vectors (the numpy branches of
# -- column_cd.newton_cd_columns are their references) ------------------------------

def kkt_standardized(
    const double[::1] g_loss, const double[::1] w, double l2, double g_b,
    const double[::1] mean, const double[::1] inv_scale, double l1, double[::1] g,
):
    """``g = g_loss + l2·w`` (written) and the stopping rule's residual
    ``max(‖θ − prox(θ − ĝ)‖∞, |g_b|)`` in standardized coordinates
    (``θ = w/inv_scale``, ``ĝ = (g − mean·g_b)·inv_scale``, L1 weights
    ``l1·inv_scale``): :func:`logistic.solvers._base.kkt_residual`."""
    cdef Py_ssize_t k, K = w.shape[0]
    cdef double r, resid = 0.0
    with nogil:
        for k in range(K):
            r = _kkt_term(g_loss[k], w[k], l2, g_b, mean[k], inv_scale[k], l1, &g[k])
            if r > resid:
                resid = r
    return max(resid, fabs(g_b))


def predicted_decrease(
    const double[::1] g, const double[::1] w, const double[::1] d, double l1,
    double g_b, double d_b,
):
    """``gᵀd + g_b·d_b + l1·Σ(|w + d| − |w|)``: the decrease the step
    predicts (Tseng & Yun's Δ), negative for a descent direction."""
    cdef Py_ssize_t k, K = w.shape[0]
    cdef double gd = 0.0, l1sum = 0.0
    with nogil:
        for k in range(K):
            gd += g[k] * d[k]
            l1sum += fabs(w[k] + d[k]) - fabs(w[k])
    return gd + g_b * d_b + l1 * l1sum


def penalty_step(
    const double[::1] w, const double[::1] d, double t, double l1, double l2,
    double[::1] wt,
):
    """``wt = w + t·d`` (written) and its penalty ``l1‖wt‖₁ + l2/2‖wt‖²``."""
    cdef Py_ssize_t k, K = w.shape[0]
    cdef double a = 0.0, b = 0.0, x
    with nogil:
        for k in range(K):
            x = w[k] + t * d[k]
            wt[k] = x
            a += fabs(x)
            b += x * x
    return l1 * a + 0.5 * l2 * b


def max_abs_diff(const double[::1] a, const double[::1] b):
    """``max_i |a_i − b_i|`` (0 when empty)."""
    cdef Py_ssize_t i, n = a.shape[0]
    cdef double m = 0.0, x
    with nogil:
        for i in range(n):
            x = fabs(a[i] - b[i])
            if x > m:
                m = x
    return m
