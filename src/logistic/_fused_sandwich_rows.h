/* The row loop of a CSR block's Hessian sums (logistic._fused.csr_sandwich).
 *
 * logistic_sandwich_rows_<data>_<index>(n, p, data, indices, indptr, d, H, hd)
 * adds the upper triangle of sum_i d_i x_i x_i^T to the dense row-major
 * p x p array H and sum_i d_i x_i to hd (both accumulate: the caller zeroes
 * them and mirrors H's upper triangle). Rows with d_i = 0 add nothing.
 *
 * A row whose column indices ascend adds d_i x_ij x_ik to H[j, k] for every
 * pair of its values j <= k (the diagonal once); a row of values all 1
 * (one-hot, binary features) adds d_i to those entries without a product
 * (d_i * 1 * 1: the same bits). A row whose indices do not ascend (unsorted
 * or duplicated) adds each pair to H[min, max], a duplicate index's cross
 * term twice, as the sum of the duplicates would. Every entry of H and hd
 * receives the rows' terms in row order, whichever loop a row takes, so the
 * result does not depend on which rows are ascending.
 *
 * The pair loop reads the row's indices and values from the CSR arrays
 * themselves: copying them to a local array first and reading the copy in
 * the pair loop measured 2.3-2.5x the time of reading them in place (AMD
 * EPYC Zen 3, a9a: 4.5 against 10.8 ms a call, w8a 9.8 against 25 ms,
 * process CPU time, median of 11 alternated calls in one process, load 2).
 * An ascending row's entries are distinct, so the pair loop loads four of
 * them before it stores any (the compiler cannot know they are distinct):
 * 0.78-0.90x the time of one entry at a time (half of a9a or w8a, same
 * measure, load 7; eight at a time 0.94-1.08x). Rows in column tiles of H
 * (a fixed footprint in L1: the rows re-read per tile, or their positions
 * bucketed by tile first) measured 1.3-2x slower, though the same loop over
 * an H that fits L1 runs 2.5x faster per entry (p = 64 against 300).
 */

#ifndef LOGISTIC_FUSED_SANDWICH_ROWS_H
#define LOGISTIC_FUSED_SANDWICH_ROWS_H

#include <stddef.h>

#define LOGISTIC_SANDWICH_ROWS(NAME, T, I)                                          \
    static void NAME(ptrdiff_t n, ptrdiff_t p, const T *data, const I *indices,    \
                     const I *indptr, const double *d, double *restrict H,         \
                     double *restrict hd) {                                        \
        for (ptrdiff_t i = 0; i < n; i++) {                                        \
            const double di = d[i];                                                \
            if (di == 0.0)                                                         \
                continue;                                                          \
            const ptrdiff_t k0 = (ptrdiff_t)indptr[i], k1 = (ptrdiff_t)indptr[i + 1]; \
            int ascending = 1, ones = 1;                                           \
            for (ptrdiff_t u = k0; u < k1; u++) {                                  \
                ones &= data[u] == (T)1;                                           \
                if (u > k0)                                                        \
                    ascending &= indices[u] > indices[u - 1];                      \
            }                                                                      \
            if (ascending && ones) {                                               \
                for (ptrdiff_t u = k0; u < k1; u++) {                              \
                    const ptrdiff_t ja = (ptrdiff_t)indices[u];                    \
                    double *hrow = H + ja * p;                            \
                    hd[ja] += di;                                                  \
                    hrow[ja] += di;                                                \
                    ptrdiff_t v = u + 1;                                           \
                    for (; v + 4 <= k1; v += 4) {                                  \
                        const ptrdiff_t c0 = (ptrdiff_t)indices[v];                \
                        const ptrdiff_t c1 = (ptrdiff_t)indices[v + 1];            \
                        const ptrdiff_t c2 = (ptrdiff_t)indices[v + 2];            \
                        const ptrdiff_t c3 = (ptrdiff_t)indices[v + 3];            \
                        const double h0 = hrow[c0] + di, h1 = hrow[c1] + di;       \
                        const double h2 = hrow[c2] + di, h3 = hrow[c3] + di;       \
                        hrow[c0] = h0;                                             \
                        hrow[c1] = h1;                                             \
                        hrow[c2] = h2;                                             \
                        hrow[c3] = h3;                                             \
                    }                                                              \
                    for (; v < k1; v++)                                            \
                        hrow[indices[v]] += di;                                    \
                }                                                                  \
            } else if (ascending) {                                                \
                for (ptrdiff_t u = k0; u < k1; u++) {                              \
                    const ptrdiff_t ja = (ptrdiff_t)indices[u];                    \
                    const double xa = (double)data[u], va = di * xa;               \
                    double *hrow = H + ja * p;                            \
                    hd[ja] += va;                                                  \
                    hrow[ja] += va * xa;                                           \
                    ptrdiff_t v = u + 1;                                           \
                    for (; v + 4 <= k1; v += 4) {                                  \
                        const ptrdiff_t c0 = (ptrdiff_t)indices[v];                \
                        const ptrdiff_t c1 = (ptrdiff_t)indices[v + 1];            \
                        const ptrdiff_t c2 = (ptrdiff_t)indices[v + 2];            \
                        const ptrdiff_t c3 = (ptrdiff_t)indices[v + 3];            \
                        const double h0 = hrow[c0] + va * (double)data[v];         \
                        const double h1 = hrow[c1] + va * (double)data[v + 1];     \
                        const double h2 = hrow[c2] + va * (double)data[v + 2];     \
                        const double h3 = hrow[c3] + va * (double)data[v + 3];     \
                        hrow[c0] = h0;                                             \
                        hrow[c1] = h1;                                             \
                        hrow[c2] = h2;                                             \
                        hrow[c3] = h3;                                             \
                    }                                                              \
                    for (; v < k1; v++)                                            \
                        hrow[indices[v]] += va * (double)data[v];                  \
                }                                                                  \
            } else {                                                               \
                for (ptrdiff_t u = k0; u < k1; u++) {                              \
                    const ptrdiff_t ja = (ptrdiff_t)indices[u];                    \
                    const double xa = (double)data[u], va = di * xa;               \
                    double *hrow = H + ja * p;                            \
                    hd[ja] += va;                                                  \
                    hrow[ja] += va * xa;                                           \
                    for (ptrdiff_t v = u + 1; v < k1; v++) {                       \
                        const ptrdiff_t jc = (ptrdiff_t)indices[v];                \
                        if (jc > ja)                                               \
                            hrow[jc] += va * (double)data[v];                      \
                        else if (jc < ja)                                          \
                            H[jc * p + ja] += va * (double)data[v];                \
                        else                                                       \
                            hrow[ja] += 2.0 * va * (double)data[v];                \
                    }                                                              \
                }                                                                  \
            }                                                                      \
        }                                                                          \
    }

LOGISTIC_SANDWICH_ROWS(logistic_sandwich_rows_f64_i32, double, int)
LOGISTIC_SANDWICH_ROWS(logistic_sandwich_rows_f64_i64, double, long long)
LOGISTIC_SANDWICH_ROWS(logistic_sandwich_rows_f32_i32, float, int)
LOGISTIC_SANDWICH_ROWS(logistic_sandwich_rows_f32_i64, float, long long)

#endif
