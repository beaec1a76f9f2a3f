# Declarations shared by the compiled kernels (_fused.pyx, _column_stats.pyx).

# X's dtype: float32 or float64 (every sum is float64 either way)
ctypedef fused floating:
    float
    double

# CSR index dtype: int32 or int64
ctypedef fused index_t:
    int
    long long


cdef inline const double* _ptr(const double[::1] v) noexcept:
    """The first element of an optional float64 vector, NULL when None or empty."""
    return &v[0] if v is not None and v.shape[0] > 0 else NULL
