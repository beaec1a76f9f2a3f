"""What the tests of the compiled CSR pass (``_fused.csr_pass``) share:
``test_csr_pass_levels.py`` (every row loop level, narrow rows) and
``test_csr_pairs.py`` (the wide pairs loop).

* :func:`csr_problem` — a CSR matrix with the given stored values a row and
  0/1 labels;
* :func:`numpy_reference` — the pass's results from numpy's float64 formulas
  on the dense matrix (the reference, outside the code under test):
  ``log(1 + e^z) - y z`` summed, the residual ``s (σ(z) - y)`` and the
  curvature ``s σ(z)(1 - σ(z))`` written ``s e^{-|z|} / (1 + e^{-|z|})²``;
* :func:`run_pass` — the pass with the gradient and curvature asked for, then
  with neither;
* :func:`at_level` — one call at a row loop level (skipped where the CPU does
  not have it), the previous level restored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp


def csr_problem(
    counts: np.ndarray, p: int, dtype: Any, index: Any, rng: np.random.Generator
) -> tuple[sp.csr_matrix, np.ndarray]:
    """X with ``counts[i]`` stored values (sorted distinct columns) in row i,
    standard normal values of ``dtype``, indices of ``index``; y 0/1 in
    ``dtype``, about 40% ones."""
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index)
    indices = np.concatenate(
        [np.sort(rng.choice(p, c, replace=False)) for c in counts]
    ).astype(index)
    data = rng.standard_normal(indices.size).astype(dtype)
    X = sp.csr_matrix((data, indices, indptr), shape=(counts.size, p))
    y = (rng.random(counts.size) < 0.4).astype(dtype)
    return X, y


def numpy_reference(
    X: sp.csr_matrix,
    y: np.ndarray,
    w: np.ndarray,
    b: float,
    off: np.ndarray | None,
    s: np.ndarray | None,
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """``(A, loss, r, curv)``: the dense float64 matrix, the weighted loss
    sum, the weighted residuals and the weighted curvatures at
    ``z = A w + b (+ off)``."""
    n = X.shape[0]
    A = X.astype(np.float64).toarray()
    z = A @ w + b + (off if off is not None else 0.0)
    sw = s if s is not None else np.ones(n)
    yy = y.astype(np.float64)
    loss = np.sum(sw * (np.logaddexp(0.0, z) - yy * z))
    r = sw * (1.0 / (1.0 + np.exp(-z)) - yy)
    t = np.exp(-np.abs(z))
    curv = sw * t / (1.0 + t) ** 2  # σ(z)(1 - σ(z)) without the cancellation of 1 - σ
    return A, float(loss), r, curv


def run_pass(
    mod: Any,
    X: sp.csr_matrix,
    y: np.ndarray,
    w: np.ndarray,
    b: float,
    off: np.ndarray | None,
    s: np.ndarray | None,
    g0: np.ndarray,
) -> tuple[tuple[float, float], np.ndarray, np.ndarray, tuple[float, float], Any]:
    """``(sums, g, d, sums2, g2)``: the pass adding its gradient to a copy of
    ``g0`` (``g``) and writing the curvature (``d``), then the pass asked for
    neither, on another copy of ``g0`` (``g2``, which it must leave as is)."""
    n = X.shape[0]
    g, d = g0.copy(), np.zeros(n)
    arrays = (X.data, X.indices, X.indptr, y, w, b, off, s)
    sums = mod.csr_pass(*arrays, np.empty(3 * n), g, d, True)
    g2 = g0.copy()
    sums2 = mod.csr_pass(*arrays, np.empty(3 * n), g2, None, False)
    return sums, g, d, sums2, g2


def at_level(mod: Any, level: int, fn: Callable[[], Any]) -> Any:
    """``fn()`` with the compiled module's row loop at ``level``."""
    prev = mod.row_loop_level()
    try:
        if mod.row_loop_level(level) != level:
            pytest.skip(f"row loop level {level} not available on this CPU")
        return fn()
    finally:
        mod.row_loop_level(prev)
