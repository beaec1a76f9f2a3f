/* The fused row loop's AVX2 + FMA build (level 1), included by _fused_rows.h.
 *
 * The same pass as LOGISTIC_DENSE_ROWS (z, loss, residual, curvature,
 * g += r x, optionally the Hessian sums, eight rows at a time), written for
 * the sixteen 4-double registers of AVX2, after the AVX-512 build
 * (_fused_rows512.h):
 *
 * - the eight rows' dot products run side by side, one register of four
 *   partial sums a row (eight accumulators, one load of w for eight rows),
 *   with fused multiply-adds; the columns past the last multiple of 4 are
 *   read with masked loads (no copy of the row's tail);
 * - the rows LG_PF_ROWS ahead are prefetched line by line as the group is
 *   read: the first four rows' lines in the dot product loop, the last four's
 *   in the gradient loop (without a gradient, all in the dot loop);
 * - whole groups read y, weights and offsets with vector loads;
 * - the loop is skewed by one group, as in the AVX-512 build: group k - 1's
 *   row terms (exp, log1p, divisions) are formed before group k's rows are
 *   read, and its gradient terms after, while its rows are still in L1;
 * - float32 rows are converted to float64 in registers where they are read,
 *   in the dot products and again in the gradient terms: at 200 000 x 100
 *   (one thread, Zen 3) 13-19 % faster than widening each row once into an
 *   L1 buffer, 8-12 % at 7 000 x 28;
 * - e^{-|z|} and log1p(e^{-|z|}) are inline vector code (lg256_exp_nonpos,
 *   lg256_log1p_unit), not libmvec calls: no call spills the sixteen
 *   registers, and the two halves of a group overlap.

 * Numerics: every product and sum in float64; each dot product keeps four
 * partial sums (column j in lane j mod 4, the masked tail added last)
 * reduced as (a0 + a1) + (a2 + a3); g[j] adds the eight rows' terms in row
 * order. Dot products and gradient terms use fused multiply-adds, so this
 * build's sums differ from the baseline and AVX-512 builds' by rounding; the
 * row terms (loss, residual, curvature) are the same formulas without
 * contraction. Rows are added in order, so results do not depend on threads.
 */

/* Loads of four columns as float64; masked: the lanes of m64 (double) or
 * m32 (float) whose sign bit is set, zeros elsewhere. */
LG_ATTR_256 static inline __m256d lg256_ld_double(const double *p) {
    return _mm256_loadu_pd(p);
}
LG_ATTR_256 static inline __m256d lg256_ld_float(const float *p) {
    return _mm256_cvtps_pd(_mm_loadu_ps(p));
}
LG_ATTR_256 static inline __m256d lg256_ldm_double(__m256i m64, __m128i m32,
                                                   const double *p) {
    (void)m32;
    return _mm256_maskload_pd(p, m64);
}
LG_ATTR_256 static inline __m256d lg256_ldm_float(__m256i m64, __m128i m32,
                                                  const float *p) {
    (void)m64;
    return _mm256_cvtps_pd(_mm_maskload_ps(p, m32));
}

/* Lane k: the sum of ak's four lanes, as (ak0 + ak1) + (ak2 + ak3). */
LG_ATTR_256 static inline __m256d lg256_sum4(__m256d a0, __m256d a1, __m256d a2,
                                             __m256d a3) {
    const __m256d h01 = _mm256_hadd_pd(a0, a1), h23 = _mm256_hadd_pd(a2, a3);
    return _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20),
                         _mm256_permute2f128_pd(h01, h23, 0x31));
}

/* The four columns j.. of the eight rows: multiply-add into a0..a7. LX(k, j)
 * reads row k, LW(j) reads w. */
#define LG256_DOT4(LX, LW, j)                                                        \
    do {                                                                             \
        const __m256d wv_ = LW(j);                                                   \
        a0 = _mm256_fmadd_pd(LX(0, j), wv_, a0);                                     \
        a1 = _mm256_fmadd_pd(LX(1, j), wv_, a1);                                     \
        a2 = _mm256_fmadd_pd(LX(2, j), wv_, a2);                                     \
        a3 = _mm256_fmadd_pd(LX(3, j), wv_, a3);                                     \
        a4 = _mm256_fmadd_pd(LX(4, j), wv_, a4);                                     \
        a5 = _mm256_fmadd_pd(LX(5, j), wv_, a5);                                     \
        a6 = _mm256_fmadd_pd(LX(6, j), wv_, a6);                                     \
        a7 = _mm256_fmadd_pd(LX(7, j), wv_, a7);                                     \
    } while (0)

#define LG256_PF_A(j)                                                                \
    do {                                                                             \
        _mm_prefetch((const char *)(x0 + (j)) + pfb, _MM_HINT_T0);                   \
        _mm_prefetch((const char *)(x1 + (j)) + pfb, _MM_HINT_T0);                   \
        _mm_prefetch((const char *)(x2 + (j)) + pfb, _MM_HINT_T0);                   \
        _mm_prefetch((const char *)(x3 + (j)) + pfb, _MM_HINT_T0);                   \
    } while (0)
#define LG256_PF_B(j)                                                                \
    do {                                                                             \
        _mm_prefetch((const char *)(x4 + (j)) + pfb, _MM_HINT_T0);                   \
        _mm_prefetch((const char *)(x5 + (j)) + pfb, _MM_HINT_T0);                   \
        _mm_prefetch((const char *)(x6 + (j)) + pfb, _MM_HINT_T0);                   \
        _mm_prefetch((const char *)(x7 + (j)) + pfb, _MM_HINT_T0);                   \
    } while (0)

#define LG256_X(T) LG256_X_##T
#define LG256_X_double(k, j) lg256_ld_double(x##k + (j))
#define LG256_X_float(k, j) lg256_ld_float(x##k + (j))
#define LG256_XM_double(k, j) lg256_ldm_double(tm64, tm32, x##k + (j))
#define LG256_XM_float(k, j) lg256_ldm_float(tm64, tm32, x##k + (j))
#define LG256_W(j) _mm256_loadu_pd(w + (j))
#define LG256_WM(j) _mm256_maskload_pd(w + (j), tm64)
#define LG256_LG(j) _mm256_loadu_pd(g + (j))
#define LG256_SG(j, v) _mm256_storeu_pd(g + (j), v)
#define LG256_LGM(j) _mm256_maskload_pd(g + (j), tm64)
#define LG256_SGM(j, v) _mm256_maskstore_pd(g + (j), tm64, v)

/* The dot products of the eight rows x0..x7 into a0..a7 (prefetching with
 * pf_all: all eight rows' lines, else the first four's). */
#define LG256_DOTS(T, LX, LXM)                                                       \
    do {                                                                             \
        for (ptrdiff_t j = 0; j < pm; j += 8) {                                      \
            LG256_PF_A(j);                                                           \
            if (pf_all)                                                              \
                LG256_PF_B(j);                                                       \
            LG256_DOT4(LX, LG256_W, j);                                              \
            LG256_DOT4(LX, LG256_W, j + 4);                                          \
        }                                                                            \
        if (p4 > pm)                                                                 \
            LG256_DOT4(LX, LG256_W, pm);                                             \
        if (p4 < p)                                                                  \
            LG256_DOT4(LXM, LG256_WM, p4);                                           \
    } while (0)

/* g[j..j+3] += sum_k r_k x_k[j..j+3], k in row order; R(k, j) reads row k. */
#define LG256_GRAD4(R, j, LOADG, STOREG)                                             \
    do {                                                                             \
        __m256d g_ = LOADG(j);                                                       \
        g_ = _mm256_fmadd_pd(R(0, j), r0, g_);                                       \
        g_ = _mm256_fmadd_pd(R(1, j), r1, g_);                                       \
        g_ = _mm256_fmadd_pd(R(2, j), r2, g_);                                       \
        g_ = _mm256_fmadd_pd(R(3, j), r3, g_);                                       \
        g_ = _mm256_fmadd_pd(R(4, j), r4, g_);                                       \
        g_ = _mm256_fmadd_pd(R(5, j), r5, g_);                                       \
        g_ = _mm256_fmadd_pd(R(6, j), r6, g_);                                       \
        g_ = _mm256_fmadd_pd(R(7, j), r7, g_);                                       \
        STOREG(j, g_);                                                               \
    } while (0)

/* The gradient terms of a group of m rows (x: the rows, r: their residuals,
 * R/RM: how a row's columns are read) added to g in row order, prefetching
 * the last four rows' lines pfb bytes ahead. */
#define LG256_GROUP_GRAD(T, R, RM, x, r, m)                                          \
    do {                                                                             \
        if ((m) < LG_ROWS) { /* the block's last, partial group */                   \
            for (int k = 0; k < (m); k++) {                                          \
                const __m256d rk = _mm256_set1_pd((r)[k]);                           \
                const T *restrict xk = (x)[k];                                       \
                for (ptrdiff_t j = 0; j < p4; j += 4)                                \
                    _mm256_storeu_pd(g + j, _mm256_fmadd_pd(lg256_ld_##T(xk + j),    \
                                                            rk, LG256_LG(j)));       \
                if (p4 < p)                                                          \
                    LG256_SGM(p4, _mm256_fmadd_pd(lg256_ldm_##T(tm64, tm32, xk + p4),\
                                                  rk, LG256_LGM(p4)));               \
            }                                                                        \
            break;                                                                   \
        }                                                                            \
        const T *restrict x0 = (x)[0], *restrict x1 = (x)[1], *restrict x2 = (x)[2]; \
        const T *restrict x3 = (x)[3], *restrict x4 = (x)[4], *restrict x5 = (x)[5]; \
        const T *restrict x6 = (x)[6], *restrict x7 = (x)[7];                        \
        const __m256d r0 = _mm256_set1_pd((r)[0]), r1 = _mm256_set1_pd((r)[1]);     \
        const __m256d r2 = _mm256_set1_pd((r)[2]), r3 = _mm256_set1_pd((r)[3]);     \
        const __m256d r4 = _mm256_set1_pd((r)[4]), r5 = _mm256_set1_pd((r)[5]);     \
        const __m256d r6 = _mm256_set1_pd((r)[6]), r7 = _mm256_set1_pd((r)[7]);     \
        for (ptrdiff_t j = 0; j < pm; j += 8) {                                      \
            LG256_PF_B(j);                                                           \
            LG256_GRAD4(R, j, LG256_LG, LG256_SG);                                   \
            LG256_GRAD4(R, j + 4, LG256_LG, LG256_SG);                               \
        }                                                                            \
        if (p4 > pm)                                                                 \
            LG256_GRAD4(R, pm, LG256_LG, LG256_SG);                                  \
        if (p4 < p)                                                                  \
            LG256_GRAD4(RM, p4, LG256_LGM, LG256_SGM);                               \
    } while (0)

/* The logits of group i0 (m rows, x0..x7 after LG256_DOTS): a0..a7 reduced,
 * plus b and the offsets, to z_lo (rows 0-3) and z_hi (rows 4-7). */
#define LG256_LOGITS(i0, m, z_lo, z_hi)                                              \
    do {                                                                             \
        __m256d o_lo_ = _mm256_set1_pd(b), o_hi_ = o_lo_;                            \
        if (off) {                                                                   \
            if ((m) == LG_ROWS) {                                                    \
                o_lo_ = _mm256_add_pd(o_lo_, _mm256_loadu_pd(off + (i0)));           \
                o_hi_ = _mm256_add_pd(o_hi_, _mm256_loadu_pd(off + (i0) + 4));       \
            } else {                                                                 \
                const lg256_rowmask mk_ = lg256_rows_mask(m);                        \
                o_lo_ = _mm256_add_pd(o_lo_, _mm256_maskload_pd(off + (i0), mk_.lo)); \
                o_hi_ = _mm256_add_pd(o_hi_,                                         \
                                      _mm256_maskload_pd(off + (i0) + 4, mk_.hi));   \
            }                                                                        \
        }                                                                            \
        z_lo = _mm256_add_pd(lg256_sum4(a0, a1, a2, a3), o_lo_);                     \
        z_hi = _mm256_add_pd(lg256_sum4(a4, a5, a6, a7), o_hi_);                     \
    } while (0)

/* The row terms: row masks, e^{-|z|}, log1p, loss, residual, curvature. */
#include "_fused_terms256.h"

/* Groups of eight rows whose Hessian terms the AVX2 build adds to H together:
 * LG256_HESS_SLOTS while q <= LG256_HESS_SLOTS_Q (the slots' rows, 2 x 32
 * rows x q doubles, then fit in L1), else 2. */
#ifndef LG256_HESS_SLOTS
#define LG256_HESS_SLOTS 4
#endif
#define LG256_HESS_SLOTS_Q 64

/* Tiles of H, four rows by W = 12, 8 or 4 columns (h: the tile's first
 * entry), in registers: row r of the tile adds a_k[r] x~_k[0..W - 1] (aj, xc:
 * the tile's first row and column in a and xg) for the nr rows k in order. */
LG_ATTR_256 __attribute__((noinline)) static void lg256_hess_tile12(
    double *restrict h, ptrdiff_t q, const double *restrict xc,
    const double *restrict aj, int nr) {
    __m256d h00 = _mm256_loadu_pd(h + 0 * q + 0), h01 = _mm256_loadu_pd(h + 0 * q + 4), h02 = _mm256_loadu_pd(h + 0 * q + 8);
    __m256d h10 = _mm256_loadu_pd(h + 1 * q + 0), h11 = _mm256_loadu_pd(h + 1 * q + 4), h12 = _mm256_loadu_pd(h + 1 * q + 8);
    __m256d h20 = _mm256_loadu_pd(h + 2 * q + 0), h21 = _mm256_loadu_pd(h + 2 * q + 4), h22 = _mm256_loadu_pd(h + 2 * q + 8);
    __m256d h30 = _mm256_loadu_pd(h + 3 * q + 0), h31 = _mm256_loadu_pd(h + 3 * q + 4), h32 = _mm256_loadu_pd(h + 3 * q + 8);
    for (int k = 0; k < nr; k++) {
        const double *restrict xk = xc + k * q, *restrict ak = aj + k * q;
        const __m256d x0 = _mm256_load_pd(xk + 0);
        const __m256d x1 = _mm256_load_pd(xk + 4);
        const __m256d x2 = _mm256_load_pd(xk + 8);
        const __m256d s0 = _mm256_broadcast_sd(ak + 0);
        h00 = _mm256_fmadd_pd(x0, s0, h00);
        h01 = _mm256_fmadd_pd(x1, s0, h01);
        h02 = _mm256_fmadd_pd(x2, s0, h02);
        const __m256d s1 = _mm256_broadcast_sd(ak + 1);
        h10 = _mm256_fmadd_pd(x0, s1, h10);
        h11 = _mm256_fmadd_pd(x1, s1, h11);
        h12 = _mm256_fmadd_pd(x2, s1, h12);
        const __m256d s2 = _mm256_broadcast_sd(ak + 2);
        h20 = _mm256_fmadd_pd(x0, s2, h20);
        h21 = _mm256_fmadd_pd(x1, s2, h21);
        h22 = _mm256_fmadd_pd(x2, s2, h22);
        const __m256d s3 = _mm256_broadcast_sd(ak + 3);
        h30 = _mm256_fmadd_pd(x0, s3, h30);
        h31 = _mm256_fmadd_pd(x1, s3, h31);
        h32 = _mm256_fmadd_pd(x2, s3, h32);
    }
    _mm256_storeu_pd(h + 0 * q + 0, h00);
    _mm256_storeu_pd(h + 0 * q + 4, h01);
    _mm256_storeu_pd(h + 0 * q + 8, h02);
    _mm256_storeu_pd(h + 1 * q + 0, h10);
    _mm256_storeu_pd(h + 1 * q + 4, h11);
    _mm256_storeu_pd(h + 1 * q + 8, h12);
    _mm256_storeu_pd(h + 2 * q + 0, h20);
    _mm256_storeu_pd(h + 2 * q + 4, h21);
    _mm256_storeu_pd(h + 2 * q + 8, h22);
    _mm256_storeu_pd(h + 3 * q + 0, h30);
    _mm256_storeu_pd(h + 3 * q + 4, h31);
    _mm256_storeu_pd(h + 3 * q + 8, h32);
}
LG_ATTR_256 __attribute__((noinline)) static void lg256_hess_tile8(
    double *restrict h, ptrdiff_t q, const double *restrict xc,
    const double *restrict aj, int nr) {
    __m256d h00 = _mm256_loadu_pd(h + 0 * q + 0), h01 = _mm256_loadu_pd(h + 0 * q + 4);
    __m256d h10 = _mm256_loadu_pd(h + 1 * q + 0), h11 = _mm256_loadu_pd(h + 1 * q + 4);
    __m256d h20 = _mm256_loadu_pd(h + 2 * q + 0), h21 = _mm256_loadu_pd(h + 2 * q + 4);
    __m256d h30 = _mm256_loadu_pd(h + 3 * q + 0), h31 = _mm256_loadu_pd(h + 3 * q + 4);
    for (int k = 0; k < nr; k++) {
        const double *restrict xk = xc + k * q, *restrict ak = aj + k * q;
        const __m256d x0 = _mm256_load_pd(xk + 0);
        const __m256d x1 = _mm256_load_pd(xk + 4);
        const __m256d s0 = _mm256_broadcast_sd(ak + 0);
        h00 = _mm256_fmadd_pd(x0, s0, h00);
        h01 = _mm256_fmadd_pd(x1, s0, h01);
        const __m256d s1 = _mm256_broadcast_sd(ak + 1);
        h10 = _mm256_fmadd_pd(x0, s1, h10);
        h11 = _mm256_fmadd_pd(x1, s1, h11);
        const __m256d s2 = _mm256_broadcast_sd(ak + 2);
        h20 = _mm256_fmadd_pd(x0, s2, h20);
        h21 = _mm256_fmadd_pd(x1, s2, h21);
        const __m256d s3 = _mm256_broadcast_sd(ak + 3);
        h30 = _mm256_fmadd_pd(x0, s3, h30);
        h31 = _mm256_fmadd_pd(x1, s3, h31);
    }
    _mm256_storeu_pd(h + 0 * q + 0, h00);
    _mm256_storeu_pd(h + 0 * q + 4, h01);
    _mm256_storeu_pd(h + 1 * q + 0, h10);
    _mm256_storeu_pd(h + 1 * q + 4, h11);
    _mm256_storeu_pd(h + 2 * q + 0, h20);
    _mm256_storeu_pd(h + 2 * q + 4, h21);
    _mm256_storeu_pd(h + 3 * q + 0, h30);
    _mm256_storeu_pd(h + 3 * q + 4, h31);
}
LG_ATTR_256 __attribute__((noinline)) static void lg256_hess_tile4(
    double *restrict h, ptrdiff_t q, const double *restrict xc,
    const double *restrict aj, int nr) {
    __m256d h00 = _mm256_loadu_pd(h + 0 * q + 0);
    __m256d h10 = _mm256_loadu_pd(h + 1 * q + 0);
    __m256d h20 = _mm256_loadu_pd(h + 2 * q + 0);
    __m256d h30 = _mm256_loadu_pd(h + 3 * q + 0);
    for (int k = 0; k < nr; k++) {
        const double *restrict xk = xc + k * q, *restrict ak = aj + k * q;
        const __m256d x0 = _mm256_load_pd(xk + 0);
        const __m256d s0 = _mm256_broadcast_sd(ak + 0);
        h00 = _mm256_fmadd_pd(x0, s0, h00);
        const __m256d s1 = _mm256_broadcast_sd(ak + 1);
        h10 = _mm256_fmadd_pd(x0, s1, h10);
        const __m256d s2 = _mm256_broadcast_sd(ak + 2);
        h20 = _mm256_fmadd_pd(x0, s2, h20);
        const __m256d s3 = _mm256_broadcast_sd(ak + 3);
        h30 = _mm256_fmadd_pd(x0, s3, h30);
    }
    _mm256_storeu_pd(h + 0 * q + 0, h00);
    _mm256_storeu_pd(h + 1 * q + 0, h10);
    _mm256_storeu_pd(h + 2 * q + 0, h20);
    _mm256_storeu_pd(h + 3 * q + 0, h30);
}

/* The Hessian terms of a group of eight rows, as LOGISTIC_HESS_GROUP (same
 * arguments and scratch; slots as LG256_HESS_SLOTS says): H += sum_k d_k x~_k
 * x~_k^T on and above the diagonal, over the columns 0..p1 - 1 only (p1: p + 1
 * rounded up to a multiple of 4; H's other entries stay zero), in tiles of
 * four rows of H by twelve columns (twelve registers of sums, three loads of
 * x~_k and four broadcasts of d_k x~_k a row), the row's last 8 or 4 columns
 * in one tile of that width, each entry the fused multiply-adds of the rows
 * in row order. LOGISTIC_HESS_GROUP's 8 x 8 tiles need sixteen 4-double
 * registers for the sums alone, more than AVX2 has: at 200 000 x 100
 * (float64, one core) a pass with the Hessian took ~800 ms with them (level
 * 0: ~720 ms). A row is widened into its slot of xg (columns p.. keep 1 and
 * zeros) and scaled into a in one pass over it. */
#define LOGISTIC_HESS_GROUP_256(NAME, T)                                             \
    LG_ATTR_256 static inline void NAME(ptrdiff_t p, ptrdiff_t q, const T *const *x, \
                                        const double *dk, double *restrict xg,       \
                                        double *restrict a, double *restrict H,      \
                                        int slot, int flush) {                       \
        const ptrdiff_t p4 = p - p % 4, p1 = p4 + 4;                                 \
        const __m256i tm64 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(p - p4),          \
                                                _mm256_setr_epi64x(0, 1, 2, 3));     \
        const __m128i tm32 = _mm_cmpgt_epi32(_mm_set1_epi32((int)(p - p4)),          \
                                             _mm_setr_epi32(0, 1, 2, 3));            \
        (void)tm32;                                                                  \
        /* 1 in the lane of column p */                                              \
        const __m256d one_p = _mm256_and_pd(                                         \
            _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_set1_epi64x(p - p4),       \
                                                   _mm256_setr_epi64x(0, 1, 2, 3))), \
            _mm256_set1_pd(1.0));                                                    \
        for (int k = 0; k < LG_ROWS; k++) {                                          \
            const T *restrict xs = x[k];                                             \
            double *restrict xr = xg + (slot * LG_ROWS + k) * q;                     \
            double *restrict ar = a + (slot * LG_ROWS + k) * q;                      \
            const __m256d s = _mm256_set1_pd(dk[k]);                                 \
            for (ptrdiff_t j = 0; j < p4; j += 4) {                                  \
                const __m256d v = lg256_ld_##T(xs + j);                              \
                _mm256_store_pd(xr + j, v);                                          \
                _mm256_store_pd(ar + j, _mm256_mul_pd(v, s));                        \
            }                                                                        \
            const __m256d v =                                                        \
                _mm256_add_pd(lg256_ldm_##T(tm64, tm32, xs + p4), one_p);            \
            _mm256_store_pd(xr + p4, v);                                             \
            _mm256_store_pd(ar + p4, _mm256_mul_pd(v, s));                           \
        }                                                                            \
        if (!flush)                                                                  \
            return;                                                                  \
        const int nr = (slot + 1) * LG_ROWS;                                         \
        for (ptrdiff_t jt = 0; jt < p1; jt += 4) {                                   \
            ptrdiff_t c = jt;                                                        \
            /* widths of 12, ending in 8 + 8 or 8 where 12s leave 4 or 8 */          \
            for (; p1 - c >= 12 && (p1 - c) % 12 != 4 && p1 - c != 16; c += 12)     \
                lg256_hess_tile12(H + jt * q + c, q, xg + c, a + jt, nr);            \
            for (; p1 - c >= 8; c += 8)                                              \
                lg256_hess_tile8(H + jt * q + c, q, xg + c, a + jt, nr);             \
            if (c < p1)                                                              \
                lg256_hess_tile4(H + jt * q + c, q, xg + c, a + jt, nr);             \
        }                                                                            \
    }

LOGISTIC_HESS_GROUP_256(lg_hess_f64_256, double)
LOGISTIC_HESS_GROUP_256(lg_hess_f32_256, float)

/* The declarations every AVX2 loop starts with: with H, H zeroed and the
 * Hessian's scratch for hslots groups of rows (xg: the rows extended by
 * x_p = 1 and zeros; ha: their curvature-weighted copies; hslot: the next
 * group's slot); the compensated lane sums of loss and residual (rows 0-3 of
 * a group in ls0/lc0/rs0/rc0, rows 4-7 in ls1/...), pm and p4 the columns of
 * whole eights and fours, the tail masks (columns p4..p - 1), the row stride
 * in bytes, and g zeroed. */
#define LG256_PROLOGUE(T)                                                            \
    const int hslots = q <= LG256_HESS_SLOTS_Q ? LG256_HESS_SLOTS : 2;               \
    double xg[(H) ? hslots * LG_ROWS * (q) : 1] __attribute__((aligned(64)));        \
    double ha[(H) ? hslots * LG_ROWS * (q) : 1] __attribute__((aligned(64)));        \
    int hslot = 0;                                                                   \
    if (H) {                                                                         \
        memset((H), 0, (size_t)((q) * (q)) * sizeof(double));                        \
        memset(xg, 0, sizeof(xg));                                                   \
    }                                                                                \
    const ptrdiff_t pm = (p) - (p) % 8;                                              \
    __m256d ls0 = _mm256_setzero_pd(), ls1 = ls0, lc0 = ls0, lc1 = ls0, rs0 = ls0;   \
    __m256d rs1 = ls0, rc0 = ls0, rc1 = ls0;                                         \
    const ptrdiff_t p4 = p - p % 4;                                                  \
    const __m256i tm64 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(p - p4),              \
                                            _mm256_setr_epi64x(0, 1, 2, 3));         \
    const __m128i tm32 = _mm_cmpgt_epi32(_mm_set1_epi32((int)(p - p4)),              \
                                         _mm_setr_epi32(0, 1, 2, 3));                \
    (void)tm32;                                                                      \
    const ptrdiff_t ldb = ld * (ptrdiff_t)sizeof(T);                                 \
    const int pf_all = !with_grad;                                                   \
    if (with_grad)                                                                   \
        memset(g, 0, (size_t)p * sizeof(double))

/* Rows read from X as they are, skewed by one group (see the file comment);
 * every sum adds the groups in row order. */
#define LOGISTIC_ROWS_256_SKEWED(NAME, T, HESS)                                      \
    LG_ATTR_256 static void NAME(ptrdiff_t n, ptrdiff_t p, const T *X, ptrdiff_t ld, \
                                 const double *restrict w, double b,                 \
                                 const double *restrict off, const T *restrict y,    \
                                 const double *restrict sw, double *restrict g,      \
                                 double *restrict d, int with_grad, double *out,     \
                                 double *restrict H, ptrdiff_t q) {                  \
        LG256_PROLOGUE(T);                                                           \
        /* the pending group: its logits, first row, rows and row pointers */       \
        __m256d zq0 = _mm256_setzero_pd(), zq1 = zq0;                               \
        ptrdiff_t iq = -1, mq = 0;                                                   \
        const T *xq[LG_ROWS] = {0};                                                  \
        for (ptrdiff_t i0 = 0;; i0 += LG_ROWS) {                                     \
            double rq[LG_ROWS], dq[LG_ROWS];                                         \
            if (iq >= 0) /* the pending group's row terms */                         \
                LG256_ROW_TERMS(T, zq0, zq1, iq, mq, rq, dq);                        \
            __m256d zv0 = _mm256_setzero_pd(), zv1 = zv0;                            \
            ptrdiff_t m = 0;                                                         \
            const T *x[LG_ROWS] = {0};                                               \
            if (i0 < n) { /* group i0's dot products */                              \
                m = n - i0 < LG_ROWS ? n - i0 : LG_ROWS;                             \
                for (int k = 0; k < LG_ROWS; k++)                                    \
                    x[k] = X + (i0 + (k < m ? k : m - 1)) * ld;                      \
                const ptrdiff_t pfb =                                                \
                    i0 + LG_PF_ROWS + LG_ROWS <= n ? LG_PF_ROWS * ldb : 0;           \
                const T *restrict x0 = x[0], *restrict x1 = x[1];                    \
                const T *restrict x2 = x[2], *restrict x3 = x[3];                    \
                const T *restrict x4 = x[4], *restrict x5 = x[5];                    \
                const T *restrict x6 = x[6], *restrict x7 = x[7];                    \
                __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;         \
                __m256d a4 = a0, a5 = a0, a6 = a0, a7 = a0;                          \
                LG256_DOTS(T, LG256_X_##T, LG256_XM_##T);                            \
                LG256_LOGITS(i0, m, zv0, zv1);                                       \
            }                                                                        \
            if (iq >= 0) { /* the pending group's Hessian and gradient terms */      \
                if (H) {                                                             \
                    const int flush_ = hslot == hslots - 1 || iq + LG_ROWS >= n; \
                    HESS(p, q, xq, dq, xg, ha, H, hslot, flush_);                    \
                    hslot = flush_ ? 0 : hslot + 1;                                  \
                }                                                                    \
                if (with_grad) {                                                     \
                    /* rows 4-7 of the group LG_PF_ROWS rows past group i0 */        \
                    const ptrdiff_t pfb = iq + LG_PF_ROWS + 2 * LG_ROWS <= n         \
                                              ? (LG_PF_ROWS + LG_ROWS) * ldb : 0;    \
                    LG256_GROUP_GRAD(T, LG256_X_##T, LG256_XM_##T, xq, rq, mq);      \
                }                                                                    \
            }                                                                        \
            if (i0 >= n)                                                             \
                break;                                                               \
            zq0 = zv0;                                                               \
            zq1 = zv1;                                                               \
            iq = i0;                                                                 \
            mq = m;                                                                  \
            for (int k = 0; k < LG_ROWS; k++)                                        \
                xq[k] = x[k];                                                        \
        }                                                                            \
        LG256_TOTALS(out);                                         \
        LG_HESS_MIRROR(H, p, q);                                                     \
    }

LOGISTIC_ROWS_256_SKEWED(lg_rows256_f64, double, lg_hess_f64_256)
LOGISTIC_ROWS_256_SKEWED(lg_rows256_f32, float, lg_hess_f32_256)
