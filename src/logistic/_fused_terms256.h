/* The AVX2 row loop's row terms (level 1), included by _fused_rows256.h:
 * from four or eight rows' logits, e^{-|z|} and log1p(e^{-|z|}) as inline
 * vector code (lg256_exp_nonpos: within 1 ulp of glibc's exp; lg256_log1p_unit:
 * fdlibm's log1p reusing 1 / (1 + t)), then the loss, the residual and the
 * curvature of each row, and the compensated (Neumaier) loss and residual sums
 * per lane (LG256_ROW_TERMS, LG256_TOTALS); the row masks and label loads of a
 * group's last, partial, four rows. The formulas of the baseline build's row
 * loop (_fused_rows.h, LOGISTIC_DENSE_ROWS), without contraction.
 */

/* The lanes of rows 0..m - 1 of a group (all ones), rows 0-3 and 4-7. */
typedef struct {
    __m256i lo, hi;
} lg256_rowmask;
LG_ATTR_256 static inline lg256_rowmask lg256_rows_mask(ptrdiff_t m) {
    const __m256i mv = _mm256_set1_epi64x(m);
    lg256_rowmask r;
    r.lo = _mm256_cmpgt_epi64(mv, _mm256_setr_epi64x(0, 1, 2, 3));
    r.hi = _mm256_cmpgt_epi64(mv, _mm256_setr_epi64x(4, 5, 6, 7));
    return r;
}

/* Four rows' y (T) as float64, the lanes of mask (masked: zeros elsewhere). */
LG_ATTR_256 static inline __m256d lg256_y_double(const double *p) {
    return _mm256_loadu_pd(p);
}
LG_ATTR_256 static inline __m256d lg256_y_float(const float *p) {
    return _mm256_cvtps_pd(_mm_loadu_ps(p));
}
LG_ATTR_256 static inline __m256d lg256_ym_double(const double *p, __m256i mask) {
    return _mm256_maskload_pd(p, mask);
}
LG_ATTR_256 static inline __m256d lg256_ym_float(const float *p, __m256i mask) {
    /* the low 32 bits of each 64-bit lane carry its sign to the float lane */
    const __m128i m32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(
        mask, _mm256_setr_epi32(1, 3, 5, 7, 1, 3, 5, 7)));
    return _mm256_cvtps_pd(_mm_maskload_ps(p, m32));
}

/* Neumaier's compensated tot += x in every lane (LG_NEUMAIER's formulas). */
LG_ATTR_256 static inline void lg256_neumaier(__m256d *tot, __m256d *comp, __m256d x) {
    const __m256d am = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d t = _mm256_add_pd(*tot, x);
    const __m256d big =
        _mm256_cmp_pd(_mm256_and_pd(*tot, am), _mm256_and_pd(x, am), _CMP_GE_OQ);
    const __m256d a = _mm256_add_pd(_mm256_sub_pd(*tot, t), x);
    const __m256d c = _mm256_add_pd(_mm256_sub_pd(x, t), *tot);
    *comp = _mm256_add_pd(*comp, _mm256_blendv_pd(c, a, big));
    *tot = t;
}

/* e^x for x <= 0 or NaN, four lanes: x = n ln2 + r (|r| <= ln2 / 2, ln2 in
 * two parts, the first with 32 zero low bits so n ln2_hi is exact), e^r by
 * its Taylor polynomial of degree 13 (truncation below 5e-18 relative),
 * times 2^n built in the exponent bits. Lanes below -708 (2^n would be
 * subnormal, or x = -inf) take the C library's exp. */
LG_ATTR_256 static inline __m256d lg256_exp_nonpos(__m256d x) {
    const __m256d shifter = _mm256_set1_pd(0x1.8p52);
    const __m256d kd =
        _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(0x1.71547652b82fep0)), shifter);
    const __m256d n = _mm256_sub_pd(kd, shifter);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(6.93147180369123816490e-01), x);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.90821492927058770002e-10), r);
    /* 1 + r (1 + r (1/2 + r q(r))), q = sum_{i>=3} r^{i-3} / i! by Estrin's
     * scheme: seven multiply-adds deep rather than 13 */
#define LG256_C(v) _mm256_set1_pd(v)
    const __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2);
    const __m256d r8 = _mm256_mul_pd(r4, r4);
    const __m256d q01 = _mm256_fmadd_pd(r, LG256_C(1.0 / 24.0), LG256_C(1.0 / 6.0));
    const __m256d q23 = _mm256_fmadd_pd(r, LG256_C(1.0 / 720.0), LG256_C(1.0 / 120.0));
    const __m256d q45 =
        _mm256_fmadd_pd(r, LG256_C(1.0 / 40320.0), LG256_C(1.0 / 5040.0));
    const __m256d q67 =
        _mm256_fmadd_pd(r, LG256_C(1.0 / 3628800.0), LG256_C(1.0 / 362880.0));
    const __m256d q89 =
        _mm256_fmadd_pd(r, LG256_C(1.0 / 479001600.0), LG256_C(1.0 / 39916800.0));
    const __m256d q03 = _mm256_fmadd_pd(q23, r2, q01);
    const __m256d q47 = _mm256_fmadd_pd(q67, r2, q45);
    const __m256d q8a = _mm256_fmadd_pd(LG256_C(1.0 / 6227020800.0), r2, q89);
    const __m256d q07 = _mm256_fmadd_pd(q47, r4, q03);
    const __m256d q = _mm256_fmadd_pd(q8a, r8, q07);
    __m256d e = _mm256_fmadd_pd(q, r, LG256_C(0.5));
    e = _mm256_fmadd_pd(e, r, LG256_C(1.0));
    e = _mm256_fmadd_pd(e, r, LG256_C(1.0));
#undef LG256_C
    const __m256i scale = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_castpd_si256(kd), _mm256_set1_epi64x(1023)), 52);
    __m256d t = _mm256_mul_pd(e, _mm256_castsi256_pd(scale));
    if (__builtin_expect(
            _mm256_movemask_pd(_mm256_cmp_pd(x, _mm256_set1_pd(-708.0), _CMP_LT_OQ)), 0)) {
        double xs[4], ts[4];
        _mm256_storeu_pd(xs, x);
        _mm256_storeu_pd(ts, t);
        for (int k = 0; k < 4; k++)
            if (xs[k] < -708.0)
                ts[k] = exp(xs[k]);
        t = _mm256_loadu_pd(ts);
    }
    return t;
}

/* log1p(t) for t in [0, 1] or NaN, four lanes, given u = 1 + t and inv = 1 / u
 * (fdlibm's log1p: u = 2^e m with m in [sqrt(2)/2, sqrt(2)), e in {0, 1};
 * log m = 2 atanh(s), s = (m - 1) / (m + 1), by fdlibm's polynomial in s^2;
 * c = t - (u - 1), exact, adds c / u). */
LG_ATTR_256 static inline __m256d lg256_log1p_unit(__m256d t, __m256d u, __m256d inv) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d c = _mm256_sub_pd(t, _mm256_sub_pd(u, one));
    const __m256d big = _mm256_cmp_pd(u, _mm256_set1_pd(0x1.6a09e667f3bcdp0), _CMP_GE_OQ);
    const __m256d m = _mm256_blendv_pd(u, _mm256_mul_pd(u, _mm256_set1_pd(0.5)), big);
    const __m256d ek = _mm256_and_pd(big, one);
    const __m256d f = _mm256_sub_pd(m, one);
    const __m256d s = _mm256_div_pd(f, _mm256_add_pd(_mm256_set1_pd(2.0), f));
    const __m256d z = _mm256_mul_pd(s, s), w = _mm256_mul_pd(z, z);
    __m256d t1 = _mm256_fmadd_pd(w, _mm256_set1_pd(1.531383769920937332e-01),
                                 _mm256_set1_pd(2.222219843214978396e-01));
    t1 = _mm256_fmadd_pd(w, t1, _mm256_set1_pd(3.999999999940941908e-01));
    t1 = _mm256_mul_pd(w, t1);
    __m256d t2 = _mm256_fmadd_pd(w, _mm256_set1_pd(1.479819860511658591e-01),
                                 _mm256_set1_pd(1.818357216161805012e-01));
    t2 = _mm256_fmadd_pd(w, t2, _mm256_set1_pd(2.857142874366239149e-01));
    t2 = _mm256_fmadd_pd(w, t2, _mm256_set1_pd(6.666666666666735130e-01));
    t2 = _mm256_mul_pd(z, t2);
    const __m256d R = _mm256_add_pd(t2, t1);
    const __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(0.5), f), f);
    const __m256d lo = _mm256_fmadd_pd(ek, _mm256_set1_pd(1.90821492927058770002e-10),
                                       _mm256_mul_pd(c, inv));
    const __m256d inner = _mm256_add_pd(_mm256_mul_pd(s, _mm256_add_pd(hfsq, R)), lo);
    return _mm256_sub_pd(_mm256_mul_pd(ek, _mm256_set1_pd(6.93147180369123816490e-01)),
                         _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f));
}

/* The row terms of four rows (logits z, labels y, weights s, valid: all
 * ones for rows of the block): the weighted loss to lw, the residual to rw,
 * the curvature to dk (zeros past the block's rows). The formulas of
 * LOGISTIC_DENSE_ROWS, without contraction, with t = e^{-|z|} and log1p(t)
 * from lg256_exp_nonpos and lg256_log1p_unit (at most 1 ulp from glibc's
 * exp and log1p over their range here, measured on 8e7 arguments). */
LG_ATTR_256 static inline void lg256_terms4(__m256d z, __m256d y, __m256d s,
                                            __m256d valid, __m256d *lw, __m256d *rw,
                                            __m256d *dk, int with_dk) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d t = lg256_exp_nonpos(_mm256_or_pd(z, _mm256_set1_pd(-0.0)));
    const __m256d u = _mm256_add_pd(one, t), inv = _mm256_div_pd(one, u);
    const __m256d l = lg256_log1p_unit(t, u, inv);
    const __m256d pos = _mm256_cmp_pd(z, _mm256_setzero_pd(), _CMP_GE_OQ);
    const __m256d lo =
        _mm256_blendv_pd(_mm256_sub_pd(l, _mm256_mul_pd(y, z)),
                         _mm256_add_pd(l, _mm256_mul_pd(_mm256_sub_pd(one, y), z)), pos);
    const __m256d sg = _mm256_blendv_pd(_mm256_mul_pd(t, inv), inv, pos);
    *lw = _mm256_and_pd(valid, _mm256_mul_pd(s, lo));
    *rw = _mm256_and_pd(valid, _mm256_mul_pd(s, _mm256_sub_pd(sg, y)));
    if (with_dk)
        *dk = _mm256_and_pd(valid,
                            _mm256_mul_pd(s, _mm256_div_pd(t, _mm256_mul_pd(u, u))));
}

/* The row terms of group i0 (m rows, logits z_lo/z_hi): the residuals to r
 * (zero past m), the curvature to dq (zero past m) with d or H, to d[i0..]
 * with d; loss and residual added to the compensated lane sums (rows 0-3 in
 * ls0/lc0/rs0/rc0, rows 4-7 in ls1/...). */
#define LG256_ROW_TERMS(T, z_lo, z_hi, i0, m, r, dq)                                 \
    do {                                                                             \
        __m256d y0_, y1_, s0_, s1_, v0_, v1_;                                        \
        if ((m) == LG_ROWS) {                                                        \
            y0_ = lg256_y_##T(y + (i0));                                             \
            y1_ = lg256_y_##T(y + (i0) + 4);                                         \
            s0_ = sw ? _mm256_loadu_pd(sw + (i0)) : _mm256_set1_pd(1.0);             \
            s1_ = sw ? _mm256_loadu_pd(sw + (i0) + 4) : _mm256_set1_pd(1.0);         \
            v0_ = v1_ = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));                 \
        } else {                                                                     \
            const lg256_rowmask mk_ = lg256_rows_mask(m);                            \
            y0_ = lg256_ym_##T(y + (i0), mk_.lo);                                    \
            y1_ = lg256_ym_##T(y + (i0) + 4, mk_.hi);                                \
            v0_ = _mm256_castsi256_pd(mk_.lo);                                       \
            v1_ = _mm256_castsi256_pd(mk_.hi);                                       \
            s0_ = sw ? _mm256_maskload_pd(sw + (i0), mk_.lo)                         \
                     : _mm256_and_pd(v0_, _mm256_set1_pd(1.0));                      \
            s1_ = sw ? _mm256_maskload_pd(sw + (i0) + 4, mk_.hi)                     \
                     : _mm256_and_pd(v1_, _mm256_set1_pd(1.0));                      \
        }                                                                            \
        const int wdk_ = d || H;                                                     \
        __m256d lw0_, lw1_, rw0_, rw1_, dk0_ = v0_, dk1_ = v1_;                      \
        lg256_terms4(z_lo, y0_, s0_, v0_, &lw0_, &rw0_, &dk0_, wdk_);                \
        lg256_terms4(z_hi, y1_, s1_, v1_, &lw1_, &rw1_, &dk1_, wdk_);                \
        _mm256_storeu_pd((r), rw0_);                                                 \
        _mm256_storeu_pd((r) + 4, rw1_);                                             \
        lg256_neumaier(&ls0, &lc0, lw0_);                                            \
        lg256_neumaier(&ls1, &lc1, lw1_);                                            \
        lg256_neumaier(&rs0, &rc0, rw0_);                                            \
        lg256_neumaier(&rs1, &rc1, rw1_);                                            \
        if (wdk_) {                                                                  \
            _mm256_storeu_pd((dq), dk0_);                                            \
            _mm256_storeu_pd((dq) + 4, dk1_);                                        \
            if (d)                                                                   \
                for (int k_ = 0; k_ < (m); k_++)                                     \
                    d[(i0) + k_] = (dq)[k_];                                         \
        }                                                                            \
    } while (0)

/* The loss and residual sums of the lane sums (LG_LANE_TOTALS). */
#define LG256_TOTALS(out)                                                            \
    do {                                                                             \
        double ls_[LG_ROWS], lc_[LG_ROWS], rs_[LG_ROWS], rc_[LG_ROWS];               \
        _mm256_storeu_pd(ls_, ls0);                                                  \
        _mm256_storeu_pd(ls_ + 4, ls1);                                              \
        _mm256_storeu_pd(lc_, lc0);                                                  \
        _mm256_storeu_pd(lc_ + 4, lc1);                                              \
        _mm256_storeu_pd(rs_, rs0);                                                  \
        _mm256_storeu_pd(rs_ + 4, rs1);                                              \
        _mm256_storeu_pd(rc_, rc0);                                                  \
        _mm256_storeu_pd(rc_ + 4, rc1);                                              \
        LG_LANE_TOTALS(ls_, lc_, rs_, rc_, out);                                     \
    } while (0)
