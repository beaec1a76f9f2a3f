# Newton's zero start and Jacobi-scaled factor, and the narrow column
# statistics, included by _fused.pyx: sample_gram forms the zero start's
# Hessian sums over sampled rows in place (_fused_sample.h), golden_rows
# picks those rows, jacobi_factor is Newton's scaled Cholesky factor in one
# call (LAPACK dpotrf from scipy's copy), reserve_heap its heap headroom's
# malloc and free; narrow_column_stats is the first statistics sweep of
# blocks of at most 32 columns, its sums in registers (_fused_sample.h's
# LOGISTIC_NARROW_STATS, the same operations as _column_stats.h's sweep 0).

cdef extern from "_fused_rows.h" nogil:
    int logistic_sample_gram_f64(
        Py_ssize_t m, Py_ssize_t p, const double* X, Py_ssize_t ld,
        const Py_ssize_t* idx, const double* sw, const double* mean,
        const double* sd, double* H, Py_ssize_t q, double* counts)
    int logistic_sample_gram_f32(
        Py_ssize_t m, Py_ssize_t p, const float* X, Py_ssize_t ld,
        const Py_ssize_t* idx, const double* sw, const double* mean,
        const double* sd, double* H, Py_ssize_t q, double* counts)
    int logistic_narrow_stats_f64(
        Py_ssize_t n, Py_ssize_t p, const double* X, Py_ssize_t ld,
        const double* sw, const double* r0, double* lo, double* hi, double* s1,
        double* s2, double* g)
    int logistic_narrow_stats_f32(
        Py_ssize_t n, Py_ssize_t p, const float* X, Py_ssize_t ld,
        const double* sw, const double* r0, double* lo, double* hi, double* s1,
        double* s2, double* g)

cdef extern from *:
    """
    #include <stdlib.h>
    /* free(malloc(n)), the pointer kept in a volatile so that the compiler
       cannot drop the pair (it may, for an unused allocation). */
    static void lg_reserve_heap(size_t n) {
        void *volatile p = malloc(n);
        free(p);
    }
    /* Sorts a[0..m), values in [0, n), ascending: a counting sort by the
       bucket floor(v m / n) (monotone in v; the golden rows fall about one
       to a bucket), then an insertion sort that orders each bucket's few
       values. Integers, so the same array as any sort. -1 (a untouched)
       where the m + m + 1 integers of scratch cannot be allocated. */
    static int lg_sort_rows(Py_ssize_t *a, Py_ssize_t m, Py_ssize_t n) {
        Py_ssize_t *tmp, *start, i, j, b, v;
        double scale = (double)m / (double)(n > 0 ? n : 1);
        tmp = (Py_ssize_t *)malloc((size_t)(2 * m + 1) * sizeof(Py_ssize_t));
        if (tmp == NULL)
            return -1;
        start = tmp + m;
        for (b = 0; b <= m; b++)
            start[b] = 0;
    #define LG_BUCKET(x) (b = (Py_ssize_t)((double)(x) * scale), \
                          b = b < 0 ? 0 : (b >= m ? m - 1 : b))
        for (i = 0; i < m; i++) {
            LG_BUCKET(a[i]);
            start[b + 1]++;
        }
        for (b = 0; b < m; b++)
            start[b + 1] += start[b];
        for (i = 0; i < m; i++) {
            LG_BUCKET(a[i]);
            tmp[start[b]++] = a[i];
        }
    #undef LG_BUCKET
        for (i = 0; i < m; i++) {
            v = tmp[i];
            for (j = i; j > 0 && a[j - 1] > v; j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
        free(tmp);
        return 0;
    }
    """
    void lg_reserve_heap(size_t n) nogil
    int lg_sort_rows(Py_ssize_t* a, Py_ssize_t m, Py_ssize_t n) nogil


def reserve_heap(Py_ssize_t nbytes):
    """``free(malloc(nbytes))`` (:func:`logistic._libc.reserve_heap`'s call)
    in C: Newton's heap headroom without :mod:`ctypes` prototypes, whose
    first ones cost ~0.1 ms of a process's first Newton fit."""
    if nbytes > 0:
        lg_reserve_heap(<size_t>nbytes)
    return True


# LAPACK's Cholesky factor from scipy's copy too (scipy.linalg.cython_lapack).
ctypedef void (*dpotrf_t)(char*, int*, double*, int*, int*) noexcept nogil


cdef void* _lapack_pointer(str name) except NULL:
    capsule = _cython_lapack.__pyx_capi__[name]
    return PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule))


cdef dpotrf_t dpotrf = <dpotrf_t>_lapack_pointer("dpotrf")


def sample_gram(
    X,
    const Py_ssize_t[::1] idx,
    const double[::1] sample_weight,
    const double[::1] mean,
    const double[::1] std,
    double[:, ::1] hess,
    double[::1] counts,
):
    """Newton's zero-start sums over the rows ``idx`` of X, read in place.

    ``hess`` (q × q, as for :func:`dense_rows_f64`) receives
    ``Σ_k (s_k/4) x̃_k x̃_kᵀ`` over those rows (``x̃ = (x, 1)``, ``s`` the
    weights, 1 without): bit for bit the Hessian sums :func:`dense_rows_f64`
    forms at ``w = 0, b = 0`` from a copy of the rows (``X[idx]``), without
    the copy. ``counts`` (p) receives, per column, the rows of positive
    weight with ``|x - mean| > std``. X: float64 or float32 with contiguous
    rows, ``sample_weight`` None or one weight a row of X, ``0 <= idx <
    X.shape[0]``: each checked here (ValueError naming the argument; the
    C loop trusts them). Returns False (nothing written) where the row loop
    is off (``row_loop_level() < 0``).
    """
    if X.ndim != 2:
        raise ValueError(f"sample_gram: X has {X.ndim} dimensions; expected 2")
    cdef Py_ssize_t m = idx.shape[0], n = X.shape[0], p = X.shape[1]
    cdef Py_ssize_t isz = X.itemsize
    cdef Py_ssize_t q = _hessian_order(hess, p)
    if q == 0:
        raise ValueError("sample_gram: hess is None; expected a (q, q) array")
    if m == 0 or p == 0:
        raise ValueError(
            f"sample_gram: idx has {m} entries and X {p} columns; expected at "
            "least one of each"
        )
    for name, v in (("counts", counts), ("mean", mean), ("std", std)):
        if v is None or v.shape[0] != p:
            got = "None" if v is None else f"{v.shape[0]} entries"
            raise ValueError(
                f"sample_gram: {name} has {got}; expected {p} (X's columns)"
            )
    if (X.strides[1] != isz and p > 1) or X.strides[0] % isz != 0:
        raise ValueError(
            f"sample_gram: X has strides {X.strides}; expected contiguous rows "
            f"(strides[1] == itemsize {isz}, strides[0] a multiple of it)"
        )
    if sample_weight is not None and sample_weight.shape[0] != n:
        raise ValueError(
            f"sample_gram: sample_weight has {sample_weight.shape[0]} entries; "
            f"expected {n} (X's rows) or None"
        )
    cdef Py_ssize_t bad = _first_outside(idx, n)
    if bad < m:
        raise ValueError(
            f"sample_gram: idx[{bad}] = {idx[bad]} is not a row of X; expected "
            f"0 <= idx < {n}"
        )
    cdef const double[:, :] X64
    cdef const float[:, :] X32
    cdef const double* sw = _ptr(sample_weight)
    cdef int status
    cdef Py_ssize_t ld
    if X.itemsize == 8:
        X64 = X
        ld = X64.strides[0] // sizeof(double) if X64.shape[0] > 1 else p
        with nogil:
            status = logistic_sample_gram_f64(
                m, p, &X64[0, 0], ld, &idx[0], sw, &mean[0], &std[0],
                &hess[0, 0], q, &counts[0])
    else:
        X32 = X
        ld = X32.strides[0] // sizeof(float) if X32.shape[0] > 1 else p
        with nogil:
            status = logistic_sample_gram_f32(
                m, p, &X32[0, 0], ld, &idx[0], sw, &mean[0], &std[0],
                &hess[0, 0], q, &counts[0])
    return status == 0


def jacobi_factor(const double[:, ::1] H, const double[::1] s, double[:, ::1] L):
    """``L`` (C order) ← the lower Cholesky factor of ``S H S``, ``S =
    diag(s)``, its strict upper triangle zero; returns LAPACK ``dpotrf``'s
    ``info`` (0: factored; k > 0: the leading minor of order k is not
    positive definite, ``L`` then undefined).

    ``S H S`` is formed as ``(H_ij s_i) s_j`` (numpy's ``H * s[:, None] *
    s[None, :]``) straight into ``L``; ``dpotrf`` reads the C-ordered
    buffer as column-major, i.e. the transpose of the symmetric matrix, and
    its upper factor ``U`` in that order is ``L = Uᵀ`` in C order: one call
    for Newton's scaled factor (:mod:`logistic.solvers._newton_linalg`)
    where scaling in numpy and scipy's wrapper (a Fortran-ordered copy,
    argument checks) made up most of its cost at a few dozen rows."""
    cdef Py_ssize_t n = H.shape[0], i, j
    if H.shape[1] != n or s.shape[0] != n or L.shape[0] != n or L.shape[1] != n:
        raise ValueError("jacobi_factor: H, s and L must be n × n, n and n × n")
    cdef int nn = <int>n, info = 0
    cdef char uplo = b'U'
    if n == 0:
        return 0
    with nogil:
        for i in range(n):
            for j in range(n):
                L[i, j] = (H[i, j] * s[i]) * s[j]
        dpotrf(&uplo, &nn, &L[0, 0], &nn, &info)
        if info == 0:
            for i in range(n):
                for j in range(i + 1, n):
                    L[i, j] = 0.0
    return info


def golden_rows(Py_ssize_t n, double phi, Py_ssize_t[::1] out):
    """``out[i] = ⌊n · frac((i + 1) φ)⌋`` for ``i < m`` (``φ = phi``, the golden
    ratio's fractional part, ``m = out.shape[0]``), then sorted: the same
    float64 operations as numpy's ``u = arange(1, m + 1) * φ; u -= floor(u);
    (u * n).astype(intp)`` and its sort (Newton's zero-start rows,
    :func:`logistic.solvers._zero_start.sample_rows`), in one call."""
    cdef Py_ssize_t m = out.shape[0], i
    cdef double u, nf = <double>n
    if m == 0:
        return None
    with nogil:
        for i in range(m):
            u = <double>(i + 1) * phi
            u = u - floor(u)
            out[i] = <Py_ssize_t>(u * nf)
        if lg_sort_rows(&out[0], m, n) != 0:
            qsort(&out[0], m, sizeof(Py_ssize_t), _cmp_index)
    return None


cdef int _cmp_index(const void* a, const void* b) noexcept nogil:
    cdef Py_ssize_t x = (<const Py_ssize_t*>a)[0], y = (<const Py_ssize_t*>b)[0]
    return (x > y) - (x < y)


cdef Py_ssize_t _first_outside(const Py_ssize_t[::1] idx, Py_ssize_t n) noexcept:
    """The first k with ``idx[k]`` outside ``[0, n)``; ``idx.shape[0]`` if none."""
    cdef Py_ssize_t k, m = idx.shape[0]
    with nogil:
        for k in range(m):
            if idx[k] < 0 or idx[k] >= n:
                return k
    return m


def narrow_column_stats(
    const floating[:, ::1] X,
    const double[::1] row_weight,
    double[::1] lo,
    double[::1] hi,
    double[::1] s1,
    double[::1] s2,
    const double[::1] residual=None,
    double[::1] grad=None,
):
    """Sweep 0 of :func:`dense_column_stats` for a block of at most 32
    columns at row loop level 2: ``lo``/``hi`` the smallest/largest value of
    each column, ``s1 += s x``, ``s2 += s x²`` and, with ``residual`` (one
    value a row) and ``grad``, ``grad += r x``, from the values they hold;
    each column's sums kept in registers over the rows
    (``_fused_sample.h``), the same bits as :func:`dense_column_stats`.
    Returns False (nothing written) at another level or for a wider block,
    True for an empty block (nothing to add) at any level; ValueError for
    arrays of the wrong length."""
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef Py_ssize_t ld = X.strides[0] // sizeof(floating) if n > 1 else p
    if lo.shape[0] != p or hi.shape[0] != p or s1.shape[0] != p or s2.shape[0] != p:
        raise ValueError(f"narrow_column_stats: lo, hi, s1 and s2 need {p} values")
    if row_weight is not None and row_weight.shape[0] != n:
        raise ValueError(f"narrow_column_stats: row_weight needs {n} values")
    if (residual is None) != (grad is None) or (
        residual is not None and (residual.shape[0] != n or grad.shape[0] != p)
    ):
        raise ValueError(
            f"narrow_column_stats: residual and grad need {n} and {p} values, "
            "or both None"
        )
    if n == 0 or p == 0:
        return True
    cdef const double* sw = _ptr(row_weight)
    cdef const double* r0 = _ptr(residual)
    cdef double* g = NULL if grad is None else &grad[0]
    cdef int status
    with nogil:
        if floating is double:
            status = logistic_narrow_stats_f64(
                n, p, &X[0, 0], ld, sw, r0, &lo[0], &hi[0], &s1[0], &s2[0], g)
        else:
            status = logistic_narrow_stats_f32(
                n, p, &X[0, 0], ld, sw, r0, &lo[0], &hi[0], &s1[0], &s2[0], g)
    return status == 0
