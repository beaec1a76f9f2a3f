/* One fused pass over the rows of a C-ordered dense block (logistic._fused).
 *
 * logistic_dense_rows_f64 / _f32(n, p, X, ld, w, b, off, y, sw, g, d,
 *                                with_grad, out)
 * reads each row of X once from memory: eight rows at a time it forms
 * z_i = x_i . w + b + off_i, then t_i = e^{-|z_i|} and log1p(t_i) for the
 * eight rows together (level 2: libmvec's vector exp/log1p where linked;
 * level 1: inline vector code, _fused_rows256.h), the loss,
 * the residual r_i = s_i (sigma(z_i) - y_i) and optionally the curvature
 * d_i = s_i t_i / (1 + t_i)^2, then g += sum_i r_i x_i while the eight rows
 * are still in L1. BLAS instead reads a block twice (gemv for z, gemv^T for
 * g) and cannot overlap the row terms with the stream from memory.
 *
 * Numerics: every product and sum is in float64 (float32 X is widened as it
 * is read). Each dot product keeps eight partial sums (column j goes to
 * lane j mod 8, the tail past the last multiple of 8 added after the lanes),
 * reduced in a fixed tree; g[j] adds the eight rows' terms in row order.
 * The baseline build uses no fused multiply-adds (fp-contract=off); the
 * AVX-512 build (_fused_rows512.h) and the AVX2 build (_fused_rows256.h:
 * four partial sums a dot product) form the dot products and gradient terms
 * with fused multiply-adds, so the three builds' sums differ by rounding;
 * exp/log1p may differ by a few ulp between builds (libmvec: 4 ulp
 * documented; the AVX2 build's own: at most 1 ulp from glibc's measured). Loss and residual sums are compensated
 * (Neumaier) per row lane and the lanes combined in order at the end.
 * out[0] = sum s L, out[1] = sum s r. g is overwritten (not accumulated).
 *
 * With H (q x q, q a multiple of 8, p < q <= LG_HESS_MAX_Q) the same pass
 * also forms the Hessian sums: H = sum_i d_i x~_i x~_i^T with x~ = (x, 1)
 * (column p: X^T d; H[p][p]: sum d), eight rows at a time while they are in
 * L1 (LOGISTIC_HESS_GROUP: tiles of H in registers, 8 x 8, or 8 x 16 in the
 * AVX-512 build, 4 x 12 in the AVX2 build (LOGISTIC_HESS_GROUP_256), the
 * terms of LG_HESS_SLOTS groups added per load and store of H), in place of a
 * block-sized X * sqrt(d) and a BLAS syrk. float64 throughout; the AVX2 and
 * AVX-512 builds of this part use fused multiply-adds (it is compared with
 * the numpy formula to rounding, not bit for bit); rows are added in order,
 * so the result does not depend on threads. logistic_sample_gram_f64 / _f32
 * (_fused_sample.h) form the same sums at logit 0 over rows picked by index,
 * read in place (Newton's zero start).
 *
 * Three builds (logistic_rows_level): level 0, the loop below in GCC/clang
 * vector extensions (8 doubles: four SSE2 registers) for the x86-64
 * baseline; level 1, AVX2 + FMA intrinsics (_fused_rows256.h); level 2,
 * AVX-512 intrinsics (_fused_rows512.h). Levels 1 and 2 prefetch and mask
 * their tails; level 2 widens float32 rows of up to LG_WIDE_MAX columns
 * once, level 1 converts them in registers where it reads them. The automatic level is 2 or 1 where the
 * CPU has it; level 0 runs only when asked for (tests).
 * LOGISTIC_ROWS_AVAILABLE is 0 where these extensions are missing; the
 * Cython caller then uses its BLAS path.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* __builtin_shufflevector: clang, and GCC from version 12 */
#if defined(__GNUC__) && defined(__x86_64__) && \
    (defined(__clang__) || __GNUC__ >= 12)
#define LOGISTIC_ROWS_AVAILABLE 1
#else
#define LOGISTIC_ROWS_AVAILABLE 0
#endif

/* Largest padded order q of the Hessian the row loop accumulates (p + 1 <= q);
 * declared in every build (hessian_max_order reads it). */
#define LG_HESS_MAX_Q 128

#if LOGISTIC_ROWS_AVAILABLE
#include <cpuid.h>
#include <immintrin.h>

typedef double lg_v8d __attribute__((vector_size(64)));
typedef double lg_v8d_u __attribute__((vector_size(64), aligned(8), may_alias));
typedef float lg_v8f_u __attribute__((vector_size(32), aligned(4), may_alias));

#define LG_ROWS 8

#ifdef LOGISTIC_MVEC
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_log1p(__m256d);
__m512d _ZGVeN8v_exp(__m512d);
__m512d _ZGVeN8v_log1p(__m512d);
#endif

#define LG_ATTR_512                                                                  \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"),                    \
                   optimize("fp-contract=off")))
#define LG_ATTR_256 __attribute__((target("avx2,fma"), optimize("fp-contract=off")))
#define LG_ATTR_BASE __attribute__((optimize("fp-contract=off")))

/* t[k] = exp(t[k]), l[k] = log1p(t[k]) for the eight rows of a group. */
LG_ATTR_256 static inline void lg_explog_256(double *t, double *l) {
#ifdef LOGISTIC_MVEC
    for (int h = 0; h < LG_ROWS; h += 4) {
        __m256d e = _ZGVdN4v_exp(_mm256_loadu_pd(t + h));
        _mm256_storeu_pd(t + h, e);
        _mm256_storeu_pd(l + h, _ZGVdN4v_log1p(e));
    }
#else
    for (int k = 0; k < LG_ROWS; k++) {
        t[k] = exp(t[k]);
        l[k] = log1p(t[k]);
    }
#endif
}

LG_ATTR_BASE static inline void lg_explog_base(double *t, double *l) {
    for (int k = 0; k < LG_ROWS; k++) {
        t[k] = exp(t[k]);
        l[k] = log1p(t[k]);
    }
}

/* Loads eight values of a row as float64. */
#define LG_LOAD_double(p) (*(const lg_v8d_u *)(p))
#define LG_LOAD_float(p) __builtin_convertvector(*(const lg_v8f_u *)(p), lg_v8d)

/* A compensated sum's value: tot + comp, or tot itself when it is not finite
 * (an infinite term leaves NaN in comp; the sum is then tot, as a plain sum's). */
#define LG_TOTAL(tot, comp) (isfinite(tot) ? (tot) + (comp) : (tot))

#define LG_NEUMAIER1(tot, comp, x)                                                   \
    do {                                                                             \
        const double t_ = (tot) + (x);                                               \
        (comp) += fabs(tot) >= fabs(x) ? ((tot) - t_) + (x) : ((x) - t_) + (tot);    \
        (tot) = t_;                                                                  \
    } while (0)

/* out[0], out[1]: the loss and residual sums of the LG_ROWS lanes (each lane's
 * compensated pair ls/lc and rs/rc), added in lane order. */
#define LG_LANE_TOTALS(ls, lc, rs, rc, out)                                          \
    do {                                                                             \
        double lt_ = 0.0, lcmp_ = 0.0, rt_ = 0.0, rcmp_ = 0.0;                       \
        for (int k_ = 0; k_ < LG_ROWS; k_++) {                                       \
            LG_NEUMAIER1(lt_, lcmp_, (ls)[k_]);                                      \
            lcmp_ += (lc)[k_];                                                       \
            LG_NEUMAIER1(rt_, rcmp_, (rs)[k_]);                                      \
            rcmp_ += (rc)[k_];                                                       \
        }                                                                            \
        (out)[0] = LG_TOTAL(lt_, lcmp_);                                             \
        (out)[1] = LG_TOTAL(rt_, rcmp_);                                             \
    } while (0)

typedef long long lg_v8i __attribute__((vector_size(64)));
typedef long long lg_v8i_u __attribute__((vector_size(64), aligned(8), may_alias));

/* mask ? a : b, lane by lane (mask lanes all ones or all zeros). */
#define LG_SEL(mask, a, b) ((lg_v8d)(((mask) & (lg_v8i)(a)) | (~(mask) & (lg_v8i)(b))))
#define LG_ABS(v) ((lg_v8d)((lg_v8i)(v) & ((lg_v8i){0} + 0x7fffffffffffffffLL)))

/* Neumaier's compensated tot += x in every lane. */
#define LG_NEUMAIER(tot, comp, x)                                                    \
    do {                                                                             \
        const lg_v8d t_ = (tot) + (x);                                               \
        const lg_v8i big_ = LG_ABS(tot) >= LG_ABS(x);                                \
        (comp) += LG_SEL(big_, ((tot) - t_) + (x), ((x) - t_) + (tot));              \
        (tot) = t_;                                                                  \
    } while (0)

/* The eight dot products of a group as one vector: lane k = sum of acc[k]'s
 * lanes, as ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)). */
#define LG_PAIR(a, c)                                                                \
    (__builtin_shufflevector(a, c, 0, 1, 2, 3, 8, 9, 10, 11) +                       \
     __builtin_shufflevector(a, c, 4, 5, 6, 7, 12, 13, 14, 15))
#define LG_QUAD(a, c)                                                                \
    (__builtin_shufflevector(a, c, 0, 1, 8, 9, 4, 5, 12, 13) +                       \
     __builtin_shufflevector(a, c, 2, 3, 10, 11, 6, 7, 14, 15))
#define LG_OCT(a, c)                                                                 \
    (__builtin_shufflevector(a, c, 0, 2, 4, 6, 8, 10, 12, 14) +                      \
     __builtin_shufflevector(a, c, 1, 3, 5, 7, 9, 11, 13, 15))

/* The eight rows' dot products, one row after the other (reads X in order). */
#define LG_DOTS(T)                                                                   \
    for (int k = 0; k < LG_ROWS; k++) {                                              \
        const T *restrict xk = x[k];                                                 \
        lg_v8d a = {0};                                                              \
        for (ptrdiff_t j = 0; j < pm; j += 8)                                        \
            a += LG_LOAD_##T(xk + j) * LG_LOAD_double(w + j);                        \
        acc[k] = a;                                                                  \
    }

/* Groups of eight rows whose Hessian terms are added to H together. */
#ifndef LG_HESS_SLOTS
#define LG_HESS_SLOTS 2
#endif

/* The Hessian terms of a group of eight rows: H += sum_k d_k x~_k x~_k^T,
 * x~_k = (x_k, 1, 0...) padded to q (a multiple of 8) columns, so column p of
 * H collects sum d x and H[p][p] sum d. xg holds the group's rows widened to
 * float64 (columns p.. already 1 and zeros), a the rows scaled by d_k. H is
 * q x q, row-major. The group goes to slot `slot` of xg and a; with `flush`
 * the rows of slots 0..slot are added to H: 8 x 8 tiles on and above the
 * diagonal (a tile's entries below the diagonal too: the caller mirrors the
 * upper triangle), each tile's eight rows of H held in registers while the
 * rows are added to it in row order. LG_HESS_SLOTS = 2 groups are added per
 * load and store of a tile: on AVX-512 that is 10-20 % faster than one group,
 * and more groups a flush measured no faster (the loads of H are then already
 * a small part), with the same bits either way. WIDE (the AVX-512 build,
 * whose 32 registers hold 16 accumulators): tiles of eight rows by 16 columns
 * where two vectors fit, so one load of a_k[j] serves 16 columns. A pass with
 * the Hessian over a higgs-sized block (7 000 x 28) takes ~176 us with these
 * tiles against ~186 us with 8 x 8 ones, ~437 against ~471 us at p = 60
 * (the same at p = 12). Every entry gets the same fused multiply-adds in
 * the same row order as in an 8 x 8 tile, so the sums are the same bits.
 * A row's widened copy and its weighted copy are both written from the row
 * in one loop: computing the weighted copy by vector loads of the widened
 * one, just stored value by value, stalls each load on store forwarding
 * (7 000 x 28 float64 on AMD Zen 4: ~325 against ~297 us a pass, the same
 * bits; the padding of the weighted copy past column p is zeroed once, in
 * LG_HESS_SETUP). */
#define LOGISTIC_HESS_GROUP(NAME, T, ATTR, WIDE)                                    \
    ATTR static inline void NAME(ptrdiff_t p, ptrdiff_t q, const T *const *x,        \
                                 const double *dk, double *restrict xg,              \
                                 double *restrict a, double *restrict H, int slot,   \
                                 int flush) {                                        \
        for (int k = 0; k < LG_ROWS; k++) {                                          \
            const T *restrict xs = x[k];                                             \
            double *restrict xr = xg + (slot * LG_ROWS + k) * q;                     \
            const double s = dk[k];                                                  \
            double *restrict ar = a + (slot * LG_ROWS + k) * q;                      \
            for (ptrdiff_t j = 0; j < p; j++) {                                      \
                const double v_ = (double)xs[j];                                     \
                xr[j] = v_;                                                          \
                ar[j] = v_ * s;                                                      \
            }                                                                        \
            ar[p] = s;                                                               \
        }                                                                            \
        if (!flush)                                                                  \
            return;                                                                  \
        const int nr = (slot + 1) * LG_ROWS;                                         \
        for (ptrdiff_t jt = 0; jt <= p; jt += 8) {                                   \
            ptrdiff_t c = jt;                                                        \
            for (; WIDE && c + 8 < q; c += 16) {                                     \
                double *restrict h = H + jt * q + c;                                 \
                lg_v8d h0 = LG_LOAD_double(h), h1 = LG_LOAD_double(h + q);           \
                lg_v8d h2 = LG_LOAD_double(h + 2 * q);                               \
                lg_v8d h3 = LG_LOAD_double(h + 3 * q);                               \
                lg_v8d h4 = LG_LOAD_double(h + 4 * q);                               \
                lg_v8d h5 = LG_LOAD_double(h + 5 * q);                               \
                lg_v8d h6 = LG_LOAD_double(h + 6 * q);                               \
                lg_v8d h7 = LG_LOAD_double(h + 7 * q);                               \
                lg_v8d e0 = LG_LOAD_double(h + 8), e1 = LG_LOAD_double(h + q + 8);   \
                lg_v8d e2 = LG_LOAD_double(h + 2 * q + 8);                           \
                lg_v8d e3 = LG_LOAD_double(h + 3 * q + 8);                           \
                lg_v8d e4 = LG_LOAD_double(h + 4 * q + 8);                           \
                lg_v8d e5 = LG_LOAD_double(h + 5 * q + 8);                           \
                lg_v8d e6 = LG_LOAD_double(h + 6 * q + 8);                           \
                lg_v8d e7 = LG_LOAD_double(h + 7 * q + 8);                           \
                for (int k = 0; k < nr; k++) {                                       \
                    const lg_v8d xv = *(const lg_v8d *)(xg + k * q + c);             \
                    const lg_v8d xw = *(const lg_v8d *)(xg + k * q + c + 8);         \
                    const double *ak = a + k * q + jt;                               \
                    h0 += xv * ak[0];                                                \
                    e0 += xw * ak[0];                                                \
                    h1 += xv * ak[1];                                                \
                    e1 += xw * ak[1];                                                \
                    h2 += xv * ak[2];                                                \
                    e2 += xw * ak[2];                                                \
                    h3 += xv * ak[3];                                                \
                    e3 += xw * ak[3];                                                \
                    h4 += xv * ak[4];                                                \
                    e4 += xw * ak[4];                                                \
                    h5 += xv * ak[5];                                                \
                    e5 += xw * ak[5];                                                \
                    h6 += xv * ak[6];                                                \
                    e6 += xw * ak[6];                                                \
                    h7 += xv * ak[7];                                                \
                    e7 += xw * ak[7];                                                \
                }                                                                    \
                *(lg_v8d_u *)h = h0;                                                 \
                *(lg_v8d_u *)(h + q) = h1;                                           \
                *(lg_v8d_u *)(h + 2 * q) = h2;                                       \
                *(lg_v8d_u *)(h + 3 * q) = h3;                                       \
                *(lg_v8d_u *)(h + 4 * q) = h4;                                       \
                *(lg_v8d_u *)(h + 5 * q) = h5;                                       \
                *(lg_v8d_u *)(h + 6 * q) = h6;                                       \
                *(lg_v8d_u *)(h + 7 * q) = h7;                                       \
                *(lg_v8d_u *)(h + 8) = e0;                                           \
                *(lg_v8d_u *)(h + q + 8) = e1;                                       \
                *(lg_v8d_u *)(h + 2 * q + 8) = e2;                                   \
                *(lg_v8d_u *)(h + 3 * q + 8) = e3;                                   \
                *(lg_v8d_u *)(h + 4 * q + 8) = e4;                                   \
                *(lg_v8d_u *)(h + 5 * q + 8) = e5;                                   \
                *(lg_v8d_u *)(h + 6 * q + 8) = e6;                                   \
                *(lg_v8d_u *)(h + 7 * q + 8) = e7;                                   \
            }                                                                        \
            for (; c < q; c += 8) {                                                  \
                double *restrict h = H + jt * q + c;                                 \
                lg_v8d h0 = LG_LOAD_double(h), h1 = LG_LOAD_double(h + q);           \
                lg_v8d h2 = LG_LOAD_double(h + 2 * q);                               \
                lg_v8d h3 = LG_LOAD_double(h + 3 * q);                               \
                lg_v8d h4 = LG_LOAD_double(h + 4 * q);                               \
                lg_v8d h5 = LG_LOAD_double(h + 5 * q);                               \
                lg_v8d h6 = LG_LOAD_double(h + 6 * q);                               \
                lg_v8d h7 = LG_LOAD_double(h + 7 * q);                               \
                for (int k = 0; k < nr; k++) {                                       \
                    const lg_v8d xv = *(const lg_v8d *)(xg + k * q + c);             \
                    const double *ak = a + k * q + jt;                               \
                    h0 += xv * ak[0];                                                \
                    h1 += xv * ak[1];                                                \
                    h2 += xv * ak[2];                                                \
                    h3 += xv * ak[3];                                                \
                    h4 += xv * ak[4];                                                \
                    h5 += xv * ak[5];                                                \
                    h6 += xv * ak[6];                                                \
                    h7 += xv * ak[7];                                                \
                }                                                                    \
                *(lg_v8d_u *)h = h0;                                                 \
                *(lg_v8d_u *)(h + q) = h1;                                           \
                *(lg_v8d_u *)(h + 2 * q) = h2;                                       \
                *(lg_v8d_u *)(h + 3 * q) = h3;                                       \
                *(lg_v8d_u *)(h + 4 * q) = h4;                                       \
                *(lg_v8d_u *)(h + 5 * q) = h5;                                       \
                *(lg_v8d_u *)(h + 6 * q) = h6;                                       \
                *(lg_v8d_u *)(h + 7 * q) = h7;                                       \
            }                                                                        \
        }                                                                            \
    }

/* With H (q x q, zeroed here): the Hessian's scratch for LG_HESS_SLOTS
 * groups of rows, xg (the rows extended by x_p = 1 and zeros to q columns) and
 * ha (their curvature-weighted copies), and hslot, the next group's slot. */
#define LG_HESS_SETUP(H, p, q)                                                       \
    double xg[(H) ? LG_HESS_SLOTS * LG_ROWS * (q) : 1] __attribute__((aligned(64))); \
    double ha[(H) ? LG_HESS_SLOTS * LG_ROWS * (q) : 1] __attribute__((aligned(64))); \
    int hslot = 0;                                                                   \
    if (H) {                                                                         \
        memset((H), 0, (size_t)((q) * (q)) * sizeof(double));                        \
        memset(xg, 0, sizeof(xg));                                                   \
        memset(ha, 0, sizeof(ha));                                                   \
        for (int k = 0; k < LG_HESS_SLOTS * LG_ROWS; k++)                            \
            xg[k * (q) + (p)] = 1.0;                                                 \
    }

/* With H: its lower triangle (order p + 1) copied from the upper one, which
 * the Hessian groups form. */
#define LG_HESS_MIRROR(H, p, q)                                                      \
    do {                                                                             \
        if (H)                                                                       \
            for (ptrdiff_t ja = 0; ja <= (p); ja++)                                  \
                for (ptrdiff_t jc = ja + 1; jc <= (p); jc++)                         \
                    (H)[jc * (q) + ja] = (H)[ja * (q) + jc];                         \
    } while (0)

/* The start of a row loop: the compensated lane sums ls/lc (loss) and rs/rc
 * (residual) at zero, the Hessian's scratch (LG_HESS_SETUP), pm the columns
 * of whole eights. */
#define LG_ROWS_PROLOGUE(H, p, q)                                                    \
    lg_v8d ls = {0}, lc = {0}, rs = {0}, rc = {0};                                   \
    LG_HESS_SETUP(H, p, q);                                                          \
    const ptrdiff_t pm = (p) - (p) % 8

#define LOGISTIC_DENSE_ROWS(NAME, T, ATTR, EXPLOG, HESS)                             \
    ATTR static void NAME(ptrdiff_t n, ptrdiff_t p, const T *X, ptrdiff_t ld,        \
                          const double *restrict w, double b,                        \
                          const double *restrict off, const T *restrict y,           \
                          const double *restrict sw, double *restrict g,             \
                          double *restrict d, int with_grad, double *out,            \
                          double *restrict H, ptrdiff_t q) {                         \
        LG_ROWS_PROLOGUE(H, p, q);                                                   \
        double wt[8] = {0};                                                          \
        for (ptrdiff_t j = pm; j < p; j++)                                           \
            wt[j - pm] = w[j];                                                       \
        const lg_v8d wtail = LG_LOAD_double(wt);                                     \
        if (with_grad)                                                               \
            memset(g, 0, (size_t)p * sizeof(double));                                \
        for (ptrdiff_t i0 = 0; i0 < n; i0 += LG_ROWS) {                              \
            const ptrdiff_t m = n - i0 < LG_ROWS ? n - i0 : LG_ROWS;                 \
            const T *x[LG_ROWS];                                                     \
            double yk[LG_ROWS], sk[LG_ROWS], ok[LG_ROWS];                            \
            long long vk[LG_ROWS];                                                   \
            for (int k = 0; k < LG_ROWS; k++) {                                      \
                const ptrdiff_t i = i0 + (k < m ? k : m - 1);                        \
                x[k] = X + i * ld;                                                   \
                yk[k] = (double)y[i];                                                \
                sk[k] = sw ? sw[i] : 1.0;                                            \
                ok[k] = b + (off ? off[i] : 0.0);                                    \
                vk[k] = k < m ? -1 : 0;                                              \
            }                                                                        \
            lg_v8d acc[LG_ROWS];                                                     \
            for (int k = 0; k < LG_ROWS; k++)                                        \
                acc[k] = (lg_v8d){0};                                                \
            LG_DOTS(T)                                                               \
            if (pm < p)                                                              \
                for (int k = 0; k < LG_ROWS; k++) {                                  \
                    T xt[8] = {0};                                                   \
                    for (ptrdiff_t j = pm; j < p; j++)                               \
                        xt[j - pm] = x[k][j];                                        \
                    acc[k] += LG_LOAD_##T(xt) * wtail;                               \
                }                                                                    \
            const lg_v8d zv =                                                        \
                LG_OCT(LG_QUAD(LG_PAIR(acc[0], acc[2]), LG_PAIR(acc[1], acc[3])),    \
                       LG_QUAD(LG_PAIR(acc[4], acc[6]), LG_PAIR(acc[5], acc[7]))) +  \
                LG_LOAD_double(ok);                                                  \
            double t[LG_ROWS], l1[LG_ROWS], r[LG_ROWS];                              \
            *(lg_v8d_u *)t = -LG_ABS(zv);                                            \
            EXPLOG(t, l1);                                                           \
            const lg_v8d tv = LG_LOAD_double(t), lv = LG_LOAD_double(l1);            \
            const lg_v8d yv = LG_LOAD_double(yk), sv = LG_LOAD_double(sk);           \
            const lg_v8i valid = *(const lg_v8i_u *)vk;                                \
            const lg_v8d u = 1.0 + tv, inv = 1.0 / u;                                \
            const lg_v8i pos = zv >= 0.0;                                            \
            const lg_v8d lo = LG_SEL(pos, lv + (1.0 - yv) * zv, lv - yv * zv);       \
            const lg_v8d sg = LG_SEL(pos, inv, tv * inv);                            \
            const lg_v8d zero = {0};                                                 \
            const lg_v8d lw = LG_SEL(valid, sv * lo, zero);                          \
            const lg_v8d rw = LG_SEL(valid, sv * (sg - yv), zero);                   \
            *(lg_v8d_u *)r = rw;                                                     \
            LG_NEUMAIER(ls, lc, lw);                                                 \
            LG_NEUMAIER(rs, rc, rw);                                                 \
            if (d) {                                                                 \
                double dk[LG_ROWS];                                                  \
                *(lg_v8d_u *)dk = sv * (tv / (u * u));                               \
                for (int k = 0; k < m; k++)                                          \
                    d[i0 + k] = dk[k];                                               \
            }                                                                        \
            if (H) {                                                                 \
                double dk[LG_ROWS];                                                  \
                *(lg_v8d_u *)dk = LG_SEL(valid, sv * (tv / (u * u)), zero);          \
                const int flush_ = hslot == LG_HESS_SLOTS - 1 || i0 + LG_ROWS >= n;  \
                HESS(p, q, x, dk, xg, ha, H, hslot, flush_);                         \
                hslot = flush_ ? 0 : hslot + 1;                                      \
            }                                                                        \
            if (!with_grad)                                                          \
                continue;                                                            \
            if (m < LG_ROWS) { /* the block's last, partial group */                 \
                for (int k = 0; k < m; k++)                                          \
                    for (ptrdiff_t j = 0; j < p; j++)                                \
                        g[j] += (double)x[k][j] * r[k];                              \
                continue;                                                            \
            }                                                                        \
            const T *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2];   \
            const T *restrict x3 = x[3], *restrict x4 = x[4], *restrict x5 = x[5];   \
            const T *restrict x6 = x[6], *restrict x7 = x[7];                        \
            for (ptrdiff_t j = 0; j < pm; j += 8) {                                  \
                lg_v8d v = LG_LOAD_double(g + j);                                    \
                v += LG_LOAD_##T(x0 + j) * r[0];                                     \
                v += LG_LOAD_##T(x1 + j) * r[1];                                     \
                v += LG_LOAD_##T(x2 + j) * r[2];                                     \
                v += LG_LOAD_##T(x3 + j) * r[3];                                     \
                v += LG_LOAD_##T(x4 + j) * r[4];                                     \
                v += LG_LOAD_##T(x5 + j) * r[5];                                     \
                v += LG_LOAD_##T(x6 + j) * r[6];                                     \
                v += LG_LOAD_##T(x7 + j) * r[7];                                     \
                *(lg_v8d_u *)(g + j) = v;                                            \
            }                                                                        \
            for (ptrdiff_t j = pm; j < p; j++) {                                     \
                double v = g[j];                                                     \
                for (int k = 0; k < LG_ROWS; k++)                                    \
                    v += (double)x[k][j] * r[k];                                     \
                g[j] = v;                                                            \
            }                                                                        \
        }                                                                            \
        LG_LANE_TOTALS(ls, lc, rs, rc, out);                                         \
        LG_HESS_MIRROR(H, p, q);                                                     \
    }

#define LG_ATTR_512_FMA                                                              \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"),                    \
                   optimize("fp-contract=fast")))
LOGISTIC_HESS_GROUP(lg_hess_f64_512, double, LG_ATTR_512_FMA, 1)
LOGISTIC_HESS_GROUP(lg_hess_f32_512, float, LG_ATTR_512_FMA, 1)
LOGISTIC_HESS_GROUP(lg_hess_f64_base, double, LG_ATTR_BASE, 0)
LOGISTIC_HESS_GROUP(lg_hess_f32_base, float, LG_ATTR_BASE, 0)
LOGISTIC_DENSE_ROWS(lg_rows_f64_base, double, LG_ATTR_BASE, lg_explog_base, lg_hess_f64_base)
LOGISTIC_DENSE_ROWS(lg_rows_f32_base, float, LG_ATTR_BASE, lg_explog_base, lg_hess_f32_base)

/* The AVX-512 build (level 2): lg_rows512_f64 / lg_rows512_f32. */
#include "_fused_rows512.h"

/* The AVX2 + FMA build (level 1): lg_rows256_f64 / lg_rows256_f32. */
#include "_fused_rows256.h"

/* 2: AVX-512, 1: AVX2 + FMA, 0: baseline; -1 until detected. */
static int logistic_rows_cpu = -1;
/* -2: automatic; otherwise the level asked for by logistic_rows_force. */
static int logistic_rows_forced = -2;

/* The level the row loop runs at, -1 for none (the caller's BLAS path).
 * Automatic: 2 on AVX-512 CPUs, 1 on AVX2 + FMA CPUs, else -1. On an AMD
 * EPYC Zen 3 (AVX2 + FMA, 2 vCPUs, load 4-10 from other jobs) level 1 beat
 * the BLAS path (two gemv a block, X * sqrt(d) and syrk for the Hessian)
 * everywhere it was measured:
 * - `python -m benchmarks.kernel_pass --levels=-1,0,1` (1M x 100, one
 *   value+gradient pass over one X @ w): float64 1.37x against 1.91x
 *   (level 0: 1.70x), float32 1.84x against 2.89x (4.21x); with --one-core
 *   1.37x against 2.04x and 2.10x against 2.63x;
 * - whole fits, `python -m benchmarks.kernel_pass --fits
 *   dense1m,illcond1m,wide100k --on-level 1` (BLAS time over row-loop time,
 *   medians of 5): 1.99, 1.52, 1.30;
 * - small fits, `python -m benchmarks.first_fit --datasets
 *   higgs,ijcnn1,credit-default --rounds 6 --later 2` (CPU ms of a later
 *   fit, BLAS path against level 1): higgs 6.3 / 5.2, ijcnn1 49.7 / 39.0,
 *   credit-default 29.6 / 13.4.
 * The baseline build measured about as fast as the BLAS path and serves
 * tests and explicit requests (logistic_rows_force, clamped to what the CPU
 * has; -2 restores the automatic choice). */
static int logistic_rows_level(void) {
    if (logistic_rows_cpu < 0) {
        __builtin_cpu_init();
        logistic_rows_cpu = (__builtin_cpu_supports("avx512f") &&
                             __builtin_cpu_supports("avx512dq") &&
                             __builtin_cpu_supports("avx512vl"))
                                ? 2
                            : (__builtin_cpu_supports("avx2") &&
                               __builtin_cpu_supports("fma"))
                                ? 1
                                : 0;
    }
    if (logistic_rows_forced == -2)
        return logistic_rows_cpu >= 1 ? logistic_rows_cpu : -1;
    return logistic_rows_forced < logistic_rows_cpu ? logistic_rows_forced
                                                    : logistic_rows_cpu;
}

static void logistic_rows_force(int level) {
    logistic_rows_forced = level < -2 ? -2 : level > 2 ? 2 : level;
}

/* The AVX-512 loops' prefetch target: 1 (L1) or 2 (L2) forced, 0 automatic;
 * returns the level in use. */
static int logistic_rows_prefetch(int level) {
    lg512_pf_forced = level == 1 || level == 2 ? level : 0;
    return lg512_prefetch_level();
}

static void logistic_dense_rows_f64(ptrdiff_t n, ptrdiff_t p, const double *X,
                                    ptrdiff_t ld, const double *w, double b,
                                    const double *off, const double *y,
                                    const double *sw, double *g, double *d,
                                    int with_grad, double *out, double *H,
                                    ptrdiff_t q) {
    switch (logistic_rows_level()) {
    case 2:
        lg_rows512_f64(n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
        break;
    case 1:
        lg_rows256_f64(n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
        break;
    default:
        lg_rows_f64_base(n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
    }
}

static void logistic_dense_rows_f32(ptrdiff_t n, ptrdiff_t p, const float *X,
                                    ptrdiff_t ld, const double *w, double b,
                                    const double *off, const float *y,
                                    const double *sw, double *g, double *d,
                                    int with_grad, double *out, double *H,
                                    ptrdiff_t q) {
    switch (logistic_rows_level()) {
    case 2:
        lg_rows512_f32(n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
        break;
    case 1:
        lg_rows256_f32(n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
        break;
    default:
        lg_rows_f32_base(n, p, X, ld, w, b, off, y, sw, g, d, with_grad, out, H, q);
    }
}

#else /* no vector extensions: the Cython caller uses BLAS */
static int logistic_rows_level(void) { return -1; }
static void logistic_rows_force(int level) { (void)level; }
static int logistic_rows_prefetch(int level) { (void)level; return 0; }
static void logistic_dense_rows_f64(ptrdiff_t n, ptrdiff_t p, const double *X,
                                    ptrdiff_t ld, const double *w, double b,
                                    const double *off, const double *y,
                                    const double *sw, double *g, double *d,
                                    int with_grad, double *out, double *H,
                                    ptrdiff_t q) {
    (void)H; (void)q; (void)n; (void)p; (void)X; (void)ld; (void)w; (void)b; (void)off; (void)y;
    (void)sw; (void)g; (void)d; (void)with_grad; out[0] = out[1] = NAN;
}
static void logistic_dense_rows_f32(ptrdiff_t n, ptrdiff_t p, const float *X,
                                    ptrdiff_t ld, const double *w, double b,
                                    const double *off, const float *y,
                                    const double *sw, double *g, double *d,
                                    int with_grad, double *out, double *H,
                                    ptrdiff_t q) {
    (void)H; (void)q; (void)n; (void)p; (void)X; (void)ld; (void)w; (void)b; (void)off; (void)y;
    (void)sw; (void)g; (void)d; (void)with_grad; out[0] = out[1] = NAN;
}
#endif

/* Newton's zero-start sums of sampled rows, read in place. */
#include "_fused_sample.h"

/* CSR logits with AVX-512 gathers (at row loop level 2). */
#include "_fused_csr.h"
