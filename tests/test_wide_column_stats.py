"""The first statistics sweep of wide and narrow float64 blocks
(``_fused.dense_column_stats``, sweep 0 with the residual, p >= 512 or
p <= 32): on CPUs with AVX2 and without AVX-512 four rows are summed per
load and store of each column's sums.

References: numpy's column minima and maxima (exact), and sums formed in the
kernel's order, row by row, in plain float64 without fused multiply-adds
(``s1 += s v``, ``s2 += (s v) v``, ``g += r v``): the grouping keeps that
order, so the sums equal them bit for bit; NaN, inf and -0.0 take the row
loop's branches (``v < lo ? v : lo``).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic._compiled import compiled_kernel

F = compiled_kernel()
pytestmark = pytest.mark.skipif(F is None, reason="needs the compiled kernels")


def _kernel(X, sw, r0):
    p = X.shape[1]
    lo, hi = np.full(p, np.inf), np.full(p, -np.inf)
    s1, s2, g = np.zeros(p), np.zeros(p), np.zeros(p)
    F.dense_column_stats(X, None, sw, None, lo, hi, s1, s2, 0, r0, g)
    return lo, hi, s1, s2, g


def _rows_in_order(X, sw, r0):
    n, p = X.shape
    lo, hi = np.full(p, np.inf), np.full(p, -np.inf)
    s1, s2, g = np.zeros(p), np.zeros(p), np.zeros(p)
    s = np.ones(n) if sw is None else sw
    for i in range(n):
        v = X[i]
        lo = np.where(v < lo, v, lo)
        hi = np.where(v > hi, v, hi)
        sv = s[i] * v
        s1 = s1 + sv
        s2 = s2 + sv * v
        g = g + r0[i] * v
    return lo, hi, s1, s2, g


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(0, 512), (3, 600), (9, 513), (37, 1001), (50, 28), (7, 1), (13, 5), (30, 32)])
def test_wide_sweep_equals_the_row_order_sums(weighted, shape):
    rng = np.random.default_rng(11)
    n, p = shape
    X = rng.standard_normal((n, p)) * 3
    if n >= 3:
        X[0, 0], X[1, p - 1], X[2, p // 2] = np.nan, np.inf, -0.0
    sw = rng.random(n) if weighted else None
    r0 = rng.standard_normal(n)
    got, ref = _kernel(X, sw, r0), _rows_in_order(X, sw, r0)
    for name, u, v in zip(("lo", "hi", "s1", "s2", "g"), got, ref, strict=True):
        assert u.tobytes() == v.tobytes(), name

