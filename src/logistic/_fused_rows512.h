/* The fused row loop's AVX-512 build (level 2), included by _fused_rows.h.
 *
 * The same pass as LOGISTIC_DENSE_ROWS (z, loss, residual, curvature,
 * g += r x, optionally the Hessian sums, eight rows at a time), written for
 * AVX-512 registers so that a row costs little more than reading it:
 *
 * - the eight rows' dot products run side by side (one load of w for eight
 *   rows), with fused multiply-adds; the columns past the last multiple of 8
 *   are read with masked loads (no copy of the row's tail);
 * - the rows LG_PF_ROWS ahead are prefetched (to L1, LG_PF_HINT) line by
 *   line as the group is read: the first four rows' lines in the dot product
 *   loop, the last four's in the gradient loop (without a gradient, all in
 *   the dot loop), so that requests to memory are spread over the group's
 *   work (one core, 1M x 100: float32 39.0 -> 34.7 ms, float64 64.9 -> 59.1
 *   ms against all eight rows in the dot loop; no prefetch: 60 and 76 ms;
 *   each variant built and timed by `python -m benchmarks.kernel_pass
 *   --one-core`). To L1 or to L2 by the CPU (lg512_prefetch_level below:
 *   L1 on Zen 5, L2 on Zen 4, where prefetching to L1 doubled a float32
 *   pass); on Zen 5, 8-12 rows ahead as 16, 24-64 rows 8-15 % slower;
 * - float32 rows of at most LG_WIDE_MAX columns are widened to float64 once,
 *   into an L1 buffer the gradient update reads (one conversion a value
 *   instead of two);
 * - y, weights and offsets of the group are read with (masked) vector loads.
 *
 * Numerics: every product and sum in float64; each dot product keeps eight
 * partial sums (column j in lane j mod 8, the masked tail added last) reduced
 * in the fixed tree of LG_OCT; g[j] adds the eight rows' terms in row order.
 * Dot products and gradient terms use fused multiply-adds (one rounding a
 * term), so this build's sums differ from the AVX2 and baseline builds' by
 * rounding; the row terms (loss, residual, curvature) are the same formulas
 * without contraction. Rows are added in order, so results do not depend on
 * threads.
 */

#ifndef LG_PF_ROWS
#define LG_PF_ROWS 16
#endif
#ifndef LG_WIDE_MAX
#define LG_WIDE_MAX 256
#endif

LG_ATTR_512 static inline __m512d lg512_ld_double(const double *p) {
    return _mm512_loadu_pd(p);
}
LG_ATTR_512 static inline __m512d lg512_ld_float(const float *p) {
    return _mm512_cvtps_pd(_mm256_loadu_ps(p));
}
LG_ATTR_512 static inline __m512d lg512_ldm_double(__mmask8 k, const double *p) {
    return _mm512_maskz_loadu_pd(k, p);
}
LG_ATTR_512 static inline __m512d lg512_ldm_float(__mmask8 k, const float *p) {
    return _mm512_cvtps_pd(_mm256_maskz_loadu_ps(k, p));
}

/* One column vector j of the eight rows: multiply-add into a0..a7 (WIDEN:
 * also store the widened values to the buffer xb, row stride S). */
#define LG512_DOT_STEP(T, LD, j, WIDEN)                                              \
    do {                                                                             \
        const __m512d wv_ = LD##_double(w + (j));                                    \
        __m512d v_;                                                                  \
        _mm_prefetch((const char *)(x0 + (j)) + pfb, LG_PF_HINT);                    \
        _mm_prefetch((const char *)(x1 + (j)) + pfb, LG_PF_HINT);                    \
        _mm_prefetch((const char *)(x2 + (j)) + pfb, LG_PF_HINT);                    \
        _mm_prefetch((const char *)(x3 + (j)) + pfb, LG_PF_HINT);                    \
        if (pf_all) {                                                                \
            _mm_prefetch((const char *)(x4 + (j)) + pfb, LG_PF_HINT);                \
            _mm_prefetch((const char *)(x5 + (j)) + pfb, LG_PF_HINT);                \
            _mm_prefetch((const char *)(x6 + (j)) + pfb, LG_PF_HINT);                \
            _mm_prefetch((const char *)(x7 + (j)) + pfb, LG_PF_HINT);                \
        }                                                                            \
        v_ = LD##_##T(x0 + (j)); a0 = _mm512_fmadd_pd(v_, wv_, a0);                 \
        if (WIDEN) _mm512_store_pd(xb + (j), v_);                                    \
        v_ = LD##_##T(x1 + (j)); a1 = _mm512_fmadd_pd(v_, wv_, a1);                 \
        if (WIDEN) _mm512_store_pd(xb + S + (j), v_);                                \
        v_ = LD##_##T(x2 + (j)); a2 = _mm512_fmadd_pd(v_, wv_, a2);                 \
        if (WIDEN) _mm512_store_pd(xb + 2 * S + (j), v_);                            \
        v_ = LD##_##T(x3 + (j)); a3 = _mm512_fmadd_pd(v_, wv_, a3);                 \
        if (WIDEN) _mm512_store_pd(xb + 3 * S + (j), v_);                            \
        v_ = LD##_##T(x4 + (j)); a4 = _mm512_fmadd_pd(v_, wv_, a4);                 \
        if (WIDEN) _mm512_store_pd(xb + 4 * S + (j), v_);                            \
        v_ = LD##_##T(x5 + (j)); a5 = _mm512_fmadd_pd(v_, wv_, a5);                 \
        if (WIDEN) _mm512_store_pd(xb + 5 * S + (j), v_);                            \
        v_ = LD##_##T(x6 + (j)); a6 = _mm512_fmadd_pd(v_, wv_, a6);                 \
        if (WIDEN) _mm512_store_pd(xb + 6 * S + (j), v_);                            \
        v_ = LD##_##T(x7 + (j)); a7 = _mm512_fmadd_pd(v_, wv_, a7);                 \
        if (WIDEN) _mm512_store_pd(xb + 7 * S + (j), v_);                            \
    } while (0)

#define LG512_DOT_STEP_M(T, WIDEN)                                                   \
    do {                                                                             \
        const __m512d wv_ = _mm512_maskz_loadu_pd(tmask, w + pm);                    \
        __m512d v_;                                                                  \
        v_ = lg512_ldm_##T(tmask, x0 + pm); a0 = _mm512_fmadd_pd(v_, wv_, a0);     \
        if (WIDEN) _mm512_store_pd(xb + pm, v_);                                     \
        v_ = lg512_ldm_##T(tmask, x1 + pm); a1 = _mm512_fmadd_pd(v_, wv_, a1);     \
        if (WIDEN) _mm512_store_pd(xb + S + pm, v_);                                 \
        v_ = lg512_ldm_##T(tmask, x2 + pm); a2 = _mm512_fmadd_pd(v_, wv_, a2);     \
        if (WIDEN) _mm512_store_pd(xb + 2 * S + pm, v_);                             \
        v_ = lg512_ldm_##T(tmask, x3 + pm); a3 = _mm512_fmadd_pd(v_, wv_, a3);     \
        if (WIDEN) _mm512_store_pd(xb + 3 * S + pm, v_);                             \
        v_ = lg512_ldm_##T(tmask, x4 + pm); a4 = _mm512_fmadd_pd(v_, wv_, a4);     \
        if (WIDEN) _mm512_store_pd(xb + 4 * S + pm, v_);                             \
        v_ = lg512_ldm_##T(tmask, x5 + pm); a5 = _mm512_fmadd_pd(v_, wv_, a5);     \
        if (WIDEN) _mm512_store_pd(xb + 5 * S + pm, v_);                             \
        v_ = lg512_ldm_##T(tmask, x6 + pm); a6 = _mm512_fmadd_pd(v_, wv_, a6);     \
        if (WIDEN) _mm512_store_pd(xb + 6 * S + pm, v_);                             \
        v_ = lg512_ldm_##T(tmask, x7 + pm); a7 = _mm512_fmadd_pd(v_, wv_, a7);     \
        if (WIDEN) _mm512_store_pd(xb + 7 * S + pm, v_);                             \
    } while (0)

/* g[j..j+7] += sum_k r_k x_k[j..j+7], k in row order; R(k, j) reads row k. */
#define LG512_GRAD_STEP(R, j, LOADG, STOREG)                                         \
    do {                                                                             \
        _mm_prefetch((const char *)(x4 + (j)) + pfb, LG_PF_HINT);                    \
        _mm_prefetch((const char *)(x5 + (j)) + pfb, LG_PF_HINT);                    \
        _mm_prefetch((const char *)(x6 + (j)) + pfb, LG_PF_HINT);                    \
        _mm_prefetch((const char *)(x7 + (j)) + pfb, LG_PF_HINT);                    \
        __m512d g_ = LOADG(j);                                                       \
        g_ = _mm512_fmadd_pd(R(0, j), r0, g_);                                       \
        g_ = _mm512_fmadd_pd(R(1, j), r1, g_);                                       \
        g_ = _mm512_fmadd_pd(R(2, j), r2, g_);                                       \
        g_ = _mm512_fmadd_pd(R(3, j), r3, g_);                                       \
        g_ = _mm512_fmadd_pd(R(4, j), r4, g_);                                       \
        g_ = _mm512_fmadd_pd(R(5, j), r5, g_);                                       \
        g_ = _mm512_fmadd_pd(R(6, j), r6, g_);                                       \
        g_ = _mm512_fmadd_pd(R(7, j), r7, g_);                                       \
        STOREG(j, g_);                                                               \
    } while (0)

#define LG512_XB(k, j) _mm512_load_pd(xb + (k) * S + (j))
#define LG512_XD(k, j) lg512_ld_double(x##k + (j))
#define LG512_XF(k, j) lg512_ld_float(x##k + (j))
#define LG512_XDM(k, j) lg512_ldm_double(tmask, x##k + (j))
#define LG512_XFM(k, j) lg512_ldm_float(tmask, x##k + (j))
#define LG512_LG(j) _mm512_loadu_pd(g + (j))
#define LG512_SG(j, v) _mm512_storeu_pd(g + (j), v)
#define LG512_LGM(j) _mm512_maskz_loadu_pd(tmask, g + (j))
#define LG512_SGM(j, v) _mm512_mask_storeu_pd(g + (j), tmask, v)

/* exp(t) for the eight lanes; l receives log1p of it. */
LG_ATTR_512 static inline __m512d lg512_explog(__m512d t, __m512d *l) {
#ifdef LOGISTIC_MVEC
    const __m512d e = _ZGVeN8v_exp(t);
    *l = _ZGVeN8v_log1p(e);
    return e;
#else
    double tt[LG_ROWS], ll[LG_ROWS];
    _mm512_storeu_pd(tt, t);
    lg_explog_base(tt, ll);
    *l = _mm512_loadu_pd(ll);
    return _mm512_loadu_pd(tt);
#endif
}

/* The row terms of eight logits zv (lanes outside vmask count 0): declares
 * tv = e^{-|z|}, lv = log1p(tv), yv and sv (the rows' labels, by YLOAD, and
 * weights), u = 1 + tv, inv = 1/u, the loss lo and sigmoid sg, and adds
 * sv·lo and sv·(sg - yv) to the compensated lane sums (ls, lc), (rs, rc). */
#define LG512_ROW_TERMS(zv, vmask, YLOAD, y, sw, i0)                                 \
    __m512d lv_;                                                                     \
    const lg_v8d tv = (lg_v8d)lg512_explog((__m512d)(-LG_ABS(zv)), &lv_);            \
    const lg_v8d lv = (lg_v8d)lv_;                                                   \
    const lg_v8d yv = (lg_v8d)YLOAD(vmask, (y) + (i0));                              \
    const lg_v8d sv =                                                                \
        (lg_v8d)((sw) ? _mm512_maskz_loadu_pd(vmask, (sw) + (i0)) : _mm512_set1_pd(1.0));\
    const lg_v8d u = 1.0 + tv, inv = 1.0 / u;                                        \
    const lg_v8i pos = (zv) >= 0.0;                                                  \
    const lg_v8d lo = LG_SEL(pos, lv + (1.0 - yv) * (zv), lv - yv * (zv));           \
    const lg_v8d sg = LG_SEL(pos, inv, tv * inv);                                    \
    const __m512d lw = _mm512_maskz_mov_pd(vmask, (__m512d)(sv * lo));               \
    const __m512d rw = _mm512_maskz_mov_pd(vmask, (__m512d)(sv * (sg - yv)));        \
    LG_NEUMAIER(ls, lc, (lg_v8d)lw);                                                 \
    LG_NEUMAIER(rs, rc, (lg_v8d)rw)

#define LOGISTIC_ROWS_512(NAME, T, XT, XTM, HESS)                                   \
    LG_ATTR_512 static void NAME(ptrdiff_t n, ptrdiff_t p, const T *X, ptrdiff_t ld, \
                                  const double *restrict w, double b,                \
                                  const double *restrict off, const T *restrict y,   \
                                  const double *restrict sw, double *restrict g,     \
                                  double *restrict d, int with_grad, double *out,    \
                                  double *restrict H, ptrdiff_t q) {                 \
        LG_ROWS_PROLOGUE(H, p, q);                                                   \
        const __mmask8 tmask = (__mmask8)((1u << (p - pm)) - 1u);                   \
        /* float32 rows widened once into xb (row stride S), when they fit */       \
        const int widen = sizeof(T) == 4 && p <= LG_WIDE_MAX;                        \
        const ptrdiff_t S = (LG_WIDE_MAX + 8);                                            \
        double xb[sizeof(T) == 4 ? LG_ROWS * (LG_WIDE_MAX + 8) : 1]                  \
            __attribute__((aligned(64)));                                            \
        const ptrdiff_t ldb = ld * (ptrdiff_t)sizeof(T);                             \
        /* rows 4-7 ahead are prefetched in the gradient loop, if there is one */    \
        const int pf_all = !with_grad;                                               \
        if (with_grad)                                                               \
            memset(g, 0, (size_t)p * sizeof(double));                                \
        for (ptrdiff_t i0 = 0; i0 < n; i0 += LG_ROWS) {                              \
            const ptrdiff_t m = n - i0 < LG_ROWS ? n - i0 : LG_ROWS;                 \
            const __mmask8 vmask = (__mmask8)((1u << m) - 1u);                       \
            const T *x[LG_ROWS];                                                     \
            for (int k = 0; k < LG_ROWS; k++)                                        \
                x[k] = X + (i0 + (k < m ? k : m - 1)) * ld;                          \
            const ptrdiff_t pfb =                                                    \
                i0 + LG_PF_ROWS + LG_ROWS <= n ? LG_PF_ROWS * ldb : 0;               \
            const T *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2];   \
            const T *restrict x3 = x[3], *restrict x4 = x[4], *restrict x5 = x[5];   \
            const T *restrict x6 = x[6], *restrict x7 = x[7];                        \
            __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0;    \
            __m512d a5 = a0, a6 = a0, a7 = a0;                                       \
            if (widen) {                                                             \
                for (ptrdiff_t j = 0; j < pm; j += 8)                                \
                    LG512_DOT_STEP(T, lg512_ld, j, 1);                               \
                if (pm < p)                                                          \
                    LG512_DOT_STEP_M(T, 1);                                          \
            } else {                                                                 \
                for (ptrdiff_t j = 0; j < pm; j += 8)                                \
                    LG512_DOT_STEP(T, lg512_ld, j, 0);                               \
                if (pm < p)                                                          \
                    LG512_DOT_STEP_M(T, 0);                                          \
            }                                                                        \
            const __m512d offv =                                                     \
                off ? _mm512_maskz_loadu_pd(vmask, off + i0) : _mm512_setzero_pd();  \
            const lg_v8d zv =                                                        \
                LG_OCT(LG_QUAD(LG_PAIR((lg_v8d)a0, (lg_v8d)a2),                      \
                               LG_PAIR((lg_v8d)a1, (lg_v8d)a3)),                     \
                       LG_QUAD(LG_PAIR((lg_v8d)a4, (lg_v8d)a6),                      \
                               LG_PAIR((lg_v8d)a5, (lg_v8d)a7))) +                   \
                ((lg_v8d)_mm512_set1_pd(b) + (lg_v8d)offv);                          \
            LG512_ROW_TERMS(zv, vmask, XTM, y, sw, i0);                              \
            if (d || H) {                                                            \
                const __m512d dv =                                                   \
                    _mm512_maskz_mov_pd(vmask, (__m512d)(sv * (tv / (u * u))));      \
                if (d)                                                               \
                    _mm512_mask_storeu_pd(d + i0, vmask, dv);                        \
                if (H) {                                                             \
                    double dk[LG_ROWS];                                              \
                    _mm512_storeu_pd(dk, dv);                                        \
                    const int flush_ = hslot == LG_HESS_SLOTS - 1 || i0 + LG_ROWS >= n; \
                    HESS(p, q, x, dk, xg, ha, H, hslot, flush_);                     \
                    hslot = flush_ ? 0 : hslot + 1;                                  \
                }                                                                    \
            }                                                                        \
            if (!with_grad)                                                          \
                continue;                                                            \
            double r[LG_ROWS];                                                       \
            _mm512_storeu_pd(r, rw);                                                 \
            if (m < LG_ROWS) { /* the block's last, partial group */                 \
                for (int k = 0; k < m; k++) {                                        \
                    const __m512d rk = _mm512_set1_pd(r[k]);                         \
                    for (ptrdiff_t j = 0; j < pm; j += 8)                            \
                        _mm512_storeu_pd(g + j, _mm512_fmadd_pd(                     \
                            lg512_ld_##T(x[k] + j), rk, _mm512_loadu_pd(g + j)));    \
                    if (pm < p)                                                      \
                        _mm512_mask_storeu_pd(g + pm, tmask, _mm512_fmadd_pd(        \
                            lg512_ldm_##T(tmask, x[k] + pm), rk,                     \
                            _mm512_maskz_loadu_pd(tmask, g + pm)));                  \
                }                                                                    \
                continue;                                                            \
            }                                                                        \
            const __m512d r0 = _mm512_set1_pd(r[0]), r1 = _mm512_set1_pd(r[1]);     \
            const __m512d r2 = _mm512_set1_pd(r[2]), r3 = _mm512_set1_pd(r[3]);     \
            const __m512d r4 = _mm512_set1_pd(r[4]), r5 = _mm512_set1_pd(r[5]);     \
            const __m512d r6 = _mm512_set1_pd(r[6]), r7 = _mm512_set1_pd(r[7]);     \
            if (widen) {                                                             \
                for (ptrdiff_t j = 0; j < pm; j += 8)                                \
                    LG512_GRAD_STEP(LG512_XB, j, LG512_LG, LG512_SG);                \
                if (pm < p)                                                          \
                    LG512_GRAD_STEP(LG512_XB, pm, LG512_LGM, LG512_SGM);             \
            } else {                                                                 \
                for (ptrdiff_t j = 0; j < pm; j += 8)                                \
                    LG512_GRAD_STEP(XT, j, LG512_LG, LG512_SG);                      \
                if (pm < p)                                                          \
                    LG512_GRAD_STEP(XT##M, pm, LG512_LGM, LG512_SGM);                \
            }                                                                        \
        }                                                                            \
        LG_LANE_TOTALS(ls, lc, rs, rc, out);                                         \
        LG_HESS_MIRROR(H, p, q);                                                     \
    }

/* The gradient terms of a group of m rows (x: the rows, r: their residuals)
 * added to g in row order; pfb: the byte offset of the rows whose lines the
 * loop prefetches (0: none). Rows read from X (no widened copy). */
#define LG512_GROUP_GRAD(T, XT, x, r, m)                                              \
    do {                                                                             \
        if ((m) < LG_ROWS) { /* the block's last, partial group */                   \
            for (int k = 0; k < (m); k++) {                                          \
                const __m512d rk = _mm512_set1_pd((r)[k]);                           \
                for (ptrdiff_t j = 0; j < pm; j += 8)                                \
                    _mm512_storeu_pd(g + j, _mm512_fmadd_pd(                         \
                        lg512_ld_##T((x)[k] + j), rk, _mm512_loadu_pd(g + j)));      \
                if (pm < p)                                                          \
                    _mm512_mask_storeu_pd(g + pm, tmask, _mm512_fmadd_pd(            \
                        lg512_ldm_##T(tmask, (x)[k] + pm), rk,                       \
                        _mm512_maskz_loadu_pd(tmask, g + pm)));                      \
            }                                                                        \
            break;                                                                   \
        }                                                                            \
        const T *restrict x0 = (x)[0], *restrict x1 = (x)[1], *restrict x2 = (x)[2]; \
        const T *restrict x3 = (x)[3], *restrict x4 = (x)[4], *restrict x5 = (x)[5]; \
        const T *restrict x6 = (x)[6], *restrict x7 = (x)[7];                        \
        const __m512d r0 = _mm512_set1_pd((r)[0]), r1 = _mm512_set1_pd((r)[1]);     \
        const __m512d r2 = _mm512_set1_pd((r)[2]), r3 = _mm512_set1_pd((r)[3]);     \
        const __m512d r4 = _mm512_set1_pd((r)[4]), r5 = _mm512_set1_pd((r)[5]);     \
        const __m512d r6 = _mm512_set1_pd((r)[6]), r7 = _mm512_set1_pd((r)[7]);     \
        for (ptrdiff_t j = 0; j < pm; j += 8)                                        \
            LG512_GRAD_STEP(XT, j, LG512_LG, LG512_SG);                              \
        if (pm < p)                                                                  \
            LG512_GRAD_STEP(XT##M, pm, LG512_LGM, LG512_SGM);                        \
    } while (0)

/* The same pass, skewed by one group, for rows read from X as they are
 * (float64; float32 rows too long to widen): iteration k forms the row terms
 * of group k - 1 (exp, log1p, divisions: a chain of dependent operations),
 * then reads group k's rows for its dot products, then adds group k - 1's
 * gradient (and Hessian) terms, whose rows are still in L1. The core thus
 * has group k's loads and prefetches to issue while group k - 1's row terms
 * are in flight, instead of waiting for them with its gradient terms (one
 * core, 1M x 100 float64, CPU time, the two loops built side by side and
 * alternated in one process, four runs at load 5-7: 28.0-33.0 against
 * 30.5-34.6 ms a pass, 4-10 % less). Widened float32 rows keep
 * LOGISTIC_ROWS_512 (the skewed loop measured 6-10 % slower there). Every
 * sum still adds the groups in row order: the results are the unskewed
 * loop's, bit for bit. */
#define LOGISTIC_ROWS_512_SKEWED(NAME, T, XT, XTM, HESS)                            \
    LG_ATTR_512 static void NAME(ptrdiff_t n, ptrdiff_t p, const T *X, ptrdiff_t ld, \
                                  const double *restrict w, double b,                \
                                  const double *restrict off, const T *restrict y,   \
                                  const double *restrict sw, double *restrict g,     \
                                  double *restrict d, int with_grad, double *out,    \
                                  double *restrict H, ptrdiff_t q) {                 \
        LG_ROWS_PROLOGUE(H, p, q);                                                   \
        const __mmask8 tmask = (__mmask8)((1u << (p - pm)) - 1u);                   \
        double xb[1]; /* no widened rows (LG512_DOT_STEP's WIDEN is 0) */            \
        const ptrdiff_t S = 0;                                                       \
        (void)xb;                                                                    \
        (void)S;                                                                     \
        const ptrdiff_t ldb = ld * (ptrdiff_t)sizeof(T);                             \
        /* rows 4-7 ahead are prefetched in the gradient loop, if there is one */    \
        const int pf_all = !with_grad;                                               \
        if (with_grad)                                                               \
            memset(g, 0, (size_t)p * sizeof(double));                                \
        /* the pending group: its logits, first row, rows and row pointers */       \
        lg_v8d zq = {0};                                                             \
        ptrdiff_t iq = -1, mq = 0;                                                   \
        const T *xq[LG_ROWS] = {0};                                                  \
        for (ptrdiff_t i0 = 0;; i0 += LG_ROWS) {                                     \
            double rq[LG_ROWS], dq[LG_ROWS];                                         \
            if (iq >= 0) { /* the pending group's row terms */                       \
                const __mmask8 vmask = (__mmask8)((1u << mq) - 1u);                  \
                LG512_ROW_TERMS(zq, vmask, XTM, y, sw, iq);                          \
                if (d || H) {                                                        \
                    const __m512d dv =                                               \
                        _mm512_maskz_mov_pd(vmask, (__m512d)(sv * (tv / (u * u))));  \
                    if (d)                                                           \
                        _mm512_mask_storeu_pd(d + iq, vmask, dv);                    \
                    _mm512_storeu_pd(dq, dv);                                        \
                }                                                                    \
                _mm512_storeu_pd(rq, rw);                                            \
            }                                                                        \
            lg_v8d zv = {0};                                                         \
            ptrdiff_t m = 0;                                                         \
            const T *x[LG_ROWS] = {0};                                               \
            if (i0 < n) { /* group i0's dot products */                              \
                m = n - i0 < LG_ROWS ? n - i0 : LG_ROWS;                             \
                const __mmask8 vmask = (__mmask8)((1u << m) - 1u);                   \
                for (int k = 0; k < LG_ROWS; k++)                                    \
                    x[k] = X + (i0 + (k < m ? k : m - 1)) * ld;                      \
                const ptrdiff_t pfb =                                                \
                    i0 + LG_PF_ROWS + LG_ROWS <= n ? LG_PF_ROWS * ldb : 0;           \
                const T *restrict x0 = x[0], *restrict x1 = x[1];                    \
                const T *restrict x2 = x[2], *restrict x3 = x[3];                    \
                const T *restrict x4 = x[4], *restrict x5 = x[5];                    \
                const T *restrict x6 = x[6], *restrict x7 = x[7];                    \
                __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;         \
                __m512d a4 = a0, a5 = a0, a6 = a0, a7 = a0;                          \
                for (ptrdiff_t j = 0; j < pm; j += 8)                                \
                    LG512_DOT_STEP(T, lg512_ld, j, 0);                               \
                if (pm < p)                                                          \
                    LG512_DOT_STEP_M(T, 0);                                          \
                const __m512d offv = off ? _mm512_maskz_loadu_pd(vmask, off + i0)    \
                                         : _mm512_setzero_pd();                      \
                zv = LG_OCT(LG_QUAD(LG_PAIR((lg_v8d)a0, (lg_v8d)a2),                 \
                                    LG_PAIR((lg_v8d)a1, (lg_v8d)a3)),                \
                            LG_QUAD(LG_PAIR((lg_v8d)a4, (lg_v8d)a6),                 \
                                    LG_PAIR((lg_v8d)a5, (lg_v8d)a7))) +              \
                     ((lg_v8d)_mm512_set1_pd(b) + (lg_v8d)offv);                     \
            }                                                                        \
            if (iq >= 0) { /* the pending group's Hessian and gradient terms */      \
                if (H) {                                                             \
                    const int flush_ = hslot == LG_HESS_SLOTS - 1 || iq + LG_ROWS >= n; \
                    HESS(p, q, xq, dq, xg, ha, H, hslot, flush_);                    \
                    hslot = flush_ ? 0 : hslot + 1;                                  \
                }                                                                    \
                if (with_grad) {                                                     \
                    /* rows 4-7 of the group LG_PF_ROWS rows past group i0 */        \
                    const ptrdiff_t pfb = iq + LG_PF_ROWS + 2 * LG_ROWS <= n         \
                                              ? (LG_PF_ROWS + LG_ROWS) * ldb : 0;    \
                    LG512_GROUP_GRAD(T, XT, xq, rq, mq);                             \
                }                                                                    \
            }                                                                        \
            if (i0 >= n)                                                             \
                break;                                                               \
            zq = zv;                                                                 \
            iq = i0;                                                                 \
            mq = m;                                                                  \
            for (int k = 0; k < LG_ROWS; k++)                                        \
                xq[k] = x[k];                                                        \
        }                                                                            \
        LG_LANE_TOTALS(ls, lc, rs, rc, out);                                         \
        LG_HESS_MIRROR(H, p, q);                                                     \
    }

/* Each loop is built twice, prefetching to L1 (_l1) and to L2 (_l2): the
 * macro bodies read LG_PF_HINT where they are expanded. */
#define LG512_LOOPS(SFX)                                                             \
    LOGISTIC_ROWS_512_SKEWED(lg_rows512_f64##SFX, double, LG512_XD, lg512_ldm_double, \
                             lg_hess_f64_512)                                        \
    LOGISTIC_ROWS_512_SKEWED(lg_rows512_f32_skewed##SFX, float, LG512_XF,            \
                             lg512_ldm_float, lg_hess_f32_512)                       \
    LOGISTIC_ROWS_512(lg_rows512_f32_widened##SFX, float, LG512_XF, lg512_ldm_float, \
                      lg_hess_f32_512)
#define LG_PF_HINT _MM_HINT_T0
LG512_LOOPS(_l1)
#undef LG_PF_HINT
#define LG_PF_HINT _MM_HINT_T1
LG512_LOOPS(_l2)
#undef LG_PF_HINT

/* Which cache level the loops prefetch the rows ahead into: 1 (L1,
 * _MM_HINT_T0) or 2 (L2, _MM_HINT_T1); 0 until detected. Measured with
 * `python -m benchmarks.kernel_pass --prefetch 1,2` (1M x 100, one
 * value+gradient pass, ratio to one X @ w, all cores / one core):
 * - AMD EPYC Zen 4 (family 25, AVX-512 on 256-bit units, 2 vCPUs): L2
 *   float64 0.74-0.75x / 0.66x against L1's 1.13-1.23x / 1.17x, float32
 *   0.85-0.95x / 0.93-0.97x against 1.40-1.60x / 1.78-1.84x;
 * - AMD EPYC Zen 5 (family 26): L1 float64 30-32 ms against L2's 33-36 ms
 *   (1.25-1.32x against 1.38-1.46x), float32 unchanged.
 * Automatic: L1 on AMD family 26 and later, L2 elsewhere (CPUs not
 * measured get the choice that lost least where it lost). */
static int lg512_pf_level = 0;
static int lg512_pf_forced = 0;

static int lg512_prefetch_level(void) {
    if (lg512_pf_forced)
        return lg512_pf_forced;
    if (!lg512_pf_level) {
        unsigned a = 0, b = 0, c = 0, d = 0, family = 0;
        int amd = 0;
        if (__get_cpuid(0, &a, &b, &c, &d))
            amd = b == 0x68747541u; /* "Auth"enticAMD */
        if (__get_cpuid(1, &a, &b, &c, &d))
            family = ((a >> 8) & 0xf) + (((a >> 8) & 0xf) == 0xf ? (a >> 20) & 0xff : 0);
        lg512_pf_level = amd && family >= 26 ? 1 : 2;
    }
    return lg512_pf_level;
}

LG_ATTR_512 static void lg_rows512_f64(ptrdiff_t n, ptrdiff_t p, const double *X,
                                       ptrdiff_t ld, const double *restrict w,
                                       double b, const double *restrict off,
                                       const double *restrict y,
                                       const double *restrict sw, double *restrict g,
                                       double *restrict d, int with_grad, double *out,
                                       double *restrict H, ptrdiff_t q) {
    (lg512_prefetch_level() == 1 ? lg_rows512_f64_l1 : lg_rows512_f64_l2)(
        n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
}

/* float32 rows of at most LG_WIDE_MAX columns are widened once (unskewed
 * loop); longer ones are read as they are (skewed loop). */
LG_ATTR_512 static void lg_rows512_f32(ptrdiff_t n, ptrdiff_t p, const float *X,
                                       ptrdiff_t ld, const double *restrict w,
                                       double b, const double *restrict off,
                                       const float *restrict y,
                                       const double *restrict sw, double *restrict g,
                                       double *restrict d, int with_grad, double *out,
                                       double *restrict H, ptrdiff_t q) {
    const int l1 = lg512_prefetch_level() == 1;
    (p <= LG_WIDE_MAX ? (l1 ? lg_rows512_f32_widened_l1 : lg_rows512_f32_widened_l2)
                      : (l1 ? lg_rows512_f32_skewed_l1 : lg_rows512_f32_skewed_l2))(
        n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
}
