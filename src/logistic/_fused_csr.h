/* Logits of CSR rows with AVX-512 gathers (logistic._fused.csr_pass).
 *
 * logistic_csr_z_<data>_<index>(i0, i1, data, indices, indptr, w, b, off,
 *                               zz, tt)
 * sets zz[i] = b + sum_k data[k] w[indices[k]] (+ off[i]) and tt[i] = -|zz[i]|
 * for the rows i0 <= i < i1, eight stored values at a time: their indices
 * are loaded as one vector, w gathered at them, and the products added with
 * a fused multiply-add into eight partial sums (the row's k-th value in
 * lane k mod 8; a row's last values masked), reduced in a fixed order. A
 * scalar loop with one sum is bound by the add's latency; the gathers keep
 * several loads of w in flight. Returns 1 when it ran, 0 when the row loop
 * level (logistic_rows_level, _fused_rows.h) is not 2 (AVX-512): the caller
 * then runs its scalar loop. float64 sums either way; results differ from
 * the scalar loop's by rounding (another order of the additions) and depend
 * on the row alone, not on the block or thread.
 */

#if LOGISTIC_ROWS_AVAILABLE

/* The eight values at k (mask m) of a row: w gathered at the indices. */
#define LG_CSR_GATHER_int(m, ix) \
    _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, _mm256_maskz_loadu_epi32(m, ix), w, 8)
#define LG_CSR_GATHER_i64(m, ix) \
    _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, _mm512_maskz_loadu_epi64(m, ix), w, 8)
#define LG_CSR_VALUES_double(m, v) _mm512_maskz_loadu_pd(m, v)
#define LG_CSR_VALUES_float(m, v) _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, v))

#define LOGISTIC_CSR_Z(NAME, T, I, IX)                                               \
    LG_ATTR_512 static void NAME##_512(ptrdiff_t i0, ptrdiff_t i1, const T *data,     \
                                       const I *indices, const I *indptr,            \
                                       const double *w, double b, const double *off, \
                                       double *zz, double *tt) {                     \
        for (ptrdiff_t i = i0; i < i1; i++) {                                        \
            ptrdiff_t k = (ptrdiff_t)indptr[i];                                      \
            const ptrdiff_t e = (ptrdiff_t)indptr[i + 1];                            \
            __m512d a = _mm512_setzero_pd();                                         \
            for (; k + 8 <= e; k += 8)                                               \
                a = _mm512_fmadd_pd(LG_CSR_VALUES_##T(0xff, data + k),               \
                                    LG_CSR_GATHER_##IX(0xff, indices + k), a);       \
            if (k < e) {                                                             \
                const __mmask8 m = (__mmask8)((1u << (e - k)) - 1u);                 \
                a = _mm512_fmadd_pd(LG_CSR_VALUES_##T(m, data + k),                  \
                                    LG_CSR_GATHER_##IX(m, indices + k), a);          \
            }                                                                        \
            const lg_v8d v = (lg_v8d)a;                                              \
            const lg_v8d h = __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3) + v; \
            const lg_v8d q = __builtin_shufflevector(h, h, 2, 3, 0, 1, 6, 7, 4, 5) + h; \
            double z = b + (q[0] + q[1]);                                            \
            if (off)                                                                 \
                z += off[i];                                                         \
            zz[i] = z;                                                               \
            tt[i] = -fabs(z);                                                        \
        }                                                                            \
    }                                                                                \
    static int NAME(ptrdiff_t i0, ptrdiff_t i1, const T *data, const I *indices,     \
                    const I *indptr, const double *w, double b, const double *off,   \
                    double *zz, double *tt) {                                        \
        if (logistic_rows_level() != 2)                                              \
            return 0;                                                                \
        NAME##_512(i0, i1, data, indices, indptr, w, b, off, zz, tt);                \
        return 1;                                                                    \
    }

LOGISTIC_CSR_Z(logistic_csr_z_f64_i32, double, int, int)
LOGISTIC_CSR_Z(logistic_csr_z_f64_i64, double, long long, i64)
LOGISTIC_CSR_Z(logistic_csr_z_f32_i32, float, int, int)
LOGISTIC_CSR_Z(logistic_csr_z_f32_i64, float, long long, i64)

#else /* no AVX-512 build: the caller's scalar loop */
#define LOGISTIC_CSR_Z_NONE(NAME, T, I)                                              \
    static int NAME(ptrdiff_t i0, ptrdiff_t i1, const T *data, const I *indices,     \
                    const I *indptr, const double *w, double b, const double *off,   \
                    double *zz, double *tt) {                                        \
        (void)i0; (void)i1; (void)data; (void)indices; (void)indptr; (void)w;        \
        (void)b; (void)off; (void)zz; (void)tt;                                      \
        return 0;                                                                    \
    }
LOGISTIC_CSR_Z_NONE(logistic_csr_z_f64_i32, double, int)
LOGISTIC_CSR_Z_NONE(logistic_csr_z_f64_i64, double, long long)
LOGISTIC_CSR_Z_NONE(logistic_csr_z_f32_i32, float, int)
LOGISTIC_CSR_Z_NONE(logistic_csr_z_f32_i64, float, long long)
#endif
