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

/* Sweep 0 of float64 blocks with the residual, of at most
 * LOGISTIC_STATS_GROUP_MAX_NARROW or at least LOGISTIC_STATS_GROUP_MIN_P
 * columns, where the CPU has AVX2 but not AVX-512 (there the row loop's
 * AVX-512 clone runs: this grouping is not measured against it;
 * logistic_column_stats_f64 chooses): four rows a group, each column's five
 * sums held in registers across the group instead of loaded and stored once a
 * row (at p = 1000 the five accumulator rows, 40 KB, do not stay in a 32 KB
 * L1; at p <= 32 the loads and stores are most of the work). The same
 * operations in the same order as the loop below (min, max, s * v then the
 * add, no FMA), so the same bits. One thread, C harness, Zen 3: wide100k's 96
 * blocks (100 000 x 1 000) 67-80 ms against 101-126 ms; 7000 x 28 (higgs)
 * 0.06-0.08 against 0.14-0.16 ms, 7000 x 22 0.055-0.063 against 0.11-0.14 ms;
 * between, the row loop is faster (100 000 x 64: 13-14 against 9-10 ms;
 * x 100: 18-20 against 12-13 ms; x 200: 32-35 against 27-31 ms). */
#define LOGISTIC_STATS_GROUP_MIN_P 512
#define LOGISTIC_STATS_GROUP_MAX_NARROW 32
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define LOGISTIC_STATS_GROUPED 1
__attribute__((target("avx2"))) static void logistic_column_stats_f64_groups(
    ptrdiff_t n, ptrdiff_t p, const double *X, ptrdiff_t ld, const double *sw,
    const double *r0, double *restrict lo, double *restrict hi, double *restrict s1,
    double *restrict s2, double *restrict g) {
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const double *a = X + i * ld;
        __m256d r[4], s[4];
        for (int k = 0; k < 4; k++) {
            r[k] = _mm256_set1_pd(r0[i + k]);
            s[k] = _mm256_set1_pd(sw ? sw[i + k] : 1.0);
        }
        ptrdiff_t j = 0;
        for (; j + 4 <= p; j += 4) {
            __m256d l = _mm256_loadu_pd(lo + j), h = _mm256_loadu_pd(hi + j);
            __m256d t1 = _mm256_loadu_pd(s1 + j), t2 = _mm256_loadu_pd(s2 + j);
            __m256d tg = _mm256_loadu_pd(g + j);
            for (int k = 0; k < 4; k++) {
                const __m256d v = _mm256_loadu_pd(a + k * ld + j);
                l = _mm256_min_pd(v, l); /* v < l ? v : l */
                h = _mm256_max_pd(v, h); /* v > h ? v : h */
                const __m256d sv = _mm256_mul_pd(s[k], v);
                t1 = _mm256_add_pd(t1, sv);
                t2 = _mm256_add_pd(t2, _mm256_mul_pd(sv, v));
                tg = _mm256_add_pd(tg, _mm256_mul_pd(r[k], v));
            }
            _mm256_storeu_pd(lo + j, l);
            _mm256_storeu_pd(hi + j, h);
            _mm256_storeu_pd(s1 + j, t1);
            _mm256_storeu_pd(s2 + j, t2);
            _mm256_storeu_pd(g + j, tg);
        }
        for (; j < p; j++) {
            for (int k = 0; k < 4; k++) {
                const double v = a[k * ld + j], sk = sw ? sw[i + k] : 1.0;
                lo[j] = v < lo[j] ? v : lo[j];
                hi[j] = v > hi[j] ? v : hi[j];
                s1[j] += sk * v;
                s2[j] += sk * v * v;
                g[j] += r0[i + k] * v;
            }
        }
    }
    for (; i < n; i++) {
        const double *row = X + i * ld;
        const double sk = sw ? sw[i] : 1.0;
        for (ptrdiff_t j = 0; j < p; j++) {
            const double v = row[j];
            lo[j] = v < lo[j] ? v : lo[j];
            hi[j] = v > hi[j] ? v : hi[j];
            s1[j] += sk * v;
            s2[j] += sk * v * v;
            g[j] += r0[i] * v;
        }
    }
}
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

LOGISTIC_COLUMN_STATS(logistic_column_stats_f64_rows, double)
static void logistic_column_stats_f64(ptrdiff_t n, ptrdiff_t p, const double *X,
                                      ptrdiff_t ld, const double *div, const double *sw,
                                      const double *mu, const double *r0, double *lo,
                                      double *hi, double *s1, double *s2, double *g,
                                      int sweep) {
#ifdef LOGISTIC_STATS_GROUPED
    if (sweep == 0 && g &&
        (p >= LOGISTIC_STATS_GROUP_MIN_P || p <= LOGISTIC_STATS_GROUP_MAX_NARROW) &&
        __builtin_cpu_supports("avx2") &&
        !__builtin_cpu_supports("avx512f")) {
        logistic_column_stats_f64_groups(n, p, X, ld, sw, r0, lo, hi, s1, s2, g);
        return;
    }
#endif
    logistic_column_stats_f64_rows(n, p, X, ld, div, sw, mu, r0, lo, hi, s1, s2, g, sweep);
}
LOGISTIC_COLUMN_STATS(logistic_column_stats_f32, float)
