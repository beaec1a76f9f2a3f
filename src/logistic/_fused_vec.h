/* exp and log1p over a block's rows, vectorized where the C library can.
 *
 * logistic_exp_log1p(n, t, l): t[i] = exp(t[i]), then l[i] = log1p(t[i]).
 * The kernel calls it with t[i] = -|z_i| (so t ends in (0, 1] and nothing
 * overflows). With LOGISTIC_MVEC (set by setup.py where it links glibc's
 * libmvec, glibc >= 2.35 on x86-64) and an AVX2 CPU (checked at run time),
 * four rows at a time go through libmvec's _ZGVdN4v_exp / _ZGVdN4v_log1p
 * (documented accuracy: 4 ulp; inf and nan handled like the scalar calls);
 * otherwise the scalar libm calls.
 */
#include <math.h>
#include <stddef.h>

#ifdef LOGISTIC_MVEC
#include <immintrin.h>
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_log1p(__m256d);

__attribute__((target("avx2"))) static void logistic_exp_log1p_avx2(ptrdiff_t n,
                                                                     double *t,
                                                                     double *l) {
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d e = _ZGVdN4v_exp(_mm256_loadu_pd(t + i));
        _mm256_storeu_pd(t + i, e);
        _mm256_storeu_pd(l + i, _ZGVdN4v_log1p(e));
    }
    for (; i < n; i++) {
        t[i] = exp(t[i]);
        l[i] = log1p(t[i]);
    }
}

static int logistic_avx2 = -1;
#endif

/* 1 when the vector path is used (for tests and benchmarks), else 0. */
static int logistic_vector_math(void) {
#ifdef LOGISTIC_MVEC
    if (logistic_avx2 < 0) {
        __builtin_cpu_init();
        logistic_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return logistic_avx2;
#else
    return 0;
#endif
}

static void logistic_exp_log1p(ptrdiff_t n, double *t, double *l) {
#ifdef LOGISTIC_MVEC
    if (logistic_avx2 == 1) {
        logistic_exp_log1p_avx2(n, t, l);
        return;
    }
#endif
    for (ptrdiff_t i = 0; i < n; i++) {
        t[i] = exp(t[i]);
        l[i] = log1p(t[i]);
    }
}

/* Column statistics of a C-ordered dense block (logistic._moments), one row
 * at a time: the inner loops run over a row's columns with no dependence
 * between columns, which the compiler vectorizes; on x86-64 Linux with GCC the
 * functions are cloned for AVX-512 and AVX2 (chosen at load time), since the
 * default x86-64 target has only 2-wide SSE2. No fused multiply-adds
 * (fp-contract=off), so every clone rounds like the others.
 *
 * sweep 0: lo/hi = min/max of x, s1 += s x, s2 += s x x (the raw second
 *          moment, used by logistic._moments when no column needs sweep 2)
 * sweep 1: s1 += s (x / div)
 * sweep 2: d = x (/ div) - mu, s1 += s d, s2 += s d d
 * (s = sw[i], or 1 when sw is NULL; div may be NULL in sweep 2.)
 */
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
                                     double *restrict lo, double *restrict hi,      \
                                     double *restrict s1, double *restrict s2,      \
                                     int sweep) {                                   \
        for (ptrdiff_t i = 0; i < n; i++) {                                         \
            const T *restrict row = X + i * ld;                                     \
            const double s = sw ? sw[i] : 1.0;                                      \
            if (sweep == 0) {                                                       \
                for (ptrdiff_t j = 0; j < p; j++) {                                 \
                    const double v = (double)row[j];                                \
                    lo[j] = v < lo[j] ? v : lo[j];                                  \
                    hi[j] = v > hi[j] ? v : hi[j];                                  \
                    s1[j] += s * v;                                                 \
                    s2[j] += s * v * v;                                             \
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
