/* One pass over the rows of a CSR block with AVX-512 (logistic._fused.csr_pass).
 *
 * logistic_csr_rows_<data>_<index>(n, data, indices, indptr, w, b, off, y,
 *                                  sw, g, d, with_grad, out)
 * LG_CSR_ROWS (8) rows at a time: each row's logit z_i = b + sum_k data[k] w[indices[k]]
 * (+ off_i) by gathers (the row's indices loaded as one vector, w gathered
 * at them, the products added with a fused multiply-add into eight partial
 * sums: the row's k-th value in lane k mod 8, its last values masked,
 * reduced in a fixed order); then, for the rows as one vector (lanes past
 * the group masked), the row terms of _fused_rows512.h (t = e^{-|z|}, log1p(t), loss, residual,
 * curvature; loss and residual sums compensated per lane); then
 * g[indices[k]] += r_i data[k] row by row, while the group's values and
 * indices are still in cache (g accumulates: the caller zeroes it). The
 * scatter forms eight products r_i data[k] at a time in one vector multiply
 * and adds them to g one by one (the same roundings as a product at a
 * time): without it each value costs a load of data[k] and a scalar multiply
 * besides the load, add and store of g[indices[k]], and the scatter ran as
 * long as the gathers.
 * out[0] = sum s L, out[1] = sum s r; d (optional) receives the curvature.
 *
 * The stored values and indices LG_CSR_PF (512) values ahead, about the
 * next group's first rows, are prefetched to L2 as the gathers read them.
 * One core, 200k x 100k with 100 values a row, CPU time, variants built side
 * by side and alternated rep by rep in one process (AMD EPYC Zen 5, load
 * 5-7 from other jobs, 21 reps, median of the per-rep ratios): 8 rows with
 * the vector products 0.87x the time of 4 rows with scalar products (4 rows
 * with vector products 0.94x); prefetch distance 384-768 values 0.83-0.87x,
 * 256 0.89x, 1024 0.89x. Earlier, with scalar products: no prefetch 53-58
 * ms against 48-55 ms; 2 rows 57.9, 4 rows 55.5, 8 rows 59.4 ms a pass.
 * A scalar loop with one sum a row is bound by the add's latency; scalar
 * loads of w into eight lane sums (the same bits as the gathers) and a
 * gathered group interleaved with the previous group's scatter measured
 * the same as the gathers (within 2 %).
 * Returns 1 when it ran, 0 when the row loop level (logistic_rows_level,
 * _fused_rows.h) is not 2 (AVX-512): the caller then runs its scalar loop.
 * float64 sums either way; results differ from the scalar loop's by
 * rounding (another order of additions, eight-lane exp/log1p) and depend on
 * the block's rows alone, not on threads.
 */

#if LOGISTIC_ROWS_AVAILABLE

#define LG_CSR_PF 512
#define LG_CSR_ROWS 8

/* w gathered at the eight indices at ix (mask m). */
#define LG_CSR_GATHER_int(m, ix) \
    _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, _mm256_maskz_loadu_epi32(m, ix), w, 8)
#define LG_CSR_GATHER_i64(m, ix) \
    _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, _mm512_maskz_loadu_epi64(m, ix), w, 8)

#define LOGISTIC_CSR_ROWS(NAME, T, I, IX)                                            \
    LG_ATTR_512 static void NAME##_512(                                              \
        ptrdiff_t n, const T *data, const I *indices, const I *indptr,               \
        const double *restrict w, double b, const double *restrict off,              \
        const T *restrict y, const double *restrict sw, double *restrict g,          \
        double *restrict d, int with_grad, double *out) {                            \
        lg_v8d ls = {0}, lc = {0}, rs = {0}, rc = {0};                               \
        const ptrdiff_t kend = (ptrdiff_t)indptr[n];                                 \
        for (ptrdiff_t i0 = 0; i0 < n; i0 += LG_CSR_ROWS) {                          \
            const ptrdiff_t m = n - i0 < LG_CSR_ROWS ? n - i0 : LG_CSR_ROWS;         \
            const __mmask8 vmask = (__mmask8)((1u << m) - 1u);                       \
            double zk[LG_ROWS] = {0};                                                \
            for (ptrdiff_t i = i0; i < i0 + m; i++) {                                \
                ptrdiff_t k = (ptrdiff_t)indptr[i];                                  \
                const ptrdiff_t e = (ptrdiff_t)indptr[i + 1];                        \
                __m512d a = _mm512_setzero_pd();                                     \
                for (; k + 8 <= e; k += 8) {                                         \
                    const ptrdiff_t kp = k + LG_CSR_PF < kend ? k + LG_CSR_PF : k;   \
                    _mm_prefetch((const char *)(data + kp), _MM_HINT_T1);            \
                    _mm_prefetch((const char *)(indices + kp), _MM_HINT_T1);         \
                    a = _mm512_fmadd_pd(lg512_ldm_##T(0xff, data + k),               \
                                        LG_CSR_GATHER_##IX(0xff, indices + k), a);   \
                }                                                                    \
                if (k < e) {                                                         \
                    const __mmask8 t = (__mmask8)((1u << (e - k)) - 1u);             \
                    a = _mm512_fmadd_pd(lg512_ldm_##T(t, data + k),                  \
                                        LG_CSR_GATHER_##IX(t, indices + k), a);      \
                }                                                                    \
                const lg_v8d v = (lg_v8d)a;                                          \
                const lg_v8d h = __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3) + v; \
                const lg_v8d q = __builtin_shufflevector(h, h, 2, 3, 0, 1, 6, 7, 4, 5) + h; \
                zk[i - i0] = q[0] + q[1];                                            \
            }                                                                        \
            const __m512d offv =                                                     \
                off ? _mm512_maskz_loadu_pd(vmask, off + i0) : _mm512_setzero_pd();  \
            const lg_v8d zv = ((lg_v8d)_mm512_set1_pd(b) + LG_LOAD_double(zk)) +     \
                              (lg_v8d)offv;                                          \
            LG512_ROW_TERMS(zv, vmask, lg512_ldm_##T, y, sw, i0);                    \
            if (d)                                                                   \
                _mm512_mask_storeu_pd(d + i0, vmask, (__m512d)(sv * (tv / (u * u)))); \
            if (!with_grad)                                                          \
                continue;                                                            \
            double r[LG_ROWS];                                                       \
            _mm512_storeu_pd(r, rw);                                                 \
            for (ptrdiff_t i = i0; i < i0 + m; i++) {                                \
                const __m512d rv = _mm512_set1_pd(r[i - i0]);                        \
                ptrdiff_t k = (ptrdiff_t)indptr[i];                                  \
                const ptrdiff_t e = (ptrdiff_t)indptr[i + 1];                        \
                double t[8];                                                         \
                for (; k + 8 <= e; k += 8) {                                         \
                    _mm512_storeu_pd(t, _mm512_mul_pd(rv, lg512_ld_##T(data + k)));  \
                    const I *ix = indices + k;                                       \
                    g[ix[0]] += t[0];                                                \
                    g[ix[1]] += t[1];                                                \
                    g[ix[2]] += t[2];                                                \
                    g[ix[3]] += t[3];                                                \
                    g[ix[4]] += t[4];                                                \
                    g[ix[5]] += t[5];                                                \
                    g[ix[6]] += t[6];                                                \
                    g[ix[7]] += t[7];                                                \
                }                                                                    \
                if (k < e) {                                                         \
                    const __mmask8 tm = (__mmask8)((1u << (e - k)) - 1u);            \
                    _mm512_storeu_pd(t, _mm512_mul_pd(rv, lg512_ldm_##T(tm, data + k))); \
                    for (ptrdiff_t j = 0; j < e - k; j++)                            \
                        g[indices[k + j]] += t[j];                                   \
                }                                                                    \
            }                                                                        \
        }                                                                            \
        LG_LANE_TOTALS(ls, lc, rs, rc, out);                                         \
    }                                                                                \
    static int NAME(ptrdiff_t n, const T *data, const I *indices, const I *indptr,   \
                    const double *w, double b, const double *off, const T *y,        \
                    const double *sw, double *g, double *d, int with_grad,           \
                    double *out) {                                                   \
        if (logistic_rows_level() != 2)                                              \
            return 0;                                                                \
        NAME##_512(n, data, indices, indptr, w, b, off, y, sw, g, d, with_grad, out); \
        return 1;                                                                    \
    }

LOGISTIC_CSR_ROWS(logistic_csr_rows_f64_i32, double, int, int)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f64_i64, double, long long, i64)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f32_i32, float, int, int)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f32_i64, float, long long, i64)

#else /* no AVX-512 build: the caller's scalar loop */
#define LOGISTIC_CSR_ROWS_NONE(NAME, T, I)                                           \
    static int NAME(ptrdiff_t n, const T *data, const I *indices, const I *indptr,   \
                    const double *w, double b, const double *off, const T *y,        \
                    const double *sw, double *g, double *d, int with_grad,           \
                    double *out) {                                                   \
        (void)n; (void)data; (void)indices; (void)indptr; (void)w; (void)b;          \
        (void)off; (void)y; (void)sw; (void)g; (void)d; (void)with_grad; (void)out;  \
        return 0;                                                                    \
    }
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f64_i32, double, int)
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f64_i64, double, long long)
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f32_i32, float, int)
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f32_i64, float, long long)
#endif
