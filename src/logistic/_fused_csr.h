/* One pass over the rows of a CSR block (logistic._fused.csr_pass).
 *
 * logistic_csr_rows_<data>_<index>(n, data, indices, indptr, w, b, off, y,
 *                                  sw, g, d, with_grad, out, p)
 * runs the build of the row loop level (logistic_rows_level, _fused_rows.h):
 * level 2 the AVX-512 loop described here, levels 1 and 0 the loop over
 * (w_j, g_j) pairs further down (LOGISTIC_CSR_PAIRS; p: the length of w and
 * g). AVX-512: LG_CSR_ROWS (8) rows at a time: each row's logit z_i = b + sum_k data[k] w[indices[k]]
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
 * Returns 1 when it ran, 0 when the row loop is off (level -1), or at levels
 * 1 and 0 with fewer than LG_CSR_PAIRS_MIN_P columns or no memory for the
 * pairs array: the caller then runs its scalar loop.
 * float64 sums either way; results differ from the scalar loop's by
 * rounding (another order of additions in the logits, eight-lane exp/log1p;
 * the scatter's additions are the same at every level) and depend on the
 * block's rows alone, not on threads.
 */

#if LOGISTIC_ROWS_AVAILABLE

#define LG_CSR_PF 512
#define LG_CSR_ROWS 8

/* Levels 1 (AVX2) and 0 (baseline): logistic_csr_rows_<data>_<index>_pairs_256
 * / _pairs_base. The loop reads w and writes g through one array of pairs
 * (w_j, g_j), wg[2j] = w_j and wg[2j+1] = g_j, filled from w and g on entry
 * and copied back to g on exit: row i's scatter adds to the cache lines its
 * gather has just read, one line a stored value instead of one of w and one
 * of g. Where w and g are larger than L2 (sparse200k: 800 KB each) both
 * accesses miss, and the scatter's misses cost as much as the gather's; the
 * pairs make the scatter hit L1 or L2. The gather prefetches the pairs
 * LG_CSR_PAIRS_PF (64) values ahead (the indices are known), in four
 * partial sums a row (value k in lane k mod 4, then (a0 + a1) + (a2 + a3)),
 * LG_CSR_ROWS rows a group; then the group's exp/log1p (lg_explog_256:
 * libmvec, four rows at a time; lg_explog_base), the row terms in row order
 * (the formulas and Neumaier sums of _fused.pyx's _terms/_add), and the
 * scatter g_j += r_i x_ij row by row in index order, four products r_i x_ij
 * at a time in one vector multiply (each rounded, then added: no fused
 * multiply-add, the same bits as the scalar loop's scatter).
 * One core, 200k x 100k with 100 values a row, CPU time, variants in one
 * process alternated rep by rep (AMD EPYC Zen 3 without AVX-512, load 4-6
 * from other jobs, 15 reps, median of per-rep ratios) against the scalar
 * Cython loop (one sum a row, chunks of 2048 values, separate w and g):
 * pairs alone 0.98-1.05x, software prefetch of w and g alone 0.87-1.0x,
 * pairs with prefetch 0.78-0.85x, with four partial sums a row and four
 * products a vector multiply 0.68-0.73x (two products, SSE2: 0.78x);
 * gathers of four w (vgatherdpd, or four loads packed, fused multiply-add)
 * 0.72-0.75x; prefetch distance 32 0.87x, 96-128 0.79-0.87x; groups of 4
 * or 16 rows as fast as 8; prefetching the next group's pairs during the
 * scatter 0.89-0.94x; a 2 MiB-aligned pairs array with MADV_HUGEPAGE no
 * faster. In the module (csr_pass over 7 row blocks, the same set and
 * host, load 7-11): level 1 0.76x and level 0 0.83x the Cython loop's CPU
 * time (level -1). The gain shrinks with the load, since other jobs'
 * traffic in the shared L3 is what makes the misses long: at load 2.5-3.5
 * the same harness gave 0.85-0.88x (groups of 4 rows 0.835x, within the
 * noise), and the loop with every index masked to 4096 columns (no misses)
 * ran at 1.1-1.2x X @ w: what is left is the gather's misses. Where w and g stay in cache the pairs and the prefetch
 * only add work: one value+gradient pass (one core, CPU time, level 1 over
 * the Cython loop) on w8a (p = 300, 12 values a row) 1.24x, reuters (p =
 * 8315, 44 values a row) 1.03-1.18x, a9a (p = 123) 0.94-1.0x, against 0.91x
 * on 50k x 8192 and 0.82x on 50k x 32768 with 100 values a row. So the loop
 * runs from LG_CSR_PAIRS_MIN_P columns on (pairs array 256 KiB: half of Zen
 * 3's L2); below it, and when the pairs array cannot be allocated, it
 * returns 0 (the caller's loop runs). */
#define LG_CSR_PAIRS_PF 64
#define LG_CSR_PAIRS_MIN_P 16384

typedef double lg_v4d __attribute__((vector_size(32)));
typedef double lg_v4d_u __attribute__((vector_size(32), aligned(8), may_alias));
typedef float lg_v4f_u __attribute__((vector_size(16), aligned(4), may_alias));
/* Four values of a row as float64. */
#define LG_LOAD4_double(p) (*(const lg_v4d_u *)(p))
#define LG_LOAD4_float(p) __builtin_convertvector(*(const lg_v4f_u *)(p), lg_v4d)

#define LOGISTIC_CSR_PAIRS(NAME, T, I, ATTR, EXPLOG)                                    \
    ATTR static int NAME(ptrdiff_t n, const T *data, const I *indices,               \
                         const I *indptr, const double *restrict w, double b,        \
                         const double *restrict off, const T *restrict y,            \
                         const double *restrict sw, double *restrict g,              \
                         double *restrict d, int with_grad, double *out,             \
                         ptrdiff_t p) {                                              \
        double *restrict wg = (double *)malloc(sizeof(double) * 2 * (size_t)(p > 0 ? p : 1)); \
        if (!wg)                                                                     \
            return 0;                                                                \
        for (ptrdiff_t j = 0; j < p; j++) {                                          \
            wg[2 * j] = w[j];                                                        \
            wg[2 * j + 1] = with_grad ? g[j] : 0.0;                                  \
        }                                                                            \
        double loss = 0.0, c_loss = 0.0, rsum = 0.0, c_rsum = 0.0;                   \
        const ptrdiff_t kend = (ptrdiff_t)indptr[n];                                 \
        for (ptrdiff_t i0 = 0; i0 < n; i0 += LG_CSR_ROWS) {                          \
            const ptrdiff_t m = n - i0 < LG_CSR_ROWS ? n - i0 : LG_CSR_ROWS;         \
            double zk[LG_ROWS], tk[LG_ROWS] = {0}, lk[LG_ROWS];                      \
            for (ptrdiff_t i = i0; i < i0 + m; i++) {                                \
                ptrdiff_t k = (ptrdiff_t)indptr[i];                                  \
                const ptrdiff_t e = (ptrdiff_t)indptr[i + 1];                        \
                double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;                       \
                for (; k + 4 <= e; k += 4) {                                         \
                    const ptrdiff_t kp =                                             \
                        k + LG_CSR_PAIRS_PF + 4 <= kend ? k + LG_CSR_PAIRS_PF : k;   \
                    __builtin_prefetch(wg + 2 * (ptrdiff_t)indices[kp], 0, 3);       \
                    __builtin_prefetch(wg + 2 * (ptrdiff_t)indices[kp + 1], 0, 3);   \
                    __builtin_prefetch(wg + 2 * (ptrdiff_t)indices[kp + 2], 0, 3);   \
                    __builtin_prefetch(wg + 2 * (ptrdiff_t)indices[kp + 3], 0, 3);   \
                    a0 += (double)data[k] * wg[2 * (ptrdiff_t)indices[k]];           \
                    a1 += (double)data[k + 1] * wg[2 * (ptrdiff_t)indices[k + 1]];   \
                    a2 += (double)data[k + 2] * wg[2 * (ptrdiff_t)indices[k + 2]];   \
                    a3 += (double)data[k + 3] * wg[2 * (ptrdiff_t)indices[k + 3]];   \
                }                                                                    \
                for (; k < e; k++)                                                   \
                    a0 += (double)data[k] * wg[2 * (ptrdiff_t)indices[k]];           \
                double z = b + ((a0 + a1) + (a2 + a3));                              \
                if (off)                                                             \
                    z += off[i];                                                     \
                zk[i - i0] = z;                                                      \
                tk[i - i0] = -fabs(z);                                               \
            }                                                                        \
            EXPLOG(tk, lk);                                                          \
            for (ptrdiff_t i = i0; i < i0 + m; i++) {                                \
                const double z = zk[i - i0], t = tk[i - i0];                         \
                const double yi = (double)y[i], s = sw ? sw[i] : 1.0;                \
                const double u = 1.0 + t, inv = 1.0 / u;                             \
                double lo, r;                                                        \
                if (z >= 0) {                                                        \
                    lo = lk[i - i0] + (1.0 - yi) * z;                                \
                    r = s * (inv - yi);                                              \
                } else {                                                             \
                    lo = lk[i - i0] - yi * z;                                        \
                    r = s * (t * inv - yi);                                          \
                }                                                                    \
                if (d)                                                               \
                    d[i] = s * (t / (u * u));                                        \
                LG_NEUMAIER1(loss, c_loss, s * lo);                                  \
                LG_NEUMAIER1(rsum, c_rsum, r);                                       \
                if (!with_grad)                                                      \
                    continue;                                                        \
                ptrdiff_t k = (ptrdiff_t)indptr[i];                                  \
                const ptrdiff_t e = (ptrdiff_t)indptr[i + 1];                        \
                for (; k + 4 <= e; k += 4) {                                         \
                    const lg_v4d t4 = r * LG_LOAD4_##T(data + k);                    \
                    wg[2 * (ptrdiff_t)indices[k] + 1] += t4[0];                      \
                    wg[2 * (ptrdiff_t)indices[k + 1] + 1] += t4[1];                  \
                    wg[2 * (ptrdiff_t)indices[k + 2] + 1] += t4[2];                  \
                    wg[2 * (ptrdiff_t)indices[k + 3] + 1] += t4[3];                  \
                }                                                                    \
                for (; k < e; k++)                                                   \
                    wg[2 * (ptrdiff_t)indices[k] + 1] += r * (double)data[k];        \
            }                                                                        \
        }                                                                            \
        if (with_grad)                                                               \
            for (ptrdiff_t j = 0; j < p; j++)                                        \
                g[j] = wg[2 * j + 1];                                                \
        free(wg);                                                                    \
        out[0] = LG_TOTAL(loss, c_loss);                                             \
        out[1] = LG_TOTAL(rsum, c_rsum);                                             \
        return 1;                                                                    \
    }

#define LOGISTIC_CSR_ROWS(NAME, T, I)                                                 \
    LOGISTIC_CSR_PAIRS(NAME##_pairs_256, T, I, LG_ATTR_256, lg_explog_256)           \
    LOGISTIC_CSR_PAIRS(NAME##_pairs_base, T, I, LG_ATTR_BASE, lg_explog_base)        \
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
                    double *out, ptrdiff_t p) {                                      \
        switch (logistic_rows_level()) {                                             \
        case 2:                                                                      \
            NAME##_512(n, data, indices, indptr, w, b, off, y, sw, g, d, with_grad, out); \
            return 1;                                                                \
        case 1:                                                                      \
            if (p < LG_CSR_PAIRS_MIN_P)                                              \
                return 0;                                                            \
            return NAME##_pairs_256(n, data, indices, indptr, w, b, off, y, sw, g, d, \
                                    with_grad, out, p);                              \
        case 0:                                                                      \
            if (p < LG_CSR_PAIRS_MIN_P)                                              \
                return 0;                                                            \
            return NAME##_pairs_base(n, data, indices, indptr, w, b, off, y, sw, g, d, \
                                     with_grad, out, p);                             \
        default:                                                                     \
            return 0;                                                                \
        }                                                                            \
    }

LOGISTIC_CSR_ROWS(logistic_csr_rows_f64_i32, double, int)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f64_i64, double, long long)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f32_i32, float, int)
LOGISTIC_CSR_ROWS(logistic_csr_rows_f32_i64, float, long long)

#else /* no vector-extension build: the caller's scalar loop */
#define LOGISTIC_CSR_ROWS_NONE(NAME, T, I)                                           \
    static int NAME(ptrdiff_t n, const T *data, const I *indices, const I *indptr,   \
                    const double *w, double b, const double *off, const T *y,        \
                    const double *sw, double *g, double *d, int with_grad,           \
                    double *out, ptrdiff_t p) {                                      \
        (void)p; (void)n; (void)data; (void)indices; (void)indptr; (void)w; (void)b;          \
        (void)off; (void)y; (void)sw; (void)g; (void)d; (void)with_grad; (void)out;  \
        return 0;                                                                    \
    }
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f64_i32, double, int)
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f64_i64, double, long long)
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f32_i32, float, int)
LOGISTIC_CSR_ROWS_NONE(logistic_csr_rows_f32_i64, float, long long)
#endif
