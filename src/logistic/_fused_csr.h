/* One pass over the rows of a CSR block with AVX-512 (logistic._fused.csr_pass).
 *
 * logistic_csr_rows_<data>_<index>(n, data, indices, indptr, w, b, off, y,
 *                                  sw, g, d, with_grad, out)
 * LG_CSR_ROWS (8) rows at a time: each row's logit z_i = b + sum_k data[k] w[indices[k]]
 * (+ off_i) in eight partial sums (the row's k-th value in lane k mod 8, one
 * fused multiply-add a value, the lanes reduced in a fixed order), w read
 * by scalar loads (which the compiler may pack into vectors: the same
 * fused multiply-add in each lane, so the same bits); then, for the rows as
 * one vector (lanes past the group masked), the row terms of
 * _fused_rows512.h (t = e^{-|z|}, log1p(t), loss, residual, curvature; loss
 * and residual sums compensated per lane); then g[indices[k]] += r_i data[k]
 * row by row, while the group's values and indices are still in cache (g
 * accumulates: the caller zeroes it). The scatter forms eight products
 * r_i data[k] at a time in one vector multiply and adds them to g one by one
 * (the same roundings as a product at a time): without it each value costs
 * a load of data[k] and a scalar multiply besides the load, add and store of
 * g[indices[k]], and the scatter ran as long as the logits.
 * out[0] = sum s L, out[1] = sum s r; d (optional) receives the curvature.
 *
 * The stored values and indices LG_CSR_PF (512) values ahead, about the
 * next group's first rows, are prefetched to L2 as the logits read them.
 * One core, 200k x 100k with 100 values a row, CPU time, variants built side
 * by side and alternated rep by rep in one process (AMD EPYC Zen 5, load
 * 5-16 from other jobs, 15-21 reps, median of the per-rep ratios), against
 * 4 rows, AVX-512 gathers of w and scalar products: 8 rows with the vector
 * products 0.87x (4 rows 0.94x), and scalar loads of w instead of the
 * gathers 0.81x (value and gradient; value alone 0.88x and float32 0.86x of
 * the gathers' with the same scatter; ymm gathers 0.88x); prefetch distance
 * 384-768 values 0.81-0.87x, 256 and 1024 0.83-0.89x. Earlier: no prefetch
 * 53-58 ms against 48-55 ms a pass. A loop with one sum a row is bound by
 * the add's latency; two rows' sums interleaved measured 1.37x one row at a
 * time, and a group's logits interleaved with the previous group's scatter
 * 0.99x.
 * Returns 1 when it ran, 0 when the row loop level (logistic_rows_level,
 * _fused_rows.h) is not 2 (AVX-512): the caller then runs its scalar loop.
 * float64 sums either way; results differ from the scalar loop's by
 * rounding (another order of additions, eight-lane exp/log1p) and depend on
 * the block's rows alone, not on threads.
 */

#if LOGISTIC_ROWS_AVAILABLE

#define LG_CSR_PF 512
#define LG_CSR_ROWS 8

#define LOGISTIC_CSR_ROWS(NAME, T, I)                                                 \
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
                double a[8] = {0};                                                   \
                for (; k + 8 <= e; k += 8) {                                         \
                    const ptrdiff_t kp = k + LG_CSR_PF < kend ? k + LG_CSR_PF : k;   \
                    _mm_prefetch((const char *)(data + kp), _MM_HINT_T1);            \
                    _mm_prefetch((const char *)(indices + kp), _MM_HINT_T1);         \
                    for (int j = 0; j < 8; j++)                                      \
                        a[j] = __builtin_fma((double)data[k + j], w[indices[k + j]], a[j]); \
                }                                                                    \
                for (int j = 0; k < e; k++, j++)                                     \
                    a[j] = __builtin_fma((double)data[k], w[indices[k]], a[j]);      \
                const lg_v8d v = LG_LOAD_double(a);                                  \
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

LOGISTIC_CSR_ROWS(logistic_csr_rows_f64_i32, double, int)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f64_i64, double, long long)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f32_i32, float, int)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f32_i64, float, long long)

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
