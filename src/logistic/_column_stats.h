/* Column statistics of a C-ordered dense block (logistic._column_stats, for
 * logistic._moments), one row at a time: the inner loops run over a row's
 * columns with no dependence between columns, which the compiler vectorizes;
 * on x86-64 Linux with GCC the functions are cloned for AVX-512 and AVX2
 * (chosen at load time), since the default x86-64 target has only 2-wide
 * SSE2. No fused multiply-adds (fp-contract=off), so every clone rounds like
 * the others.
 *
 * sweep 0: lo/hi = min/max of x, s1 += s x, s2 += s x x (the raw second
 *          moment, used by logistic._moments when no column needs sweep 2);
 *          with g (not NULL) also g += r x, r = r0[i]: the residual of row i
 *          at logit 0 times its weight, s (1/2 - y), computed by the caller,
 *          so g is the value+gradient pass's sum of r_i x_i at w = 0, b = 0
 *          without a pass of its own. lo, hi, s1 and s2 are made by the same
 *          operations in the same order with or without g: the same bits.
 * sweep 1: s1 += s (x / div)
 * sweep 2: d = x (/ div) - mu, s1 += s d, s2 += s d d
 * (s = sw[i], or 1 when sw is NULL; div may be NULL in sweep 2; r0 and g are
 * read in sweep 0 only, and r0 only when g is not NULL.)
 * Sweep 0 of blocks of at most 32 columns at row-loop level 2 runs instead in
 * LOGISTIC_NARROW_STATS (_fused_sample.h, logistic._fused.narrow_column_stats),
 * its sums in AVX-512 registers: the two must keep the same operations in the
 * same order to give the same bits.
 */
#include <stddef.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LOGISTIC_CLONES                                                              \
    __attribute__((target_clones("avx512f", "avx2", "default"), optimize("fp-contract=off")))
#else
#define LOGISTIC_CLONES
#endif

#define LOGISTIC_COLUMN_STATS(NAME, T)                                              \
    LOGISTIC_CLONES static void NAME(ptrdiff_t n, ptrdiff_t p, const T *X,          \
                                     ptrdiff_t ld, const double *div,               \
                                     const double *sw, const double *mu,            \
                                     const double *r0, double *restrict lo,         \
                                     double *restrict hi, double *restrict s1,      \
                                     double *restrict s2, double *restrict g,       \
                                     int sweep) {                                   \
        for (ptrdiff_t i = 0; i < n; i++) {                                         \
            const T *restrict row = X + i * ld;                                     \
            const double s = sw ? sw[i] : 1.0;                                      \
            if (sweep == 0) {                                                       \
                const double r = g ? r0[i] : 0.0;                                   \
                for (ptrdiff_t j = 0; j < p; j++) {                                 \
                    const double v = (double)row[j];                                \
                    lo[j] = v < lo[j] ? v : lo[j];                                  \
                    hi[j] = v > hi[j] ? v : hi[j];                                  \
                    s1[j] += s * v;                                                 \
                    s2[j] += s * v * v;                                             \
                    if (g) g[j] += r * v; /* loop-invariant: unswitched at -O3 */   \
                }                                                                   \
            } else if (sweep == 1) {                                                \
                for (ptrdiff_t j = 0; j < p; j++) s1[j] += s * ((double)row[j] / div[j]); \
            } else if (div) {                                                       \
                for (ptrdiff_t j = 0; j < p; j++) {                                 \
                    const double v = (double)row[j] / div[j] - mu[j];               \
                    s1[j] += s * v;                                                 \
                    s2[j] += s * v * v;                                             \
                }                                                                   \
            } else {                                                                \
                for (ptrdiff_t j = 0; j < p; j++) {                                 \
                    const double v = (double)row[j] - mu[j];                        \
                    s1[j] += s * v;                                                 \
                    s2[j] += s * v * v;                                             \
                }                                                                   \
            }                                                                       \
        }                                                                           \
    }

LOGISTIC_COLUMN_STATS(logistic_column_stats_f64, double)
LOGISTIC_COLUMN_STATS(logistic_column_stats_f32, float)
