# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Compiled one-pass kernels for :mod:`logistic._kernels` (GIL released throughout).

Dense blocks with contiguous rows on AVX-512 and AVX2 + FMA CPUs: :func:`dense_rows_f64`
/ :func:`dense_rows_f32`, a fused loop over the rows (``_fused_rows.h``:
eight rows at a time, each read from memory once, float64 throughout;
with ``hess``, Newton's Hessian sums of the same rows in the same pass).
Otherwise one call processes one row block: ``z = X w`` (BLAS ``gemv`` on the block,
dense; a gather loop over the rows, CSR), then per row ``z += b + offset``,
the loss, the residual ``r = s (σ(z) - y)`` and optionally the curvature
``d = s σ(z) σ(-z)``, then ``g = Xᵀ r`` (a second ``gemv`` on the block
while it is in cache; CSR: a scatter loop over the same rows, a chunk of
rows at a time, and ``Xᵀ D X`` by :func:`csr_sandwich`). The in-memory
backend's threads run blocks side by side because no Python object is
touched between the first and the last line of work.
:func:`sample_gram` forms Newton's zero-start Hessian sums over sampled
rows in place (the row loop's Hessian group, without copying the rows);
:func:`golden_rows` picks those rows; :func:`jacobi_factor` is Newton's
Jacobi-scaled Cholesky factor in one call (LAPACK ``dpotrf``).

Numerics are those of :mod:`logistic._math` (the formulas the numpy
reference in ``_kernels`` evaluates): with ``t = e^{-|z|}``,
loss ``log1p(t) + (1[z≥0] - y) z``, ``σ(z) = 1/(1+t)`` for ``z ≥ 0`` and
``t · 1/(1+t)`` otherwise, curvature ``t / (1+t)²``; none overflows for any
finite z. ``exp`` and ``log1p`` run over the whole block at once
(``_fused_vec.h``: four rows at a time through glibc's libmvec on AVX2
CPUs, scalar libm elsewhere). The elementwise work and every sum are in
float64 (loss and residual sums compensated); ``X`` stays in its dtype
(float32 ``sgemv`` forms a float32 block's logits); a float32 block's ``Xᵀ
r`` is a float64 loop over the block (``_fused_xt.h``, float64 sums).
Arguments are checked by the Python caller (shapes, dtypes, strides),
except :func:`sample_gram`'s, which it checks itself (it reads rows by index).
"""

from cpython.pycapsule cimport PyCapsule_GetName, PyCapsule_GetPointer
from libc.math cimport fabs, floor, isfinite
from libc.stdlib cimport qsort

from logistic._kernel_types cimport _ptr, floating, index_t

from scipy.linalg import cython_blas as _cython_blas
from scipy.linalg import cython_lapack as _cython_lapack

# The column-statistics sweeps are compiled on their own
# (logistic._column_stats); logistic._moments calls them on this module.
from logistic._column_stats import csr_column_stats, dense_column_stats  # noqa: F401

# BLAS from scipy's own copy, fetched at import from the capsules that back
# ``cimport scipy.linalg.cython_blas`` (so building needs no scipy headers).
ctypedef void (*dgemv_t)(
    char*, int*, int*, double*, double*, int*, double*, int*, double*, double*, int*
) noexcept nogil
ctypedef void (*sgemv_t)(
    char*, int*, int*, float*, float*, int*, float*, int*, float*, float*, int*
) noexcept nogil


cdef void* _blas_pointer(str name) except NULL:
    capsule = _cython_blas.__pyx_capi__[name]
    return PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule))


cdef dgemv_t dgemv = <dgemv_t>_blas_pointer("dgemv")
cdef sgemv_t sgemv = <sgemv_t>_blas_pointer("sgemv")

cdef inline void _gemv(
    char trans, int m, int n, const floating* a, int lda,
    const floating* x, floating* y,
) noexcept nogil:
    """``y = op(A) x`` for column-major ``A`` (m × n, leading dimension lda)."""
    cdef int one = 1
    cdef floating alpha = 1.0
    cdef floating beta = 0.0
    if floating is double:
        dgemv(&trans, &m, &n, &alpha, <double*>a, &lda, <double*>x, &one,
              &beta, y, &one)
    else:
        sgemv(&trans, &m, &n, &alpha, <float*>a, &lda, <float*>x, &one,
              &beta, y, &one)


cdef extern from "_fused_vec.h" nogil:
    int logistic_vector_math()
    void logistic_exp_log1p(Py_ssize_t n, double* t, double* l)


cdef extern from "_fused_xt.h" nogil:
    void logistic_xt_r_f32(
        Py_ssize_t n, Py_ssize_t p, const float* x, Py_ssize_t lda, int c_like,
        const double* r, double* g)


cdef extern from "_fused_rows.h" nogil:
    int logistic_rows_level()
    void logistic_rows_force(int level)
    int logistic_rows_prefetch(int level)
    enum: LG_HESS_MAX_Q
    void logistic_dense_rows_f64(
        Py_ssize_t n, Py_ssize_t p, const double* X, Py_ssize_t ld,
        const double* w, double b, const double* off, const double* y,
        const double* sw, double* g, double* d, int with_grad, double* out,
        double* H, Py_ssize_t q)
    int logistic_csr_rows_f64_i32(
        Py_ssize_t n, const double* data, const int* indices, const int* indptr,
        const double* w, double b, const double* off, const double* y,
        const double* sw, double* g, double* d, int with_grad, double* out,
        Py_ssize_t p)
    int logistic_csr_rows_f64_i64(
        Py_ssize_t n, const double* data, const long long* indices, const long long* indptr,
        const double* w, double b, const double* off, const double* y,
        const double* sw, double* g, double* d, int with_grad, double* out,
        Py_ssize_t p)
    int logistic_csr_rows_f32_i32(
        Py_ssize_t n, const float* data, const int* indices, const int* indptr,
        const double* w, double b, const double* off, const float* y,
        const double* sw, double* g, double* d, int with_grad, double* out,
        Py_ssize_t p)
    int logistic_csr_rows_f32_i64(
        Py_ssize_t n, const float* data, const long long* indices, const long long* indptr,
        const double* w, double b, const double* off, const float* y,
        const double* sw, double* g, double* d, int with_grad, double* out,
        Py_ssize_t p)
    void logistic_dense_rows_f32(
        Py_ssize_t n, Py_ssize_t p, const float* X, Py_ssize_t ld,
        const double* w, double b, const double* off, const float* y,
        const double* sw, double* g, double* d, int with_grad, double* out,
        double* H, Py_ssize_t q)


def row_loop_level(level=None):
    """Instruction set of the fused row loop for C-ordered dense blocks.

    2: AVX-512, 1: AVX2 + FMA, 0: x86-64 baseline, -1: off (not built, or
    not chosen: :func:`dense_pass`, BLAS ``gemv`` twice a block, serves
    instead). The CSR pass runs its C loop too (:func:`csr_pass`: at
    level 2, and at levels 1 and 0 on wide data). Automatic: 2 on AVX-512 CPUs, 1 on AVX2 + FMA CPUs
    (where it measured faster than the BLAS path in passes and in whole fits,
    large and small: ``_fused_rows.h``), else -1. ``level`` sets it for
    the process (-1 off, 0-2 clamped to what the CPU has; tests run every
    level), -2 restores the automatic choice; returns the level now in use.
    """
    if level is not None:
        logistic_rows_force(<int>level)
    return logistic_rows_level()


def row_loop_prefetch(level=0):
    """Cache level the AVX-512 row loop prefetches rows into: 1 (L1) or 2
    (L2). ``level`` 1 or 2 sets it for the process, 0 keeps (or, after a
    forced level, restores) the automatic choice by CPU (``_fused_rows512.h``);
    returns the level in use (0 where the loop is not built). Results do not
    depend on it: a prefetch changes when rows reach the cache, not what is
    computed."""
    if level not in (0, 1, 2):
        raise ValueError(f"level must be 0, 1 or 2, got {level!r}")
    return logistic_rows_prefetch(<int>level)


def hessian_max_order():
    """Largest padded order q of the ``hess`` argument of :func:`dense_rows_f64`."""
    return LG_HESS_MAX_Q


def vector_math():
    """Whether exp and log1p run four rows at a time (libmvec, AVX2)."""
    return bool(logistic_vector_math())


vector_math()  # detect the CPU once, at import


cdef inline double _terms(
    double z, double t, double l1p, double yi, double s, double* r, double* d,
    Py_ssize_t i,
) noexcept nogil:
    """Loss of one row times its weight s, from z, ``t = e^{-|z|}`` and ``log1p(t)``.

    Writes ``s (σ(z) - y)`` to r and, when d is not NULL, ``s σ(z)σ(-z)`` to
    ``d[i]``.
    """
    cdef double u = 1.0 + t
    cdef double inv = 1.0 / u
    cdef double lo
    if z >= 0:
        lo = l1p + (1.0 - yi) * z
        r[0] = s * (inv - yi)
    else:
        lo = l1p - yi * z
        r[0] = s * (t * inv - yi)
    if d != NULL:
        d[i] = s * (t / (u * u))
    return s * lo


cdef inline void _add(double* total, double* comp, double x) noexcept nogil:
    """Neumaier's compensated ``total += x`` (the error of each addition kept in comp).

    The block's sums then carry about one rounding error instead of one per
    row (numpy's pairwise sum: about log2(n)), so the objective's rounding
    noise, which the line searches compare against, stays at its floor.
    """
    cdef double t = total[0] + x
    if fabs(total[0]) >= fabs(x):
        comp[0] += (total[0] - t) + x
    else:
        comp[0] += (x - t) + total[0]
    total[0] = t


cdef inline double _total(double total, double comp) noexcept nogil:
    """A compensated sum's value: ``total + comp``, or ``total`` when it is not
    finite (an infinite term leaves NaN in comp; the sum is then ``total``, as
    a plain sum's)."""
    return total + comp if isfinite(total) else total


cdef inline double* _out_ptr(double[::1] v) noexcept:
    return &v[0] if v is not None and v.shape[0] > 0 else NULL


def dense_pass(
    const floating[:, :] X,
    const floating[::1] y,
    const floating[::1] w,
    double b,
    const double[::1] offset,
    const double[::1] sample_weight,
    floating[::1] buf,
    double[::1] scratch,
    floating[::1] gbuf,
    double[::1] g,
    double[::1] d,
    bint with_grad,
):
    """One block, dense: returns ``(Σ s L, Σ s r)`` and fills ``g = Xᵀ(s r)``.

    ``X`` (n × p) must have unit stride along one axis (a C- or F-ordered
    array or a row slice of one). ``buf`` (n, X's dtype) is scratch for z and
    the residual, ``scratch`` (at least 2n) for ``e^{-|z|}`` and its log1p
    (float32: then the residual); ``gbuf`` (p, X's dtype; may be ``g`` itself
    for float64; unused for float32) receives ``Xᵀ r`` from BLAS and ``g``
    (p, float64) the gradient, when ``with_grad``; ``d`` (n, optional) receives the curvature. ``offset`` and
    ``sample_weight`` may be None.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], i, j
    cdef Py_ssize_t isz = sizeof(floating)
    cdef bint c_like = X.strides[1] == isz or p == 1
    cdef int lda, m_blas, n_blas
    cdef char op_z, op_g
    cdef double loss = 0.0, rsum = 0.0, ri, c_loss = 0.0, c_rsum = 0.0
    cdef const double* off = _ptr(offset)
    cdef const double* sw = _ptr(sample_weight)
    cdef double* dp = _out_ptr(d)
    if n == 0:
        return 0.0, 0.0
    if c_like:  # column-major view of Xᵀ (p × n)
        lda = <int>(X.strides[0] // isz) if n > 1 else <int>p
        op_z, op_g, m_blas, n_blas = b'T', b'N', <int>p, <int>n
    else:  # column-major X (n × p)
        lda = <int>(X.strides[1] // isz) if p > 1 else <int>n
        op_z, op_g, m_blas, n_blas = b'N', b'T', <int>n, <int>p
    cdef double* tt = &scratch[0]
    cdef double* ll = &scratch[n]
    cdef double zi
    with nogil:
        _gemv(op_z, m_blas, n_blas, &X[0, 0], lda, &w[0], &buf[0])
        for i in range(n):
            zi = <double>buf[i] + b + (off[i] if off != NULL else 0.0)
            tt[i] = -fabs(zi)
        logistic_exp_log1p(n, tt, ll)
        for i in range(n):
            zi = <double>buf[i] + b + (off[i] if off != NULL else 0.0)
            _add(&loss, &c_loss, _terms(
                zi, tt[i], ll[i], <double>y[i], sw[i] if sw != NULL else 1.0, &ri, dp, i
            ))
            _add(&rsum, &c_rsum, ri)
            if floating is double:
                buf[i] = ri
            else:
                tt[i] = ri  # float64 residuals for the float64 sums of Xᵀ r
        if with_grad:
            if floating is double:
                _gemv(op_g, m_blas, n_blas, &X[0, 0], lda, &buf[0], &gbuf[0])
            else:
                logistic_xt_r_f32(n, p, &X[0, 0], lda, c_like, tt, &g[0])
    return _total(loss, c_loss), _total(rsum, c_rsum)


cdef inline tuple _rows_result(double* out):
    return out[0], out[1]


cdef Py_ssize_t _hessian_order(double[:, ::1] hess, Py_ssize_t p) except -1:
    """``hess``'s order q, checked (0 without ``hess``): the row loop writes a
    q × q array in 8 × 8 tiles, so q must be a multiple of 8 with p < q ≤
    LG_HESS_MAX_Q, and ``hess`` square."""
    if hess is None:
        return 0
    cdef Py_ssize_t q = hess.shape[0]
    if hess.shape[1] != q or q % 8 != 0 or not (p < q <= LG_HESS_MAX_Q):
        raise ValueError(
            f"hess has shape ({hess.shape[0]}, {hess.shape[1]}); expected (q, q) "
            f"with q a multiple of 8 and {p} < q <= {LG_HESS_MAX_Q}"
        )
    return q


def dense_rows_f64(
    const double[:, :] X,
    const double[::1] y,
    const double[::1] w,
    double b,
    const double[::1] offset,
    const double[::1] sample_weight,
    double[::1] g,
    double[::1] d,
    bint with_grad,
    double[:, ::1] hess=None,
):
    """One float64 block by the fused row loop: ``(Σ s L, Σ s r)``.

    X's rows must be contiguous and must not overlap (C order, or a row or
    column slice of it; the caller checks). Each row is read once (``_fused_rows.h``); ``g`` (p) receives
    ``Xᵀ(s r)`` when ``with_grad``, ``d`` (n, optional) the curvature.
    ``hess`` (optional, q × q with q a multiple of 8, ``p < q ≤``
    :func:`hessian_max_order`) receives the augmented Hessian sums of the
    same rows: with ``x̃ = (x, 1)``, ``hess[:p+1, :p+1] = Σ d_i x̃_i x̃_iᵀ``
    (``d_i = s_i σ(z_i)σ(-z_i)``; symmetric, mirrored from the upper
    triangle), so its column p is ``Xᵀ d`` and ``hess[p, p] = Σ d``.
    Separate float64/float32 functions (not one fused-type function) keep
    the call cheap: a block is ~1 MiB, and the fused dispatch cost 2-4 µs
    of the ~60 µs a block takes. Call only when ``row_loop_level() >= 0``.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef double out[2]
    out[0] = 0.0
    out[1] = 0.0
    cdef Py_ssize_t q = _hessian_order(hess, p)
    if n == 0 or p == 0:
        if hess is not None:
            hess[:, :] = 0.0
        return 0.0, 0.0
    cdef Py_ssize_t ld = X.strides[0] // sizeof(double) if n > 1 else p
    cdef const double* off = _ptr(offset)
    cdef const double* sw = _ptr(sample_weight)
    cdef double* dp = _out_ptr(d)
    cdef double* hp = NULL
    if hess is not None:
        hp = &hess[0, 0]
    with nogil:
        logistic_dense_rows_f64(
            n, p, &X[0, 0], ld, &w[0], b, off, &y[0], sw, &g[0], dp, with_grad, out,
            hp, q)
    return _rows_result(out)


def dense_rows_f32(
    const float[:, :] X,
    const float[::1] y,
    const double[::1] w,
    double b,
    const double[::1] offset,
    const double[::1] sample_weight,
    double[::1] g,
    double[::1] d,
    bint with_grad,
    double[:, ::1] hess=None,
):
    """:func:`dense_rows_f64` for float32 X and y (every sum in float64)."""
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef double out[2]
    out[0] = 0.0
    out[1] = 0.0
    cdef Py_ssize_t q = _hessian_order(hess, p)
    if n == 0 or p == 0:
        if hess is not None:
            hess[:, :] = 0.0
        return 0.0, 0.0
    cdef Py_ssize_t ld = X.strides[0] // sizeof(float) if n > 1 else p
    cdef const double* off = _ptr(offset)
    cdef const double* sw = _ptr(sample_weight)
    cdef double* dp = _out_ptr(d)
    cdef double* hp = NULL
    if hess is not None:
        hp = &hess[0, 0]
    with nogil:
        logistic_dense_rows_f32(
            n, p, &X[0, 0], ld, &w[0], b, off, &y[0], sw, &g[0], dp, with_grad, out,
            hp, q)
    return _rows_result(out)


# A block's Hessian pass in parts shared with the helper thread:
# dense_parts_f64, dense_parts_f32, parts_scratch, helper_start, helper_wake.
include "_fused_parts.pxi"

# Newton's zero start and Jacobi-scaled factor: sample_gram, golden_rows,
# jacobi_factor.
include "_fused_newton.pxi"


cdef inline int _csr_rows(
    const floating[::1] data, const index_t[::1] indices, const index_t[::1] indptr,
    Py_ssize_t n, const floating* y, const double* w, double b, const double* off,
    const double* sw, double* g, double* d, bint with_grad, double* out, Py_ssize_t p,
) noexcept nogil:
    """The whole CSR pass at row loop levels 0-2 (``_fused_csr.h``: eight
    rows a group; level 2, AVX-512: a row's logit in eight lane sums;
    levels 1 and 0, from 16 384 columns on: w and g read and written as one
    array of (w_j, g_j) pairs, a row's logit in four partial sums); 0 when
    the row loop is off, at levels 1 and 0 with fewer columns, or when the
    pairs array cannot be allocated (the caller's loop). ``p``: the length
    of w and g."""
    if floating is double:
        if index_t is int:
            return logistic_csr_rows_f64_i32(
                n, &data[0], &indices[0], &indptr[0], w, b, off, y, sw, g, d,
                with_grad, out, p)
        else:
            return logistic_csr_rows_f64_i64(
                n, &data[0], &indices[0], &indptr[0], w, b, off, y, sw, g, d,
                with_grad, out, p)
    else:
        if index_t is int:
            return logistic_csr_rows_f32_i32(
                n, &data[0], &indices[0], &indptr[0], w, b, off, y, sw, g, d,
                with_grad, out, p)
        else:
            return logistic_csr_rows_f32_i64(
                n, &data[0], &indices[0], &indptr[0], w, b, off, y, sw, g, d,
                with_grad, out, p)


cdef enum:
    # Stored values of a CSR chunk: the gather of ``z`` and the scatter of
    # ``r x`` read a chunk's values and indices from L1 (2 048 values: 24 KiB).
    CHUNK_VALUES = 2048


def csr_pass(
    const floating[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    const floating[::1] y,
    const double[::1] w,
    double b,
    const double[::1] offset,
    const double[::1] sample_weight,
    double[::1] scratch,
    double[::1] g,
    double[::1] d,
    bint with_grad,
):
    """One CSR block: ``(Σ s L, Σ s r)`` and ``g += Xᵀ(s r)``.

    At row loop level 2 (AVX-512), and at levels 1 and 0 from 16 384 columns
    on, the C loop of ``_fused_csr.h`` makes the pass (:func:`_csr_rows`:
    eight rows at a time; below AVX-512 through one array of (w_j, g_j)
    pairs, so that a row's scatter into g hits the cache lines its gather of
    w has just read: w and g no longer fit L2).
    Otherwise chunk by chunk of rows (``CHUNK_VALUES`` stored values, a
    multiple of four rows): a loop gathers ``z``, ``exp`` and ``log1p`` run
    over the chunk, a second loop scatters each row's ``r x`` into ``g``
    (the chunk's values are still in L1). Sums and ``g`` are float64; ``g`` must be
    zeroed by the caller; ``scratch`` holds at least 3n values.
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1, i
    cdef index_t k, k0, k1
    cdef double loss = 0.0, rsum = 0.0, zi, ri, c_loss = 0.0, c_rsum = 0.0
    cdef const double* off = _ptr(offset)
    cdef const double* sw = _ptr(sample_weight)
    cdef double* dp = _out_ptr(d)
    if n <= 0:
        return 0.0, 0.0
    cdef double* zz = &scratch[0]
    cdef double* tt = &scratch[n]
    cdef double* ll = &scratch[2 * n]
    cdef Py_ssize_t i0 = 0, i1
    cdef double out[2]
    cdef bint whole
    with nogil:
        whole = _csr_rows(data, indices, indptr, n, &y[0], &w[0], b, off, sw, &g[0],
                          dp, with_grad, out, w.shape[0])
        if whole:
            i0 = n
        while i0 < n:
            # a chunk of rows whose values fit in L1 (a multiple of 4 rows, so
            # the vector exp/log1p sees the same groups of four as one call
            # over the block would: the same bits)
            i1 = i0 + 4
            while i1 < n and indptr[i1] - indptr[i0] < CHUNK_VALUES:
                i1 += 4
            if i1 > n:
                i1 = n
            for i in range(i0, i1):
                zi = b
                for k in range(indptr[i], indptr[i + 1]):
                    zi = zi + <double>data[k] * w[indices[k]]
                if off != NULL:
                    zi = zi + off[i]
                zz[i] = zi
                tt[i] = -fabs(zi)
            logistic_exp_log1p(i1 - i0, tt + i0, ll + i0)
            for i in range(i0, i1):
                k0 = indptr[i]
                k1 = indptr[i + 1]
                _add(&loss, &c_loss, _terms(
                    zz[i], tt[i], ll[i], <double>y[i], sw[i] if sw != NULL else 1.0,
                    &ri, dp, i,
                ))
                _add(&rsum, &c_rsum, ri)
                if with_grad:
                    for k in range(k0, k1):
                        g[indices[k]] += ri * <double>data[k]
            i0 = i1
    if whole:
        return _rows_result(out)
    return _total(loss, c_loss), _total(rsum, c_rsum)


# A CSR block's Xᵀ D X and Xᵀ d: csr_sandwich.
include "_fused_sandwich.pxi"
