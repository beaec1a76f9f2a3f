# Included by _cd.pyx: coordinate descent over the columns of a CSC matrix
# (int32 or intp indices; a column's gathers take two stored values at a
# time, the C helpers below, which _cd.pyx's _sweep_csc uses too), and the
# first sweep of newton-cd-columns' Newton step that also makes the gradient
# at its point, the stopping rule's KKT residual there and the step's model
# (one read of X where the gradient, the model and the sweep took three); the
# column copy of a CSR matrix (which finds duplicate entries itself) and the
# huge-page buffer it is made in.

from libc.math cimport NAN


cdef extern from * nogil:
    """
    /* The two partial sums of a CSC column's gather loops (the stored values
       at even offsets from the column's start in lane 0, those at odd offsets
       in lane 1; the odd last value is left to the caller), each lane making
       the scalar loop's products and sums in its order, so the same bits:
       with GCC or Clang as one two-lane vector (SSE2 on x86-64: one multiply
       or add for both lanes), elsewhere as two scalars. */
    #if defined(__GNUC__) || defined(__clang__)
    typedef double logistic_lanes __attribute__((vector_size(16)));
    #define LOGISTIC_LANES(T, A, B) T = (logistic_lanes){(A), (B)}
    #define LOGISTIC_ZERO(T) logistic_lanes T = {0.0, 0.0}
    #define LOGISTIC_LANE(T, k) ((T)[k])
    #else
    typedef struct { double x[2]; } logistic_lanes;
    static inline logistic_lanes logistic_lanes_op(
            logistic_lanes a, logistic_lanes b, int mul) {
        logistic_lanes c;
        c.x[0] = mul ? a.x[0] * b.x[0] : a.x[0] + b.x[0];
        c.x[1] = mul ? a.x[1] * b.x[1] : a.x[1] + b.x[1];
        return c;
    }
    #define LOGISTIC_LANES(T, A, B) (T.x[0] = (A), T.x[1] = (B))
    #define LOGISTIC_ZERO(T) logistic_lanes T = {{0.0, 0.0}}
    #define LOGISTIC_LANE(T, k) ((T).x[k])
    #endif
    #if defined(__GNUC__) || defined(__clang__)
    #define LOGISTIC_MUL(a, b) ((a) * (b))
    #define LOGISTIC_ADD(a, b) ((a) + (b))
    #else
    #define LOGISTIC_MUL(a, b) logistic_lanes_op((a), (b), 1)
    #define LOGISTIC_ADD(a, b) logistic_lanes_op((a), (b), 0)
    #endif
    /* A = {p[0], q[0]}, B = {p[1], q[1]}: a row's two neighbouring values,
       of two rows; where the compiler has __builtin_shufflevector, two
       16-byte loads and two shuffles instead of four loads */
    #if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
    #define LOGISTIC_TWO_ROWS(A, B, p, q)                                          \\
        do {                                                                   \\
            logistic_lanes P_, Q_;                                             \\
            __builtin_memcpy(&P_, (p), sizeof P_);                             \\
            __builtin_memcpy(&Q_, (q), sizeof Q_);                             \\
            A = __builtin_shufflevector(P_, Q_, 0, 2);                         \\
            B = __builtin_shufflevector(P_, Q_, 1, 3);                         \\
        } while (0)
    #else
    #define LOGISTIC_TWO_ROWS(A, B, p, q)                                          \\
        do {                                                                   \\
            LOGISTIC_LANES(A, (p)[0], (q)[0]);                                 \\
            LOGISTIC_LANES(B, (p)[1], (q)[1]);                                 \\
        } while (0)
    #endif

    /* grad = sum of data * v * r, v and r side by side (row i at 2i): the
       sweep's coordinate gradient (_sweep_csc) */
    #define LOGISTIC_PAIRS_VR(NAME, IDX)                                          \\
    static inline void NAME(const double *data, const IDX *indices,            \\
                            Py_ssize_t lo, Py_ssize_t hi, const double *vr,   \\
                            double *out) {                                     \\
        LOGISTIC_ZERO(g);                                                      \\
        logistic_lanes d, v, r;                                                \\
        Py_ssize_t i;                                                          \\
        for (i = lo; i < hi - 1; i += 2) {                                     \\
            const double *p = vr + 2 * (Py_ssize_t)indices[i];                 \\
            const double *q = vr + 2 * (Py_ssize_t)indices[i + 1];             \\
            LOGISTIC_LANES(d, data[i], data[i + 1]);                           \\
            LOGISTIC_TWO_ROWS(v, r, p, q);                                     \\
            g = LOGISTIC_ADD(g, LOGISTIC_MUL(LOGISTIC_MUL(d, v), r));          \\
        }                                                                      \\
        out[0] = LOGISTIC_LANE(g, 0);                                          \\
        out[1] = LOGISTIC_LANE(g, 1);                                          \\
    }
    /* with v, res and r side by side (row i at 3i), x = data * v:
       sum data * res, sum x, sum x * data, sum x * r (_sweep_gradient);
       out: lane 0's four sums, then lane 1's */
    #define LOGISTIC_PAIRS_VRR(NAME, IDX)                                         \\
    static inline void NAME(const double *data, const IDX *indices,            \\
                            Py_ssize_t lo, Py_ssize_t hi, const double *vrr,  \\
                            double *out) {                                     \\
        LOGISTIC_ZERO(s0);                                                     \\
        LOGISTIC_ZERO(s1);                                                     \\
        LOGISTIC_ZERO(s2);                                                     \\
        LOGISTIC_ZERO(sr);                                                     \\
        logistic_lanes d, v, res, r, x;                                        \\
        Py_ssize_t i;                                                          \\
        for (i = lo; i < hi - 1; i += 2) {                                     \\
            const double *p = vrr + 3 * (Py_ssize_t)indices[i];                \\
            const double *q = vrr + 3 * (Py_ssize_t)indices[i + 1];            \\
            LOGISTIC_LANES(d, data[i], data[i + 1]);                           \\
            LOGISTIC_TWO_ROWS(v, res, p, q);                                   \\
            LOGISTIC_LANES(r, p[2], q[2]);                                     \\
            s0 = LOGISTIC_ADD(s0, LOGISTIC_MUL(d, res));                       \\
            x = LOGISTIC_MUL(d, v);                                            \\
            s1 = LOGISTIC_ADD(s1, x);                                          \\
            s2 = LOGISTIC_ADD(s2, LOGISTIC_MUL(x, d));                         \\
            sr = LOGISTIC_ADD(sr, LOGISTIC_MUL(x, r));                         \\
        }                                                                      \\
        out[0] = LOGISTIC_LANE(s0, 0);                                         \\
        out[1] = LOGISTIC_LANE(s1, 0);                                         \\
        out[2] = LOGISTIC_LANE(s2, 0);                                         \\
        out[3] = LOGISTIC_LANE(sr, 0);                                         \\
        out[4] = LOGISTIC_LANE(s0, 1);                                         \\
        out[5] = LOGISTIC_LANE(s1, 1);                                         \\
        out[6] = LOGISTIC_LANE(s2, 1);                                         \\
        out[7] = LOGISTIC_LANE(sr, 1);                                         \\
    }
    LOGISTIC_PAIRS_VR(logistic_pairs_vr_i32, int)
    LOGISTIC_PAIRS_VR(logistic_pairs_vr_ip, Py_ssize_t)
    LOGISTIC_PAIRS_VRR(logistic_pairs_vrr_i32, int)
    LOGISTIC_PAIRS_VRR(logistic_pairs_vrr_ip, Py_ssize_t)
    """
    void logistic_pairs_vr_i32(
        const double* data, const int* indices, Py_ssize_t lo, Py_ssize_t hi,
        const double* vr, double* out)
    void logistic_pairs_vr_ip(
        const double* data, const Py_ssize_t* indices, Py_ssize_t lo, Py_ssize_t hi,
        const double* vr, double* out)
    void logistic_pairs_vrr_i32(
        const double* data, const int* indices, Py_ssize_t lo, Py_ssize_t hi,
        const double* vrr, double* out)
    void logistic_pairs_vrr_ip(
        const double* data, const Py_ssize_t* indices, Py_ssize_t lo, Py_ssize_t hi,
        const double* vrr, double* out)


cdef Py_ssize_t _csc_schedule(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, double* vr, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double* m, Py_ssize_t* all_, Py_ssize_t* act,
    double tol, Py_ssize_t max_sweeps, Py_ssize_t sweeps, double change,
    double focus=0.0,
) noexcept nogil:
    """The sweep schedule of :func:`cd_columns` after a sweep over every
    coordinate (``sweeps`` made so far, ``change`` the last full sweep's):
    sweeps over the active coordinates until they converge, then a full sweep
    again, until a full sweep converges or ``max_sweeps``. With ``focus`` > 0
    the coordinates after the first sweep (``d`` zero before it) are those
    it moved by more than ``focus·change`` (scaled as ``change``), not every
    active one. Returns the sweeps."""
    cdef Py_ssize_t count, K = cols.shape[0], k
    while change > tol and sweeps < max_sweeps:
        if focus > 0.0 and sweeps == 1:
            count = 0
            for k in range(K):
                if fabs(d[k]) * a[k] * inv_scale[k] > focus * change:
                    act[count] = k
                    count += 1
        else:
            count = _nonzero(w, d, lam, act)
        while sweeps < max_sweeps:
            sweeps += 1
            if _sweep_csc(data, indices, indptr, cols, vr, g, a, mu, vsum, w, lam,
                          l2, inv_scale, d, m, act, count) <= tol:
                break
        if sweeps >= max_sweeps:
            break
        change = _sweep_csc(data, indices, indptr, cols, vr, g, a, mu, vsum, w, lam,
                            l2, inv_scale, d, m, all_, K)
        sweeps += 1
    return sweeps


cdef object _csc_solve(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, const double[::1] g,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double tol, Py_ssize_t max_sweeps, double m,
    Py_ssize_t sweeps, double change, double focus=0.0,
):
    """:func:`cd_columns` on CSC arrays: a full sweep first unless ``sweeps``
    (1: the first full sweep is made, ``change`` its largest scaled update),
    then :func:`_csc_schedule`, on ``v`` and ``r`` side by side in one
    buffer (``r`` copied back at the end): a stored value's two come from
    one cache line (reuters: the sweeps after the first 3-6 % faster, the
    same bits). Returns ``(sweeps, m)``."""
    cdef Py_ssize_t K = cols.shape[0], k, i, n = v.shape[0]
    if r.shape[0] != n:
        raise ValueError(f"coordinate descent: v and r need {n} values each")
    cdef Py_ssize_t* all_ = <Py_ssize_t*> malloc((K + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* act = <Py_ssize_t*> malloc((K + 1) * sizeof(Py_ssize_t))
    cdef double* vr = <double*> malloc((2 * n + 1) * sizeof(double))
    if all_ == NULL or act == NULL or vr == NULL:
        free(all_)
        free(act)
        free(vr)
        raise MemoryError("coordinate descent buffers")
    try:
        with nogil:
            for i in range(n):
                vr[2 * i] = v[i]
                vr[2 * i + 1] = r[i]
            for k in range(K):
                all_[k] = k
            if sweeps == 0 and max_sweeps >= 1:
                change = _sweep_csc(data, indices, indptr, cols, vr, g, a, mu,
                                    vsum, w, lam, l2, inv_scale, d, &m, all_, K)
                sweeps = 1
            if sweeps:
                sweeps = _csc_schedule(data, indices, indptr, cols, vr, g, a, mu, vsum,
                                       w, lam, l2, inv_scale, d, &m, all_, act, tol,
                                       max_sweeps, sweeps, change, focus)
            for i in range(n):
                r[i] = vr[2 * i + 1]
    finally:
        free(all_)
        free(act)
        free(vr)
    return sweeps, m


cdef double _sweep_gradient(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, double* vrr,
    double* g_loss, double* gt, double* a, double* mu, double vsum, double g_b,
    bint center, const double[::1] w, const double[::1] lam, double l2,
    const double[::1] inv_scale, double[::1] d, double* m,
    double* g, const double* mean, double l1, double* resid,
) noexcept nogil:
    """A sweep of :func:`_sweep_csc` over every coordinate (``d`` and ``r``
    zero on entry) that first makes, as it reads each column, the loss
    gradient ``x_kᵀres`` and the column's model: ``x_kᵀv``, ``Σ v x_k²`` and
    ``x_kᵀ V r`` in one loop, then ``mu_k = x_kᵀv / vsum`` (0 without
    ``center``), ``a_k = Σ v x_k² − mu_k x_kᵀv + l2`` and
    ``gt_k = (x_kᵀres + l2 w_k) − g_b mu_k`` (all written). ``vrr`` holds
    ``v_i, res_i, r_i`` side by side (row i at ``3i``; ``r`` is updated
    there): a stored value's two weights and its working value come from
    one cache line instead of three arrays' (reuters: the sweep 5-7 % faster
    with ``v, res`` side by side, 2-3 % more with ``r`` beside them). Each
    sum is two partial sums, as in every CSC kernel (:func:`col_stats_csc`).
    With ``g`` (not NULL), also :func:`kkt_standardized` at ``w`` (its
    :func:`_kkt_term` per column: ``g`` written, the largest residual into
    ``resid``, without ``|g_b|``) while the column's gradient is at hand,
    so the stopping rule needs no read of its six vectors of its own."""
    cdef Py_ssize_t k, j, i, lo, hi, row, K = cols.shape[0]
    cdef double s0, s1, s2, sr, t0, t1, t2, tr, x
    cdef double grad, old, new, delta, biggest = 0.0, step, muk
    cdef double r, worst = 0.0
    cdef double sums[8]
    for k in range(K):
        j = cols[k]
        lo, hi = indptr[j], indptr[j + 1]
        # the two partial sums of each over the column's pairs of values
        # (s: even offsets, t: odd), both lanes at once
        if col_index is int:
            logistic_pairs_vrr_i32(&data[0], &indices[0], lo, hi, vrr, sums)
        else:
            logistic_pairs_vrr_ip(&data[0], &indices[0], lo, hi, vrr, sums)
        s0, s1, s2, sr = sums[0], sums[1], sums[2], sums[3]
        t0, t1, t2, tr = sums[4], sums[5], sums[6], sums[7]
        if (hi - lo) & 1:
            row = 3 * <Py_ssize_t>indices[hi - 1]
            s0 += data[hi - 1] * vrr[row + 1]
            x = data[hi - 1] * vrr[row]
            s1 += x
            s2 += x * data[hi - 1]
            sr += x * vrr[row + 2]
        s0 += t0
        s1 += t1
        s2 += t2
        sr += tr
        g_loss[k] = s0
        if g != NULL:
            r = _kkt_term(s0, w[k], l2, g_b, mean[k], inv_scale[k], l1, &g[k])
            if r > worst:
                worst = r
        muk = s1 / vsum if center else 0.0
        mu[k] = muk
        a[k] = s2 - muk * s1 + l2
        gt[k] = (s0 + l2 * w[k]) - g_b * muk
        if not a[k] > 0.0:
            continue
        grad = sr
        grad += gt[k] - m[0] * muk * vsum + l2 * d[k]
        old = w[k] + d[k]
        new = _soft(old - grad / a[k], lam[k] / a[k])
        delta = new - old
        if delta != 0.0:
            d[k] += delta
            m[0] += delta * muk
            for i in range(lo, hi):
                vrr[3 * <Py_ssize_t>indices[i] + 2] += delta * data[i]
            step = fabs(delta) * a[k] * inv_scale[k]
            if step > biggest:
                biggest = step
    if g != NULL:
        resid[0] = worst
    return biggest


def gradient_sweep(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, double vsum,
    const double[::1] res, double g_b, bint center, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] g_loss, double[::1] gt, double[::1] a, double[::1] mu,
    double[::1] d, double[::1] r, double[::1] g=None,
    const double[::1] mean=None, double l1=0.0,
):
    """One read of X: the loss gradient ``g_loss = X_Sᵀres`` and the first
    coordinate sweep of the Newton step at this point (:func:`_sweep_gradient`;
    ``d`` and ``r`` zero on entry, updated). With ``g`` (and ``mean``, the
    L1 strength ``l1``), also :func:`kkt_standardized` at ``w`` with ``g_b``
    (``g`` written: the same values). Returns ``(change, m, resid)``: the
    sweep's largest scaled update, ``muᵀd`` and the KKT residual (NaN
    without ``g``); :func:`more_sweeps` goes on."""
    cdef double m = 0.0, change = 0.0, resid = NAN
    cdef Py_ssize_t i, n = v.shape[0], K = cols.shape[0]
    cdef double* vrr = NULL
    cdef double* gp = NULL
    cdef const double* mp = NULL
    if K == 0:
        return 0.0, 0.0, fabs(g_b) if g is not None else NAN
    if res.shape[0] != n or r.shape[0] != n:
        raise ValueError(f"gradient_sweep: v, res and r need {n} values each")
    if g is not None:
        if mean is None or g.shape[0] < K or mean.shape[0] < K or w.shape[0] < K:
            raise ValueError(f"gradient_sweep: g, mean and w need {K} values each")
        gp, mp = &g[0], &mean[0]
    vrr = <double*> malloc((3 * n + 1) * sizeof(double))
    if vrr == NULL:
        raise MemoryError("gradient_sweep buffer")
    try:
        with nogil:
            for i in range(n):
                vrr[3 * i] = v[i]
                vrr[3 * i + 1] = res[i]
                vrr[3 * i + 2] = r[i]
            change = _sweep_gradient(data, indices, indptr, cols, vrr, &g_loss[0],
                                     &gt[0], &a[0], &mu[0], vsum, g_b, center, w,
                                     lam, l2, inv_scale, d, &m, gp, mp, l1, &resid)
            for i in range(n):
                r[i] = vrr[3 * i + 2]
    finally:
        free(vrr)
    if g is not None:
        resid = max(resid, fabs(g_b))
    return change, m, resid


def more_sweeps(
    const double[::1] data, const col_index[::1] indices, const col_index[::1] indptr,
    const Py_ssize_t[::1] cols, const double[::1] v, const double[::1] gt,
    const double[::1] a, const double[::1] mu, double vsum, const double[::1] w,
    const double[::1] lam, double l2, const double[::1] inv_scale,
    double[::1] d, double[::1] r, double m, double change, double tol,
    Py_ssize_t max_sweeps, double focus=0.0,
):
    """The sweeps of :func:`cd_columns` after :func:`gradient_sweep`'s (which
    counts as the first: ``change`` its largest update), on its model;
    ``focus``: :func:`_csc_schedule`'s. Returns ``(sweeps, m)``."""
    if cols.shape[0] == 0:
        return 1, m
    return _csc_solve(data, indices, indptr, cols, v, gt, a, mu, vsum, w, lam, l2,
                      inv_scale, d, r, tol, max_sweeps, m, 1, change, focus)


# The column copy of a CSR matrix (solvers._column_matrix.csc_arrays).


def csr_to_csc(
    const col_index[::1] indptr, const col_index[::1] indices, const double[::1] data,
    col_index[::1] out_indptr, col_index[::1] out_indices, double[::1] out_data,
):
    """The CSC arrays of a CSR matrix with ``out_indptr.shape[0] - 1`` columns
    into the given arrays (``out_indices`` and ``out_data`` of the stored
    values' length): a count of each column's values, their running sum, then
    each row's values placed at their columns' next free slots, so rows rise
    within a column whatever the order of a row's columns (scipy's
    ``csr_tocsc``, the same arrays). Returns True, or False where a column
    holds a row twice (a duplicate entry of X, which scipy's
    ``sum_duplicates`` would add up: the arrays are then not X's CSC form),
    found by one sequential read of the row indices just written.
    ``ValueError`` before anything is placed where ``indptr`` does not rise
    from 0 within the arrays' lengths or a column index is outside
    ``[0, p)`` (an attacker's file can make such an X)."""
    cdef Py_ssize_t n = indptr.shape[0] - 1, p = out_indptr.shape[0] - 1
    cdef Py_ssize_t i, j, k, dest, count, total = 0, nnz, lo, hi
    cdef int bad = 0
    if n < 0 or p < 0:
        raise ValueError("csr_to_csc: empty index pointer")
    nnz = indptr[n]
    if (indptr[0] != 0 or nnz > indices.shape[0] or nnz > data.shape[0]
            or nnz > out_indices.shape[0] or nnz > out_data.shape[0]):
        raise ValueError(
            f"csr_to_csc: the index pointer runs from {indptr[0]} to {nnz}; expected "
            f"0 to at most the stored values' arrays' lengths (indices "
            f"{indices.shape[0]}, data {data.shape[0]}, out_indices "
            f"{out_indices.shape[0]}, out_data {out_data.shape[0]})"
        )
    with nogil:
        for i in range(n):
            if indptr[i + 1] < indptr[i]:
                bad = 1
                break
        for j in range(p + 1):
            out_indptr[j] = 0
        if not bad:
            for k in range(nnz):
                j = indices[k]
                if j < 0 or j >= p:
                    bad = 2
                    break
                out_indptr[j] += 1
    if bad == 1:
        raise ValueError(
            f"csr_to_csc: the index pointer decreases at row {i} "
            f"({indptr[i]} then {indptr[i + 1]}); expected it non-decreasing"
        )
    if bad == 2:
        raise ValueError(
            f"csr_to_csc: stored value {k} has column index {j}; "
            f"expected one in [0, {p})"
        )
    with nogil:
        for j in range(p):
            count = out_indptr[j]
            out_indptr[j] = total
            total += count
        out_indptr[p] = total
        for i in range(n):
            for k in range(indptr[i], indptr[i + 1]):
                j = indices[k]
                dest = out_indptr[j]
                out_indices[dest] = i
                out_data[dest] = data[k]
                out_indptr[j] = dest + 1
        total = 0
        for j in range(p + 1):
            count = out_indptr[j]
            out_indptr[j] = total
            total = count
        # rows rise within a column, so a duplicate sits next to its twin:
        # equal neighbours counted a block at a time (a vectorized read),
        # and only in a block with some, whether a pair shares a column
        # (it does unless its second value starts a column)
        for lo in range(1, nnz, 4096):
            hi = min(lo + 4096, nnz)
            count = 0
            for k in range(lo, hi):
                count += out_indices[k] == out_indices[k - 1]
            if count:
                for k in range(lo, hi):
                    if out_indices[k] == out_indices[k - 1] and not _starts(
                        out_indptr, p, k
                    ):
                        bad = 3
                if bad:
                    break
    return bad == 0


cdef inline bint _starts(
    const col_index[::1] indptr, Py_ssize_t p, Py_ssize_t k
) noexcept nogil:
    """Whether a column of ``indptr`` (``p`` columns) starts at position ``k``
    (binary search: the starts rise)."""
    cdef Py_ssize_t lo = 0, hi = p, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if indptr[mid] < k:
            lo = mid + 1
        else:
            hi = mid
    return lo <= p and indptr[lo] == k


cdef extern from *:
    """
    #if defined(__unix__) || defined(__APPLE__)
    #include <sys/mman.h>
    static void *logistic_map(size_t size) {
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        return p == MAP_FAILED ? NULL : p;
    }
    static void logistic_unmap(void *p, size_t size) { munmap(p, size); }
    static void logistic_advise_huge(void *p, size_t size) {
    #ifdef MADV_HUGEPAGE
        (void)madvise(p, size, MADV_HUGEPAGE); /* refused: plain pages, no harm */
    #endif
    }
    #define LOGISTIC_MAPS 1
    #else
    static void *logistic_map(size_t size) { (void)size; return NULL; }
    static void logistic_unmap(void *p, size_t size) { (void)p; (void)size; }
    static void logistic_advise_huge(void *p, size_t size) { (void)p; (void)size; }
    #define LOGISTIC_MAPS 0
    #endif
    """
    void* logistic_map(size_t size) nogil
    void logistic_unmap(void* p, size_t size) nogil
    void logistic_advise_huge(void* p, size_t size) nogil
    int LOGISTIC_MAPS


@cython.auto_pickle(False)
cdef class HugePages:
    """``nbytes`` writable bytes (a buffer) starting at a ``page`` boundary of
    a private anonymous mapping of whole pages and one more, advised
    ``MADV_HUGEPAGE`` where the platform has it; unmapped when the last
    view of it goes. Made by :func:`huge_pages`. Neither pickled nor copied:
    its addresses belong to this mapping (copy the array viewing it)."""

    cdef char* base
    cdef size_t size
    cdef char* start
    cdef Py_ssize_t nbytes

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        buffer.buf = self.start
        buffer.obj = self
        buffer.len = self.nbytes
        buffer.readonly = 0
        buffer.itemsize = 1
        buffer.format = "B"
        buffer.ndim = 1
        buffer.shape = &self.nbytes
        buffer.strides = NULL
        buffer.suboffsets = NULL
        buffer.internal = NULL

    def __releasebuffer__(self, Py_buffer* buffer):
        pass

    def __reduce__(self):
        raise TypeError(
            "a HugePages buffer cannot be pickled or copied: its memory is a "
            "mapping of this process (copy the array that views it)"
        )

    def __dealloc__(self):
        if self.base != NULL:
            logistic_unmap(self.base, self.size)


def huge_pages(Py_ssize_t nbytes, Py_ssize_t page):
    """A :class:`HugePages` buffer of ``nbytes`` bytes aligned to ``page`` (a
    power of two), or None where private anonymous mappings are not
    available (Windows). The slack around the buffer is never touched, so it
    takes no memory. ``MemoryError`` where the mapping fails."""
    cdef HugePages out
    cdef size_t offset
    if not LOGISTIC_MAPS:
        return None
    if nbytes < 0 or page <= 0 or page & (page - 1):
        raise ValueError(f"huge_pages: {nbytes} bytes, page {page}")
    out = HugePages.__new__(HugePages)
    out.size = <size_t> ((nbytes + page - 1) // page * page + page)
    out.base = <char*> logistic_map(out.size)
    if out.base == NULL:
        raise MemoryError(f"huge_pages: a mapping of {out.size} bytes")
    offset = (page - <size_t> out.base % page) % page
    out.start = out.base + offset
    out.nbytes = nbytes
    logistic_advise_huge(out.start, out.size - offset)
    return out
