"""The compiled modules: what each holds, and the kernel's names the Python code calls.

``logistic._column_stats`` holds the column-statistics sweeps; ``logistic._moments``
calls them on the module :func:`logistic._compiled.compiled_for` returns
(``logistic._fused``), which re-exports them. The reference for the gradient sums
at logit 0 is their definition, ``Σ_i r_i x_i`` added row by row in float64.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from conftest import needs_compiled_kernel
from logistic import _compiled


@pytest.mark.parametrize(
    "name", ["logistic._fused", "logistic._cd", "logistic._column_stats"]
)
def test_every_compiled_module_is_built(name):
    assert importlib.import_module(name).__file__.endswith((".so", ".pyd"))


@needs_compiled_kernel
def test_the_kernel_reexports_the_column_statistics():
    fused = importlib.import_module("logistic._fused")
    stats = importlib.import_module("logistic._column_stats")
    X = np.zeros((_compiled.COMPILED_MIN_VALUES, 1))
    assert _compiled.compiled_for(X) is fused
    assert fused.dense_column_stats is stats.dense_column_stats
    assert fused.csr_column_stats is stats.csr_column_stats


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [1, 7, 33])
def test_dense_gradient_sums_at_zero_are_the_row_by_row_sum(dtype, p):
    from logistic._column_stats import dense_column_stats

    rng = np.random.default_rng(p)
    n = 301
    X = (rng.standard_normal((n, p)) * rng.uniform(0.1, 50.0, p)).astype(dtype)
    s = rng.uniform(0.0, 2.0, n)
    r = s * (0.5 - (rng.uniform(size=n) < 0.4))
    want = np.zeros(p)
    for i in range(n):  # float64 products added in row order, no fused multiply-add
        want += r[i] * X[i].astype(np.float64)
    lo, hi = np.full(p, np.inf), np.full(p, -np.inf)
    s1, s2, g = np.zeros(p), np.zeros(p), np.zeros(p)
    dense_column_stats(X, None, s, None, lo, hi, s1, s2, 0, r, g)
    np.testing.assert_array_equal(g, want)
    np.testing.assert_array_equal(lo, X.min(axis=0).astype(np.float64))
    np.testing.assert_array_equal(hi, X.max(axis=0).astype(np.float64))
