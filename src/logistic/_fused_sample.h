/* Newton's zero-start sums over sampled rows (logistic._fused.sample_gram)
 * and the first sweep of the column statistics of narrow blocks
 * (logistic._fused.narrow_column_stats), included by _fused_rows.h after the
 * row loop's Hessian groups (LOGISTIC_HESS_GROUP), its AVX-512 loads and
 * logistic_rows_level, which they call. */
#if LOGISTIC_ROWS_AVAILABLE

/* The Gram sums of sampled rows at logit 0 (Newton's zero start,
 * logistic.solvers._zero_start): with x~ = (x, 1), H = sum_k d_k x~_k x~_k^T
 * over the rows idx[0..m) of X (row stride ld), d_k = s_k / 4 (s_k = sw[idx[k]],
 * 1 without weights): the curvature sigma(0) sigma(0) = t / (1 + t)^2 at
 * t = e^0 = 1, exactly. The rows are read in place (no copy) eight at a time
 * through the row loop's own Hessian group of the level in use
 * (LOGISTIC_HESS_GROUP, the same slots, flushes and padding of a partial
 * group, set up and mirrored by the same LG_HESS_SETUP and LG_HESS_MIRROR),
 * so H is bit for bit the Hessian sums that logistic_dense_rows_* forms from
 * a copy of those rows at w = 0, b = 0. counts[j] (p, overwritten)
 * receives the number of rows of positive weight (every row without weights)
 * with |x_kj - mean_j| > sd_j. Returns -1 (nothing written) where the row
 * loop is off. */
#define LOGISTIC_SAMPLE_GRAM(NAME, T, H512, H256, HBASE)                             \
    static int NAME(ptrdiff_t m, ptrdiff_t p, const T *X, ptrdiff_t ld,              \
                    const ptrdiff_t *idx, const double *sw, const double *mean,      \
                    const double *sd, double *H, ptrdiff_t q, double *counts) {      \
        const int level = logistic_rows_level();                                     \
        if (level < 0)                                                               \
            return -1;                                                               \
        LG_HESS_SETUP(H, p, q);                                                      \
        for (ptrdiff_t j = 0; j < p; j++)                                            \
            counts[j] = 0.0;                                                         \
        for (ptrdiff_t i0 = 0; i0 < m; i0 += LG_ROWS) {                              \
            const ptrdiff_t mk = m - i0 < LG_ROWS ? m - i0 : LG_ROWS;                \
            const T *x[LG_ROWS];                                                     \
            double dk[LG_ROWS];                                                      \
            for (int k = 0; k < LG_ROWS; k++) {                                      \
                const ptrdiff_t i = idx[i0 + (k < mk ? k : mk - 1)];                 \
                x[k] = X + i * ld;                                                   \
                dk[k] = k < mk ? (sw ? sw[i] : 1.0) * 0.25 : 0.0;                    \
            }                                                                        \
            const int flush = hslot == LG_HESS_SLOTS - 1 || i0 + LG_ROWS >= m;       \
            if (level == 2)                                                          \
                H512(p, q, x, dk, xg, ha, H, hslot, flush);                          \
            else if (level == 1)                                                     \
                H256(p, q, x, dk, xg, ha, H, hslot, flush);                          \
            else                                                                     \
                HBASE(p, q, x, dk, xg, ha, H, hslot, flush);                         \
            hslot = flush ? 0 : hslot + 1;                                           \
            for (int k = 0; k < mk; k++) {                                           \
                if (sw && !(sw[idx[i0 + k]] > 0))                                    \
                    continue;                                                        \
                const T *xs = x[k];                                                  \
                for (ptrdiff_t j = 0; j < p; j++)                                    \
                    counts[j] += fabs((double)xs[j] - mean[j]) > sd[j];              \
            }                                                                        \
        }                                                                            \
        LG_HESS_MIRROR(H, p, q);                                                     \
        return 0;                                                                    \
    }

LOGISTIC_SAMPLE_GRAM(logistic_sample_gram_f64, double, lg_hess_f64_512,
                     lg_hess_f64_256, lg_hess_f64_base)
LOGISTIC_SAMPLE_GRAM(logistic_sample_gram_f32, float, lg_hess_f32_512,
                     lg_hess_f32_256, lg_hess_f32_base)

/* Sweep 0 of the column statistics of a C-ordered block of at most 32
 * columns (that of _column_stats.h, logistic._column_stats.dense_column_stats)
 * at row loop level 2: lo = min x, hi = max x, s1 += s x, s2 += s x x and,
 * with g, g += r x (r = r0[i]), each column's five sums kept in AVX-512
 * registers (four column vectors, the tail masked) over the rows in order,
 * where _column_stats.h loads and stores them at every row (~100 against ~30
 * us on higgs's 7 000 x 28). The same operations per column, without
 * contraction, so the same bits: vminpd / vmaxpd return their second
 * operand (lo, hi) on a NaN or a tie, as "v < lo ? v : lo" does; s x is
 * formed once and s2 adds (s x) x; without weights s x is x. The sums start
 * from the caller's lo, hi, s1, s2, g. Returns -1 (nothing written) below
 * level 2 or for wider blocks. */
#ifndef LG_STATS_PF
#define LG_STATS_PF 16
#endif
#define LG_STATS_COLUMN(V, LOAD)                                                     \
    {                                                                                \
        const __m512d x = LOAD(m##V, row + 8 * V);                                   \
        const __m512d t = weighted ? _mm512_mul_pd(s, x) : x;                        \
        lo##V = _mm512_min_pd(x, lo##V);                                             \
        hi##V = _mm512_max_pd(x, hi##V);                                             \
        s1##V = _mm512_add_pd(s1##V, t);                                             \
        s2##V = _mm512_add_pd(s2##V, _mm512_mul_pd(t, x));                           \
        if (with_g)                                                                  \
            g##V = _mm512_add_pd(g##V, _mm512_mul_pd(r, x));                         \
    }
#define LG_STATS_ROWS(T, LOAD, WEIGHTED, WITH_G)                                        \
    for (ptrdiff_t i = 0; i < n; i++) {                                              \
        const int weighted = WEIGHTED, with_g = WITH_G;                              \
        const T *row = X + i * ld;                                                   \
        if (i + LG_STATS_PF < n) {                                                   \
            const char *ahead = (const char *)(row + LG_STATS_PF * ld);              \
            for (ptrdiff_t b = 0; b < (ptrdiff_t)(p * sizeof(T)); b += 64)           \
                _mm_prefetch(ahead + b, _MM_HINT_T0);                                \
        }                                                                            \
        const __m512d s = _mm512_set1_pd(weighted ? sw[i] : 1.0);                    \
        const __m512d r = _mm512_set1_pd(with_g ? r0[i] : 0.0);                      \
        (void)s; (void)r;                                                            \
        LG_STATS_COLUMN(0, LOAD) LG_STATS_COLUMN(1, LOAD)                            \
        LG_STATS_COLUMN(2, LOAD) LG_STATS_COLUMN(3, LOAD)                            \
    }
#define LG_STATS_IN(V)                                                               \
    __m512d lo##V = _mm512_maskz_loadu_pd(m##V, lo + 8 * V);                         \
    __m512d hi##V = _mm512_maskz_loadu_pd(m##V, hi + 8 * V);                         \
    __m512d s1##V = _mm512_maskz_loadu_pd(m##V, s1 + 8 * V);                         \
    __m512d s2##V = _mm512_maskz_loadu_pd(m##V, s2 + 8 * V);                         \
    __m512d g##V = g ? _mm512_maskz_loadu_pd(m##V, g + 8 * V) : _mm512_setzero_pd();
#define LG_STATS_OUT(V)                                                              \
    _mm512_mask_storeu_pd(lo + 8 * V, m##V, lo##V);                                  \
    _mm512_mask_storeu_pd(hi + 8 * V, m##V, hi##V);                                  \
    _mm512_mask_storeu_pd(s1 + 8 * V, m##V, s1##V);                                  \
    _mm512_mask_storeu_pd(s2 + 8 * V, m##V, s2##V);                                  \
    if (g)                                                                           \
        _mm512_mask_storeu_pd(g + 8 * V, m##V, g##V);
#define LG_STATS_MASK(V) (p - 8 * V >= 8 ? 0xFF : p - 8 * V <= 0 ? 0 : (1u << (p - 8 * V)) - 1)
#define LOGISTIC_NARROW_STATS(NAME, KERNEL, T, LOAD)                                 \
    LG_ATTR_512 static void KERNEL(ptrdiff_t n, ptrdiff_t p, const T *X,            \
                                   ptrdiff_t ld, const double *sw, const double *r0, \
                                   double *lo, double *hi, double *s1, double *s2,   \
                                   double *g) {                                      \
        const __mmask8 m0 = LG_STATS_MASK(0), m1 = LG_STATS_MASK(1);                 \
        const __mmask8 m2 = LG_STATS_MASK(2), m3 = LG_STATS_MASK(3);                 \
        LG_STATS_IN(0) LG_STATS_IN(1) LG_STATS_IN(2) LG_STATS_IN(3)                  \
        if (sw && g)                                                                 \
            LG_STATS_ROWS(T, LOAD, 1, 1)                                                \
        else if (sw)                                                                 \
            LG_STATS_ROWS(T, LOAD, 1, 0)                                                \
        else if (g)                                                                  \
            LG_STATS_ROWS(T, LOAD, 0, 1)                                                \
        else                                                                         \
            LG_STATS_ROWS(T, LOAD, 0, 0)                                                \
        LG_STATS_OUT(0) LG_STATS_OUT(1) LG_STATS_OUT(2) LG_STATS_OUT(3)              \
    }                                                                                \
    static int NAME(ptrdiff_t n, ptrdiff_t p, const T *X, ptrdiff_t ld,             \
                    const double *sw, const double *r0, double *lo, double *hi,      \
                    double *s1, double *s2, double *g) {                             \
        if (logistic_rows_level() != 2 || p > 32)                                    \
            return -1;                                                               \
        KERNEL(n, p, X, ld, sw, r0, lo, hi, s1, s2, g);                              \
        return 0;                                                                    \
    }

LOGISTIC_NARROW_STATS(logistic_narrow_stats_f64, lg_stats512_f64, double, lg512_ldm_double)
LOGISTIC_NARROW_STATS(logistic_narrow_stats_f32, lg_stats512_f32, float, lg512_ldm_float)

#else /* no vector extensions: no in-place sums (the caller copies the rows) */
static int logistic_sample_gram_f64(ptrdiff_t m, ptrdiff_t p, const double *X,
                                    ptrdiff_t ld, const ptrdiff_t *idx,
                                    const double *sw, const double *mean,
                                    const double *sd, double *H, ptrdiff_t q,
                                    double *counts) {
    (void)m; (void)p; (void)X; (void)ld; (void)idx; (void)sw; (void)mean; (void)sd;
    (void)H; (void)q; (void)counts;
    return -1;
}
static int logistic_sample_gram_f32(ptrdiff_t m, ptrdiff_t p, const float *X,
                                    ptrdiff_t ld, const ptrdiff_t *idx,
                                    const double *sw, const double *mean,
                                    const double *sd, double *H, ptrdiff_t q,
                                    double *counts) {
    (void)m; (void)p; (void)X; (void)ld; (void)idx; (void)sw; (void)mean; (void)sd;
    (void)H; (void)q; (void)counts;
    return -1;
}
static int logistic_narrow_stats_f64(ptrdiff_t n, ptrdiff_t p, const double *X,
                                     ptrdiff_t ld, const double *sw, const double *r0,
                                     double *lo, double *hi, double *s1, double *s2,
                                     double *g) {
    (void)n; (void)p; (void)X; (void)ld; (void)sw; (void)r0; (void)lo; (void)hi;
    (void)s1; (void)s2; (void)g;
    return -1;
}
static int logistic_narrow_stats_f32(ptrdiff_t n, ptrdiff_t p, const float *X,
                                     ptrdiff_t ld, const double *sw, const double *r0,
                                     double *lo, double *hi, double *s1, double *s2,
                                     double *g) {
    (void)n; (void)p; (void)X; (void)ld; (void)sw; (void)r0; (void)lo; (void)hi;
    (void)s1; (void)s2; (void)g;
    return -1;
}
#endif
