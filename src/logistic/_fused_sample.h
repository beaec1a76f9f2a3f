/* Newton's zero-start sums over sampled rows (logistic._fused.sample_gram),
 * included by _fused_rows.h after the row loop's Hessian groups
 * (LOGISTIC_HESS_GROUP) and logistic_rows_level, which it calls. */
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
#endif
