"""Row terms of the AVX2 row loop (level 1, ``_fused_rows256.h``), one row at
a time over the whole range of logits.

Level 1 forms e^{-|z|} and log1p(e^{-|z|}) with its own vector code (a
degree-13 polynomial for exp with a C-library fallback below -708, fdlibm's
log1p); each row's loss, residual and curvature are checked here against
the float64 formulas of ``logistic._math`` (numpy's exp and log1p), which
are independent of that code. Logits cover |z| in [0, 800]: both signs,
tiny values, the range where e^{-|z|} is subnormal (708 < |z| < 745) and
where it is zero.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import _kernels as K
from logistic import _math


def _level1():
    mod = K.compiled_kernel()
    if mod is None:
        pytest.skip("compiled kernel not built")
    return mod


def _logits():
    rng = np.random.default_rng(13)
    mags = np.concatenate(
        [
            [0.0, 1e-300, 1e-17, 1e-9, 0.5, np.log(2), 1.0, 36.0, 37.5, 700.0],
            np.linspace(706.0, 746.0, 41),
            rng.uniform(0, 40, 80),
            rng.uniform(0, 800, 60),
            10.0 ** rng.uniform(-20, 0, 40),
        ]
    )
    return np.concatenate([mags, -mags])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_level1_row_terms_match_the_float64_formulas_at_every_logit(dtype):
    mod = _level1()
    prev = mod.row_loop_level()
    try:
        if mod.row_loop_level(1) != 1:
            pytest.skip("row loop level 1 not available on this CPU")
        z = _logits()
        for yv in (0.0, 1.0):
            for zi in z:
                # one row, x = 1 (exact in float32), the logit in the weight
                X = np.ones((1, 1), dtype=dtype)
                y = np.array([yv], dtype=dtype)
                g, d = np.empty(1), np.empty(1)
                w = np.array([zi])
                rows = mod.dense_rows_f64 if dtype == np.float64 else mod.dense_rows_f32
                loss, rsum = rows(X, y, w, 0.0, None, None, g, d, True)
                lo, r = _math.loss_and_residual(np.array([yv]), np.array([zi]))
                dref = _math.hessian_weight(np.array([zi]))
                assert loss == pytest.approx(lo[0], rel=4e-16, abs=1e-320), zi
                assert rsum == pytest.approx(r[0], rel=4e-16, abs=1e-320), zi
                assert g[0] == pytest.approx(r[0], rel=4e-16, abs=1e-320), zi
                # the reference's curvature underflows to 0 below ~1e-308
                assert d[0] == pytest.approx(dref[0], rel=1e-15, abs=1e-300), zi
    finally:
        mod.row_loop_level(prev)
