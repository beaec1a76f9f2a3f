"""Cook's distance of a row fitted far on the wrong side of its label (an
offset of ±720 against it) is the finite distance, not inf or NaN.

``D = r_pearson² h / (k (1 - h)²)`` took the square of the Pearson residual
(e^720, beyond float64) times the leverage (~e^-720): inf with numpy's
overflow warning, NaN where the leverage underflowed to 0. The distance is
``s (y - μ)² x̃ᵀ I⁻¹ x̃ / (k (1 - h)²)`` and is ~0.02 there.

Reference: mpmath at 50 digits, the information and its inverse at the
returned coefficients, computed here.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np

from logistic import LogisticRegression


def test_cooks_distance_of_rows_at_logits_beyond_exp_range():
    mpmath.mp.dps = 50
    rng = np.random.default_rng(21)
    n = 60
    Z = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(Z @ [1.0, -1.0])))).astype(float)
    off = np.zeros(n)
    off[:3], y[:3] = [720.0, -720.0, 760.0], [0.0, 1.0, 0.0]
    model = LogisticRegression(solver="newton").fit(Z, y, offset=off)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        cooks = model.inference(Z, y, offset=off).get_influence().cooks_distance[0]
    A = np.column_stack([np.ones(n), Z])
    theta = np.r_[model.intercept_, model.coef_[0]]
    z = [
        mpmath.mpf(float(a @ theta)) + mpmath.mpf(float(o))
        for a, o in zip(A, off, strict=True)
    ]
    p = [1 / (1 + mpmath.exp(-zi)) for zi in z]
    info = mpmath.matrix(3, 3)
    for i in range(n):
        for a in range(3):
            for b in range(3):
                info[a, b] += p[i] * (1 - p[i]) * A[i, a] * A[i, b]
    inv = info**-1
    for i in range(6):
        x = mpmath.matrix([float(v) for v in A[i]])
        q = (x.T * inv * x)[0]
        h = p[i] * (1 - p[i]) * q
        ref = (y[i] - p[i]) ** 2 * q / (3 * (1 - h) ** 2)
        assert abs(cooks[i] - float(ref)) <= 1e-10 * float(ref), (i, cooks[i], ref)
