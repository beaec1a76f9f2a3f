# A block's Hessian pass in parts of its rows, shared between the caller and
# the helper thread (_fused_parts.h; the rule for when: logistic._row_parts),
# included by _fused.pyx after the row loop's declarations (_fused_rows.h,
# which _fused_parts.h calls).

cdef extern from "_fused_parts.h" nogil:
    enum: LG_MAX_PARTS
    ctypedef struct lg_rows_job:
        Py_ssize_t n, p, ld, q
        const void* X
        const void* y
        const double* w
        const double* off
        const double* sw
        double b
        double* g
        double* d
        double* H
        int with_grad, f32
        double out[2]
    Py_ssize_t logistic_parts_scratch(int parts, Py_ssize_t p, Py_ssize_t q)
    int logistic_dense_rows_parts(lg_rows_job* job, int parts, int threads, double* scratch)
    int logistic_helper_wake()
    int logistic_helper_start()


def helper_start():
    """Starts the helper thread of :func:`dense_parts_f64`, asleep, if this
    process has none (a thread's start costs ~80 µs, kept out of a fit:
    :func:`logistic._compiled.compiled_kernel` calls it as it loads this
    module, where its row loop runs and two threads may). True when the
    helper runs; False when it could not be started, or when another thread
    of the process is handing it a block (nothing done then)."""
    cdef int ok
    with nogil:
        ok = logistic_helper_start()
    return bool(ok)


def helper_wake():
    """Starts the helper thread of :func:`dense_parts_f64` if need be and has
    it spin for the next block (1 ms) instead of sleeping: a fit calls it
    ahead of its first Hessian pass. True when it was woken; False when it
    could not be started, or when another thread of the process is handing
    it a block (it is awake then)."""
    cdef int ok
    with nogil:
        ok = logistic_helper_wake()
    return bool(ok)


def parts_scratch(int parts, Py_ssize_t p, Py_ssize_t q):
    """Entries of the ``scratch`` argument of :func:`dense_parts_f64` for a
    block of ``parts`` parts, p columns and Hessian order q."""
    return logistic_parts_scratch(parts, p, q)


cdef tuple _parts(
    lg_rows_job* job, const double[::1] w, const double[::1] offset,
    const double[::1] sample_weight, double[::1] g, double[::1] d,
    double[:, ::1] hess, int parts, double[::1] scratch, int threads,
):
    """Runs ``job`` (X, y, n, p, ld, b, with_grad, f32 set) in ``parts`` runs
    of its rows (``_fused_parts.h``): ``(Σ s L, Σ s r, parts the helper ran)``."""
    cdef Py_ssize_t p = job.p
    cdef Py_ssize_t q = _hessian_order(hess, p)
    if p < 1:
        raise ValueError("X has no columns; a block in parts needs at least one")
    if not (2 <= parts <= LG_MAX_PARTS) or job.n < 8 * parts:
        raise ValueError(
            f"parts is {parts} for {job.n} rows; expected 2 to {LG_MAX_PARTS} "
            "parts of at least 8 rows"
        )
    cdef Py_ssize_t need = logistic_parts_scratch(parts, p, q)
    if scratch.shape[0] < need:
        raise ValueError(f"scratch has {scratch.shape[0]} entries; expected at least {need}")
    if g.shape[0] < p or (d is not None and d.shape[0] < job.n):
        raise ValueError("g needs p entries and d (when given) n")
    job.q = q
    job.w = &w[0]
    job.off = _ptr(offset)
    job.sw = _ptr(sample_weight)
    job.g = &g[0]
    job.d = _out_ptr(d)
    job.H = &hess[0, 0] if hess is not None else NULL
    job.out[0] = 0.0
    job.out[1] = 0.0
    cdef int helped
    with nogil:
        helped = logistic_dense_rows_parts(job, parts, threads, &scratch[0])
    return job.out[0], job.out[1], helped


def dense_parts_f64(
    const double[:, :] X,
    const double[::1] y,
    const double[::1] w,
    double b,
    const double[::1] offset,
    const double[::1] sample_weight,
    double[::1] g,
    double[::1] d,
    bint with_grad,
    double[:, ::1] hess,
    int parts,
    double[::1] scratch,
    int threads,
):
    """:func:`dense_rows_f64` in ``parts`` (2 to 8) runs of X's rows (each at
    least 8), shared with the helper thread when ``threads > 1``:
    ``(Σ s L, Σ s r, parts the helper ran)``. ``scratch`` (at least
    :func:`parts_scratch` entries) takes the other parts' gradient and
    Hessian sums. The parts and the order of their sum are the same whatever
    ``threads``, so is the result."""
    cdef lg_rows_job job
    job.n = X.shape[0]
    job.p = X.shape[1]
    job.ld = X.strides[0] // sizeof(double) if job.n > 1 else job.p
    job.X = &X[0, 0]
    job.y = &y[0]
    job.b = b
    job.with_grad = with_grad
    job.f32 = 0
    return _parts(&job, w, offset, sample_weight, g, d, hess, parts, scratch, threads)


def dense_parts_f32(
    const float[:, :] X,
    const float[::1] y,
    const double[::1] w,
    double b,
    const double[::1] offset,
    const double[::1] sample_weight,
    double[::1] g,
    double[::1] d,
    bint with_grad,
    double[:, ::1] hess,
    int parts,
    double[::1] scratch,
    int threads,
):
    """:func:`dense_parts_f64` for float32 X and y (every sum in float64)."""
    cdef lg_rows_job job
    job.n = X.shape[0]
    job.p = X.shape[1]
    job.ld = X.strides[0] // sizeof(float) if job.n > 1 else job.p
    job.X = &X[0, 0]
    job.y = &y[0]
    job.b = b
    job.with_grad = with_grad
    job.f32 = 1
    return _parts(&job, w, offset, sample_weight, g, d, hess, parts, scratch, threads)
