/* g = X^T r for a float32 block, every product and sum in float64
 * (logistic._fused.dense_pass, the BLAS path: sgemv would sum in float32).
 *
 * logistic_xt_r_f32(n, p, x, lda, c_like, r, g): X is n x p with unit stride
 * along one axis: rows lda floats apart (c_like) or columns lda floats apart.
 * C-like: four rows a sweep of g (one load and store of g[j] per four rows),
 * the rows' terms added to g[j] in row order; column-major: each column's
 * dot product summed in row order. Built for AVX-512, AVX2 and the x86-64
 * baseline (GCC's target_clones, chosen at load time) where the compiler
 * has them, so the widening and the products are vectorized; the builds may
 * differ by rounding (fused multiply-adds in the AVX builds).
 */
#include <stddef.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LG_XT_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define LG_XT_CLONES
#endif

LG_XT_CLONES static void logistic_xt_r_f32(ptrdiff_t n, ptrdiff_t p,
                                           const float *x, ptrdiff_t lda,
                                           int c_like, const double *r,
                                           double *restrict g) {
    if (c_like) {
        for (ptrdiff_t j = 0; j < p; j++)
            g[j] = 0.0;
        ptrdiff_t i = 0;
        for (; i + 4 <= n; i += 4) {
            const double r0 = r[i], r1 = r[i + 1], r2 = r[i + 2], r3 = r[i + 3];
            const float *restrict x0 = x + i * lda, *restrict x1 = x0 + lda;
            const float *restrict x2 = x1 + lda, *restrict x3 = x2 + lda;
            for (ptrdiff_t j = 0; j < p; j++) {
                double s = g[j] + r0 * (double)x0[j];
                s += r1 * (double)x1[j];
                s += r2 * (double)x2[j];
                g[j] = s + r3 * (double)x3[j];
            }
        }
        for (; i < n; i++) {
            const double ri = r[i];
            const float *restrict xi = x + i * lda;
            for (ptrdiff_t j = 0; j < p; j++)
                g[j] += ri * (double)xi[j];
        }
        return;
    }
    for (ptrdiff_t j = 0; j < p; j++) {
        const float *restrict xj = x + j * lda;
        double s = 0.0;
        for (ptrdiff_t i = 0; i < n; i++)
            s += r[i] * (double)xj[i];
        g[j] = s;
    }
}
