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
