# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Compiled column statistics of a block for :mod:`logistic._moments` (GIL released).

:func:`dense_column_stats` (C-ordered dense blocks, ``_column_stats.h``)
and :func:`csr_column_stats` (CSR blocks) make the sums of the
standardization pass: per column the smallest and largest value, the
weighted sums of the values and of their squares (raw, sweep 0, or centred
on the mean, sweeps 1 and 2), and in sweep 0 optionally the gradient sums
at logit 0. :mod:`logistic._moments` owns the formulas and reads the
module through :func:`logistic._compiled.compiled_for` (``logistic._fused``
re-exports both functions). :func:`csc_column_stats` makes sweep 0 of
a matrix held by column (the column solver's copy of X,
:func:`logistic._moments.csc_column_stats`). Arguments are checked by the Python caller
(shapes, dtypes, strides).
"""

from libc.math cimport INFINITY

from logistic._kernel_types cimport _ptr, floating, index_t


cdef extern from * nogil:
    void __builtin_prefetch(const void* addr, int rw, int locality)


cdef enum:
    # Stored values ahead whose accumulator line sweep 0 prefetches: with
    # 100 000 columns the (p, 8) accumulators (6.4 MB) miss L2, and each
    # stored value reads, changes and writes back its column's line; the
    # indices are known ahead, so the line is asked for before its value is
    # reached (sparse200k, one thread, Zen 3: 0.38x the time, 14 of 15
    # alternated calls faster; sweeps 1 and 2, which also read divisor[j]:
    # 0.99x, so left as they are) ...
    STATS_PREFETCH = 16
    # ... from this many columns on (accumulators of 256 KiB: half of Zen
    # 3's L2). Below, where they stay in cache, the prefetch only adds work:
    # a9a (123 columns) 1.17x, w8a (300) 1.19x; reuters (8 315) 0.88x.
    STATS_PREFETCH_MIN_P = 4096


cdef extern from "_column_stats.h" nogil:
    void logistic_column_stats_f64(
        Py_ssize_t n, Py_ssize_t p, const double* X, Py_ssize_t ld,
        const double* div, const double* sw, const double* mu, const double* r0,
        double* lo, double* hi, double* s1, double* s2, double* g, int sweep)
    void logistic_column_stats_f32(
        Py_ssize_t n, Py_ssize_t p, const float* X, Py_ssize_t ld,
        const double* div, const double* sw, const double* mu, const double* r0,
        double* lo, double* hi, double* s1, double* s2, double* g, int sweep)


cdef inline void _csr_sweep0(
    const floating* data, const index_t* indices, const index_t* indptr,
    Py_ssize_t n, const double* sw, const double* r0, double* a, bint has_sw,
    bint has_r0, bint prefetch,
) noexcept nogil:
    """Sweep 0 of :func:`csr_column_stats` (its products and sums, in its
    order: the same bits), with the row's weight and residual read once a
    row and no test of the sweep or of the optional vectors per stored
    value: each caller passes constant flags, so the compiler makes a loop
    for each case (a9a's blocks: 16 % faster)."""
    cdef Py_ssize_t i, j
    cdef index_t k, kp
    cdef index_t kend = indptr[n]
    cdef double* c
    cdef double v, sd, s, r
    for i in range(n):
        s = sw[i] if has_sw else 1.0
        r = r0[i] if has_r0 else 0.0
        for k in range(indptr[i], indptr[i + 1]):
            if prefetch:
                kp = k + STATS_PREFETCH if k + STATS_PREFETCH < kend else k
                __builtin_prefetch(a + 8 * <Py_ssize_t>indices[kp], 1, 3)
            j = indices[k]
            c = a + 8 * j
            v = <double>data[k]
            # unconditional stores: min/max instructions, where conditional
            # ones branch on unpredictable values (2.5x slower on reuters)
            c[0] = v if v < c[0] else c[0]
            c[1] = v if v > c[1] else c[1]
            c[2] += 1.0
            if has_sw:
                sd = s * v
                c[4] += s
            else:
                sd = v
            c[3] += sd
            c[7] += sd * v
            if has_r0:
                c[6] += r * v


def csr_column_stats(
    const floating[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    const double[::1] divisor,
    const double[::1] row_weight,
    double[:, ::1] acc,
    int sweep,
    const double[::1] residual=None,
):
    """One sweep over a CSR block's stored values for :mod:`logistic._moments`.

    ``acc`` is ``(p, 8)``: per column ``lo, hi, count, sum, weight, mean,
    resid, m2``, one 64-byte cache line a column, so a stored value touches
    one line a sweep (separate arrays measured 2-3× slower on 100 000
    columns, whose accumulators do not fit in L2). With ``v = x / divisor[j]`` (``x`` when
    ``divisor`` is None) and ``s`` the row's weight (1 when ``row_weight``
    is None):

    * sweep 0: ``lo``/``hi`` the smallest/largest ``x``, ``count`` the number
      of stored values, ``sum += s x``, ``m2 += (s x) x`` (the raw second
      moment, which :mod:`logistic._moments` uses when no column needs the
      centred sweep), with row weights ``weight += s`` and, with
      ``residual`` (one value ``r`` a row), ``resid += r x``: the gradient
      sums at logit 0, which the caller reads and zeroes before sweep 2
      (``divisor`` is not used);
    * sweep 1: ``sum += s v`` (the caller zeroes ``sum`` first);
    * sweep 2: ``d = v - mean``, ``resid += s d``, ``m2 += (s d) d`` (the
      caller zeroes ``m2`` first).

    Every product and sum is the one ``np.bincount`` with those weights
    makes, in the same (storage) order, and min/max are exact, so the
    results are the numpy formulas' bit for bit.
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1, i, j
    cdef index_t k
    cdef const double* div = _ptr(divisor)
    cdef const double* sw = _ptr(row_weight)
    cdef const double* r0 = _ptr(residual)
    cdef double* a = &acc[0, 0]
    cdef double* c
    cdef double v, sd
    if r0 != NULL and residual.shape[0] != n:
        raise ValueError(
            f"csr_column_stats: residual needs {n} values; got {residual.shape[0]}"
        )
    cdef bint prefetch = acc.shape[0] >= STATS_PREFETCH_MIN_P
    if sweep == 0 and n > 0:
        with nogil:
            if sw == NULL and r0 != NULL:
                _csr_sweep0(&data[0], &indices[0], &indptr[0], n, sw, r0, a, False, True, prefetch)
            elif sw == NULL:
                _csr_sweep0(&data[0], &indices[0], &indptr[0], n, sw, r0, a, False, False, prefetch)
            elif r0 != NULL:
                _csr_sweep0(&data[0], &indices[0], &indptr[0], n, sw, r0, a, True, True, prefetch)
            else:
                _csr_sweep0(&data[0], &indices[0], &indptr[0], n, sw, r0, a, True, False, prefetch)
        return
    with nogil:
        for i in range(n):
            for k in range(indptr[i], indptr[i + 1]):
                j = indices[k]
                c = a + 8 * j
                v = <double>data[k]
                if div != NULL:
                    v = v / div[j]
                if sweep == 1:
                    c[3] += sw[i] * v if sw != NULL else v
                    continue
                v = v - c[5]
                sd = sw[i] * v if sw != NULL else v
                c[6] += sd
                c[7] += sd * v


def csc_column_stats(
    const double[::1] data,
    const index_t[::1] indices,
    const index_t[::1] indptr,
    const double[::1] row_weight,
    double[:, ::1] acc,
    const double[::1] residual=None,
    bint by_slot=False,
):
    """Sweep 0 of :func:`csr_column_stats` over a matrix held by column.

    ``data``, ``indices`` (row numbers), ``indptr``: CSC arrays whose rows
    rise within each column (a canonical matrix's, as ``tocsc`` makes them);
    ``row_weight`` and ``residual`` are indexed by row, ``acc`` is ``(p, 8)``
    as :func:`csr_column_stats`' and written (its sweep-0 slots: ``lo, hi,
    count, sum, weight, resid, m2``; ``mean`` is left alone), or with
    ``by_slot`` ``(8, p)``, a slot's values side by side (the caller then
    reads each slot as a contiguous row instead of a strided column). A
    column's sums run in registers over its values in row order: the
    products and sums :func:`csr_column_stats` makes of the same rows as one
    block, in the same order, so the same bits, with no scattered
    accumulator per stored value (reuters: one sequential read of the
    values)."""
    cdef Py_ssize_t p = indptr.shape[0] - 1, j, n = 0, step = 1, width = 8
    cdef index_t k, i
    cdef const double* sw = _ptr(row_weight)
    cdef const double* r0 = _ptr(residual)
    cdef double* c
    cdef double v, sd, lo, hi, count, s1, wsum, g, m2
    if by_slot:
        step, width = p, 1  # slot q of column j at acc[q, j]
        if acc.shape[0] != 8 or acc.shape[1] != p:
            raise ValueError(
                f"csc_column_stats: acc needs shape (8, {p}); got "
                f"({acc.shape[0]}, {acc.shape[1]})"
            )
    elif acc.shape[0] != p or acc.shape[1] != 8:
        raise ValueError(
            f"csc_column_stats: acc needs shape ({p}, 8); got "
            f"({acc.shape[0]}, {acc.shape[1]})"
        )
    if p == 0:
        return
    if sw != NULL:
        n = row_weight.shape[0]
    if r0 != NULL and sw != NULL and residual.shape[0] != n:
        raise ValueError("csc_column_stats: row_weight and residual differ in length")
    with nogil:
        for j in range(p):
            lo, hi = INFINITY, -INFINITY
            count = s1 = wsum = g = m2 = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                v = data[k]
                lo = v if v < lo else lo
                hi = v if v > hi else hi
                count += 1.0
                if sw != NULL:
                    sd = sw[i] * v
                    wsum += sw[i]
                else:
                    sd = v
                s1 += sd
                m2 += sd * v
                if r0 != NULL:
                    g += r0[i] * v
            c = &acc[0, 0] + width * j
            c[0], c[step], c[2 * step], c[3 * step] = lo, hi, count, s1
            c[4 * step], c[6 * step], c[7 * step] = wsum, g, m2


def dense_column_stats(
    const floating[:, ::1] X,
    const double[::1] divisor,
    const double[::1] row_weight,
    const double[::1] mean,
    double[::1] lo,
    double[::1] hi,
    double[::1] s1,
    double[::1] s2,
    int sweep,
    const double[::1] residual=None,
    double[::1] grad=None,
):
    """One sweep over a C-ordered dense block for :mod:`logistic._moments`.

    With ``v = x / divisor[j]`` (``x`` when ``divisor`` is None) and ``s`` the
    row's weight (1 when ``row_weight`` is None), rows in order:

    * sweep 0: ``lo``/``hi`` the smallest/largest ``x`` of each column,
      ``s1 += s x`` and ``s2 += s x²`` (``divisor`` is not used); with
      ``residual`` (one value ``r`` a row) and ``grad``, also
      ``grad += r x`` (the other sums are the same bits as without it);
    * sweep 1: ``s1 += s v`` (the caller zeroes ``s1`` first);
    * sweep 2: ``d = v - mean[j]``, ``s1 += s d`` and ``s2 += s d²``.

    Each column's sums run over the rows in order; the inner loop runs over
    the columns of a row (contiguous), vectorized (``_column_stats.h``: AVX-512
    and AVX2 clones on x86-64 Linux). A 1 MiB block is read from memory once
    (sweep 0) and from cache after that.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    cdef Py_ssize_t ld = X.strides[0] // sizeof(floating) if n > 1 else p
    if n == 0 or p == 0:
        return
    cdef const double* div = _ptr(divisor)
    cdef const double* sw = _ptr(row_weight)
    cdef const double* mu = _ptr(mean)
    cdef const double* r0 = NULL
    cdef double* g = NULL
    if sweep == 0 and residual is not None:
        if residual.shape[0] != n or grad is None or grad.shape[0] != p:
            raise ValueError(
                f"dense_column_stats: residual needs {n} values and grad {p}; got "
                f"{residual.shape[0]} and "
                f"{'None' if grad is None else grad.shape[0]}"
            )
        r0 = &residual[0]
        g = &grad[0]
    with nogil:
        if floating is double:
            logistic_column_stats_f64(
                n, p, &X[0, 0], ld, div, sw, mu, r0, &lo[0], &hi[0], &s1[0], &s2[0],
                g, sweep
            )
        else:
            logistic_column_stats_f32(
                n, p, &X[0, 0], ld, div, sw, mu, r0, &lo[0], &hi[0], &s1[0], &s2[0],
                g, sweep
            )
