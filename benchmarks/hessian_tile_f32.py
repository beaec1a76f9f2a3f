"""What float32 Hessian tiles would save in the fused row loop's Hessian sums.

Usage (from the repository root)::

    python -m benchmarks.hessian_tile_f32 [--rows 7000] [--cols 28] [--rounds 3]

Compiles a C prototype with the system's ``cc`` (``-O3 -march=native``; an
AVX-512 CPU, as the row loop's level 2) and times, on a ``--rows`` ×
``--cols`` block of normal values with curvature weights in [0.2, 0.25]
(higgs's shape by default), the Hessian part of a row-loop pass alone: each
group of rows copied (widened, and scaled by the weights) and added to the
``q × q`` sums ``Σ d x̃ x̃ᵀ`` (``x̃ = (x, 1)``):

* **f64**: the library's tiles (``_fused_rows.h``'s ``LOGISTIC_HESS_GROUP``,
  AVX-512 build): float64 copies, 8 × 16 tiles of H in registers, two groups
  of eight rows a load and store of a tile;
* **f32 S**: float32 copies and 8 × 16 float32 tiles (one 16-lane vector a
  row of a tile: half the fused multiply-adds), summed over ``S`` rows in
  float32 and then added to the float64 H.

It prints the best of 50 runs of each, and the largest difference between
the two H's relative to ``sqrt(H_jj H_kk)`` (the scale a Jacobi-scaled
Newton step sees). The row terms (``z = Xw``, the loss, the gradient) are
not included: they cost the same either way (~65 µs of a ~300 µs higgs
Hessian pass).
"""

from __future__ import annotations

import argparse

from benchmarks._c_program import compiled, run

SOURCE = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
typedef double v8d __attribute__((vector_size(64)));
typedef double v8du __attribute__((vector_size(64), aligned(8)));
typedef float v16f __attribute__((vector_size(64)));
typedef float v16fu __attribute__((vector_size(64), aligned(4)));
#define FMA __attribute__((noinline, optimize("fp-contract=fast")))
static double now(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
/* H (q x q) += rows of xg times rows of a: 8 x 16 tiles on and above the
 * diagonal where two vectors fit, 8 x 8 after (unrolled as the header's) */
#define ROW8(OP) OP(0) OP(1) OP(2) OP(3) OP(4) OP(5) OP(6) OP(7)
FMA static void tile64(int p, int q, int nr, const double *xg, const double *a, double *H) {
    for (int jt = 0; jt <= p; jt += 8) {
        int c = jt;
        for (; c + 8 < q; c += 16) {
            double *h = H + jt * q + c;
#define LD(r) v8d h##r = *(v8du *)(h + r * q), e##r = *(v8du *)(h + r * q + 8);
            ROW8(LD)
            for (int k = 0; k < nr; k++) {
                const v8d xv = *(const v8d *)(xg + k * q + c);
                const v8d xw = *(const v8d *)(xg + k * q + c + 8);
                const double *ak = a + k * q + jt;
#define AC(r) h##r += xv * ak[r]; e##r += xw * ak[r];
                ROW8(AC)
            }
#define ST(r) *(v8du *)(h + r * q) = h##r; *(v8du *)(h + r * q + 8) = e##r;
            ROW8(ST)
        }
        for (; c < q; c += 8) {
            double *h = H + jt * q + c;
#define LD1(r) v8d h##r = *(v8du *)(h + r * q);
            ROW8(LD1)
            for (int k = 0; k < nr; k++) {
                const v8d xv = *(const v8d *)(xg + k * q + c);
                const double *ak = a + k * q + jt;
#define AC1(r) h##r += xv * ak[r];
                ROW8(AC1)
            }
#define ST1(r) *(v8du *)(h + r * q) = h##r;
            ROW8(ST1)
        }
    }
}
/* the same sums from float32 copies (rows of length qf = q + 8) in float32
 * tiles, added to the float64 H after nr rows */
FMA static void tile32(int p, int q, int qf, int nr, const float *xg, const float *a,
                       double *H) {
    for (int jt = 0; jt <= p; jt += 8)
        for (int c = jt; c < q; c += 16) {
            v16f h[8];
#define Z(r) v16f f##r = {0};
            ROW8(Z)
            for (int k = 0; k < nr; k++) {
                const v16f xv = *(const v16fu *)(xg + k * qf + c);
                const float *ak = a + k * qf + jt;
#define AF(r) f##r += xv * ak[r];
                ROW8(AF)
            }
#define SF(r) h[r] = f##r;
            ROW8(SF)
            for (int r = 0; r < 8; r++) {
                double *hr = H + (jt + r) * q + c;
                *(v8du *)hr += __builtin_convertvector(
                    __builtin_shufflevector(h[r], h[r], 0, 1, 2, 3, 4, 5, 6, 7), v8d);
                if (c + 8 < q)
                    *(v8du *)(hr + 8) += __builtin_convertvector(
                        __builtin_shufflevector(h[r], h[r], 8, 9, 10, 11, 12, 13, 14, 15),
                        v8d);
            }
        }
}
int main(int argc, char **argv) {
    const int n = atoi(argv[1]), p = atoi(argv[2]), S = atoi(argv[3]);
    const int q = (p + 8) / 8 * 8, qf = q + 8, G = 64;
    /* 64 rows of zero weight past the last: every group is whole */
    double *X = calloc((size_t)(n + 64) * p, 8), *d = calloc((size_t)n + 64, 8);
    srand(1);
    for (long i = 0; i < (long)n * p; i++) X[i] = 2.0 * rand() / RAND_MAX - 1.0;
    for (int i = 0; i < n; i++) d[i] = 0.2 + 0.05 * rand() / RAND_MAX;
    double *H = calloc((size_t)q * q, 8), *H2 = calloc((size_t)q * q, 8);
    double *xg = aligned_alloc(64, sizeof(double) * G * q), *a = aligned_alloc(64, sizeof(double) * G * q);
    float *xf = aligned_alloc(64, sizeof(float) * G * qf), *af = aligned_alloc(64, sizeof(float) * G * qf);
    double best64 = 1e30, best32 = 1e30;
    for (int rep = 0; rep < 50; rep++) {
        memset(H, 0, sizeof(double) * q * q);
        memset(xg, 0, sizeof(double) * G * q); memset(a, 0, sizeof(double) * G * q);
        double t0 = now();
        for (int i0 = 0; i0 < n; i0 += 16) {
            for (int k = 0; k < 16; k++) {
                const double s = d[i0 + k], *x = X + (long)(i0 + k) * p;
                for (int j = 0; j < p; j++) { xg[k * q + j] = x[j]; a[k * q + j] = x[j] * s; }
                xg[k * q + p] = 1.0; a[k * q + p] = s;
            }
            tile64(p, q, 16, xg, a, H);
        }
        double t = now() - t0; if (t < best64) best64 = t;
        memset(H2, 0, sizeof(double) * q * q);
        memset(xf, 0, sizeof(float) * G * qf); memset(af, 0, sizeof(float) * G * qf);
        t0 = now();
        for (int i0 = 0; i0 < n; i0 += S) {
            for (int k = 0; k < S; k++) {
                const double s = d[i0 + k], *x = X + (long)(i0 + k) * p;
                for (int j = 0; j < p; j++) { xf[k * qf + j] = (float)x[j]; af[k * qf + j] = (float)(x[j] * s); }
                xf[k * qf + p] = 1.0f; af[k * qf + p] = (float)s;
            }
            tile32(p, q, qf, S, xf, af, H2);
        }
        t = now() - t0; if (t < best32) best32 = t;
    }
    double err = 0;
    for (int i = 0; i <= p; i++)
        for (int j = i; j <= p; j++) {
            double e = fabs(H[i * q + j] - H2[i * q + j]) / sqrt(H[i * q + i] * H[j * q + j]);
            if (e > err) err = e;
        }
    printf("| %d x %d | %d | %.1f | %.1f | %.2e |\n", n, p, S, best64, best32, err);
    return 0;
}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=7000)
    ap.add_argument("--cols", type=int, default=28)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if not 1 <= a.cols <= 120:
        raise SystemExit("--cols must be between 1 and 120 (the row loop's Hessian order)")
    print("| block | f32 rows a sum | f64 µs | f32 µs | largest scaled difference |")
    print("|---|---|---|---|---|")
    with compiled(SOURCE, ["-O3", "-march=native"], "hessian_tile_f32") as exe:
        for _ in range(a.rounds):
            for rows in ("16", "32", "64"):
                print(run(exe, str(a.rows), str(a.cols), rows))


if __name__ == "__main__":
    main()
