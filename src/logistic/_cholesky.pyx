# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Cholesky factor and solve of a small symmetric positive-definite float64
matrix, on the calling thread (:mod:`logistic._linalg` dispatches here).

LAPACK's ``dpotrf`` from scipy's OpenBLAS threads a matrix of a hundred rows
or more, and keeping it on one thread takes threadpoolctl, whose controller
costs 6-8 ms to build in each new process, more than the factorizations of a
fit on a9a (p = 124) cost. This row-oriented (Cholesky–Crout) factorization
takes each entry of ``L`` as ``(a_ij - L[i, :j] · L[j, :j]) / L_jj``: every
dot product runs over two contiguous rows with eight partial sums in a fixed
order, so the bits do not depend on the CPU or on threads. About 2× the time
of single-threaded ``dpotrf`` (0.10 against 0.05 ms at 124 rows), which is
why :mod:`logistic._linalg` sends only matrices of up to ``COMPILED_MAX``
rows here.
"""

from libc.math cimport sqrt


cdef inline double _dot(const double* x, const double* y, Py_ssize_t n) noexcept nogil:
    """``x · y`` over ``n`` values, in eight partial sums added pairwise."""
    cdef double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    cdef double s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    cdef Py_ssize_t k = 0
    while k + 8 <= n:
        s0 += x[k] * y[k]
        s1 += x[k + 1] * y[k + 1]
        s2 += x[k + 2] * y[k + 2]
        s3 += x[k + 3] * y[k + 3]
        s4 += x[k + 4] * y[k + 4]
        s5 += x[k + 5] * y[k + 5]
        s6 += x[k + 6] * y[k + 6]
        s7 += x[k + 7] * y[k + 7]
        k += 8
    while k < n:
        s0 += x[k] * y[k]
        k += 1
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


def cholesky_lower(const double[:, ::1] A, double[:, ::1] L):
    """``L`` (C order, upper triangle zeroed) with ``A = L Lᵀ``, reading A's
    lower triangle. Returns 0, or ``k + 1`` when the k-th pivot is not
    positive (or not a number: A not positive definite or not finite), as
    LAPACK's ``info``; L is then incomplete."""
    cdef Py_ssize_t p = A.shape[0], i, j, k
    cdef Py_ssize_t info = 0
    cdef double s
    cdef double* l = &L[0, 0] if p else NULL
    cdef const double* a = &A[0, 0] if p else NULL
    cdef double* li
    cdef double* lj
    with nogil:
        for i in range(p):
            li = l + i * p
            for j in range(i):
                lj = l + j * p
                li[j] = (a[i * p + j] - _dot(li, lj, j)) / lj[j]
            s = a[i * p + i] - _dot(li, li, i)
            if not s > 0.0:
                info = i + 1
                break
            li[i] = sqrt(s)
            for k in range(i + 1, p):
                li[k] = 0.0
    return info


def cholesky_solve(const double[:, ::1] L, double[::1] x):
    """``x ← (L Lᵀ)⁻¹ x`` in place: ``L y = x`` by rows, then ``Lᵀ x = y``
    by subtracting each solved value's row (both over contiguous rows)."""
    cdef Py_ssize_t p = L.shape[0], i, k
    cdef const double* l = &L[0, 0] if p else NULL
    cdef double* v = &x[0] if p else NULL
    cdef const double* li
    cdef double xi
    with nogil:
        for i in range(p):
            li = l + i * p
            v[i] = (v[i] - _dot(li, v, i)) / li[i]
        for i in range(p - 1, -1, -1):
            li = l + i * p
            xi = v[i] / li[i]
            v[i] = xi
            for k in range(i):
                v[k] -= li[k] * xi
