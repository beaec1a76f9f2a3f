"""Newton's zero start reads its sampled rows in place
(``_fused.sample_gram``, :func:`logistic.solvers._zero_start._gathered_sums`).

Reference: the same rows copied (``X[idx]``) and handed to the row loop at
``w = 0, b = 0`` (``dense_rows_f64`` / ``_f32`` with ``hess``), the path
used where the in-place sweep does not apply; the spread counts against the
numpy formula ``(s > 0) @ (|x - mean| > std)``. Bit for bit at every row
loop level the CPU has, so a fit's iterates do not depend on which path
made the estimate.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from logistic._compiled import compiled_kernel, row_loop_active
from logistic._objective import LogisticObjective
from logistic.solvers._zero_start import sample_rows, zero_start

_mod = compiled_kernel()
pytestmark = pytest.mark.skipif(
    _mod is None or not row_loop_active(), reason="no compiled row loop here"
)


def _levels() -> list[int]:
    top = _mod.row_loop_level() if _mod is not None else -1
    return list(range(top + 1))


def _copied_sums(X, idx, sw, q):
    Xs = np.take(X, idx, axis=0)
    m, p = Xs.shape
    H = np.empty((q, q))
    rows = _mod.dense_rows_f64 if X.dtype == np.float64 else _mod.dense_rows_f32
    swi = None if sw is None else np.ascontiguousarray(sw[idx])
    rows(
        Xs,
        np.zeros(m, X.dtype),
        np.zeros(p),
        0.0,
        None,
        swi,
        np.empty(p),
        None,
        True,
        H,
    )
    return H


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(7_000, 28, 548), (900, 127, 9), (300, 1, 17)])
def test_in_place_sums_equal_the_copys(dtype, weighted, shape) -> None:
    n, p, m = shape
    rng = np.random.default_rng(11)
    X = rng.standard_normal((n, p)).astype(dtype)
    X[:, 0] = np.round(X[:, 0])
    idx = np.sort(rng.choice(n, m, replace=False)).astype(np.intp)
    sw = None
    if weighted:
        sw = rng.uniform(0.0, 2.0, n) * (rng.random(n) > 0.2)  # some weigh 0
    mean = X.mean(axis=0, dtype=np.float64)
    std = X.std(axis=0, dtype=np.float64)
    q = (p + 8) // 8 * 8
    old = _mod.row_loop_level()
    try:
        for level in _levels():
            _mod.row_loop_level(level)
            H = np.full((q, q), np.nan)
            counts = np.full(p, np.nan)
            assert _mod.sample_gram(X, idx, sw, mean, std, H, counts)
            ref = _copied_sums(X, idx, sw, q)
            np.testing.assert_array_equal(H[: p + 1, : p + 1], ref[: p + 1, : p + 1])
            beyond = np.abs(X[idx].astype(np.float64) - mean) > std
            rows = np.ones(m) if sw is None else (sw[idx] > 0).astype(np.float64)
            np.testing.assert_array_equal(counts, rows @ beyond)
    finally:
        _mod.row_loop_level(-2 if old == 2 else old)


def test_row_loop_off_writes_nothing() -> None:
    old = _mod.row_loop_level()
    H, counts = np.zeros((8, 8)), np.zeros(2)
    try:
        _mod.row_loop_level(-1)
        got = _mod.sample_gram(
            np.ones((4, 2)),
            np.arange(3, dtype=np.intp),
            None,
            np.zeros(2),
            np.ones(2),
            H,
            counts,
        )
    finally:
        _mod.row_loop_level(-2 if old == 2 else old)
    assert got is False
    assert not H.any() and not counts.any()


def test_zero_start_copies_no_rows() -> None:
    """Where the row loop reads X, the estimate allocates nothing of the
    sample's size (the copy's pages were a process's first fit's faults)."""
    rng = np.random.default_rng(5)
    n, p = 20_000, 22
    X = rng.normal(size=(n, p))
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
    obj.column_moments()
    idx = sample_rows(n, obj.n_params)
    assert idx is not None
    tracemalloc.start()
    try:
        got = zero_start(obj, np.zeros(obj.n_params))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got is not None
    assert peak < 0.25 * idx.size * p * 8
    # the sampled rows' own Gram matrix: (1/m) Σ x̃ x̃ᵀ / 4 + λ
    Xt = np.hstack([X[idx], np.ones((idx.size, 1))])
    ref = Xt.T @ Xt / (4.0 * idx.size)
    ref[:-1, :-1] += 1e-3 * np.eye(p)
    np.testing.assert_allclose(got.hessian, ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(
    "n, m", [(7_000, 548), (20_000, 2_000), (10**6, 5_000), (9, 9)]
)
def test_golden_rows_are_numpys(n: int, m: int) -> None:
    """The compiled rows are the numpy formula's, element for element."""
    from logistic.solvers._zero_start import _PHI

    u = np.arange(1, m + 1, dtype=np.float64) * _PHI
    u -= np.floor(u)
    ref = np.sort((u * n).astype(np.intp))
    got = np.empty(m, dtype=np.intp)
    _mod.golden_rows(n, _PHI, got)
    np.testing.assert_array_equal(got, ref)
