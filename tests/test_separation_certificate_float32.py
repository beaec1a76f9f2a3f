"""The separation certificate's row-norm bound on float32 data with a column
in tiny units (values near 1e-20, half of them zero).

Squared in float32, such values underflow to 0 and the column's ``inv²``
overflows to inf; 0 · inf is NaN and a maximum folded with Python's ``max``
dropped those rows, so the bound came out 0 and separated data were
certified as well-posed: no ``PerfectSeparationWarning``. The data below are
quasi-completely separated by construction (a 0/1 column that is 1 on three
rows only, all of class 0: its coefficient can go to -inf), so the warning is
the expected answer whatever the dtype; the float64 data of the same values
give the reference bound.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression, PerfectSeparationWarning
from logistic._separation import _max_scaled_row_norm


def _separated(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 5))
    X[:, 3] = 0.0
    X[:3, 3] = 1.0  # three rows, all of class 0
    X[:, 4] = np.where(rng.random(n) < 0.5, 0.0, 1e-20 * rng.random(n))
    z = X[:, :3] @ np.array([1.0, -1.0, 0.5])
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    y[:3] = 0
    return X, y


@pytest.mark.parametrize("n, tol", [(400, 1e-4), (2000, 1e-6), (20000, 1e-4)])
@pytest.mark.parametrize("sparse", [False, True])
def test_float32_tiny_unit_column_still_warns(n, tol, sparse):
    X, y = _separated(n)
    X32 = X.astype(np.float32)
    if sparse:
        X32 = sp.csr_array(X32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression(penalty=None, tol=tol).fit(X32, y)
    assert any(issubclass(w.category, PerfectSeparationWarning) for w in caught)


@pytest.mark.parametrize("sparse", [False, True])
def test_row_norm_bound_matches_float64(sparse):
    X, _ = _separated(2000)
    X32 = X.astype(np.float32)
    X64 = X32.astype(np.float64)  # the same values, exactly
    inv = 1.0 / X64.std(axis=0)
    want = 1.01 * math.sqrt(float(np.max(np.square(X64) @ np.square(inv))))
    got = _max_scaled_row_norm(sp.csr_array(X32) if sparse else X32, inv)
    assert got == pytest.approx(want, rel=1e-6)


def test_non_finite_bound_is_inf():
    X = np.ones((4, 2))
    assert _max_scaled_row_norm(X, np.array([1.0, math.inf])) == math.inf
