"""``_math.loss_residual_and_hessian_weight``: loss, residual and Hessian
weight from one ``exp``, equal to the separate functions (``loss``,
``residual``, ``hessian_weight``, each tested against 50-digit references in
``tests/test_math.py``) to a few ulp, with no overflow at |z| = 800 and the
tiny losses of confident right answers kept (no cancellation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from logistic import _math


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_equal_to_the_separate_functions(dtype):
    z = np.concatenate(
        [np.linspace(-40, 40, 801), [-800.0, -50.0, -1e-9, 0.0, 1e-9, 50.0, 800.0]]
    ).astype(dtype)
    for label in (0.0, 1.0, 0.3):
        y = np.full(z.shape, label, dtype=dtype)
        lo, r, h = _math.loss_residual_and_hessian_weight(y, z)
        rtol = 8 * np.finfo(dtype).eps
        np.testing.assert_allclose(lo, _math.loss(y, z), rtol=rtol, atol=0)
        # σ(z) − y cancels near σ(z) = y: residuals in [-1, 1] to a few ulp of 1
        np.testing.assert_allclose(r, _math.residual(y, z), rtol=rtol, atol=rtol)
        np.testing.assert_allclose(h, _math.hessian_weight(z), rtol=rtol, atol=0)
        assert lo.dtype == r.dtype == h.dtype == dtype
        assert np.all(np.isfinite(lo)) and np.all(np.isfinite(r))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_residual_of_label_0_keeps_tiny_probabilities(dtype):
    # label 0, z < 0: the residual is σ(z) itself, e^{z}/(1+e^{z}) to a few
    # ulp (scipy.special.expit), not 1 − 1/(1+e^{z}), which is 0 below
    # z ≈ -37 (float64); the test above allows ulps of 1 there
    low = -700.0 if dtype == np.float64 else -85.0
    z = np.linspace(low, 0.0, 701).astype(dtype)
    _, r, _ = _math.loss_residual_and_hessian_weight(np.zeros_like(z), z)
    ref = expit(z.astype(np.float64))
    np.testing.assert_allclose(r, ref, rtol=8 * np.finfo(dtype).eps, atol=0)
