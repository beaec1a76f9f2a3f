"""Dense ``weighted_syrk`` over blocks longer than one chunk of rows
(``_kernels.SYRK_CHUNK_BYTES``): the chunks' products add up to the numpy
formula ``Xᵀ (X ⊙ d)`` in float64, exactly symmetric, for every memory
order, dtype and a strided row view (Newton's sampled Hessian, ``X[::k]``)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import _kernels as K


def _reference(X: np.ndarray, d: np.ndarray) -> np.ndarray:
    X64 = X.astype(np.float64)
    return X64.T @ (X64 * d[:, None])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_chunked_syrk_matches_numpy_formula(dtype, order):
    rng = np.random.default_rng(5)
    p = 28
    step = max(K.SYRK_CHUNK_BYTES // (p * 8), K.SYRK_CHUNK_MIN_ROWS)  # float64 chunks
    n = 3 * step + 17  # three full chunks and a partial one
    X = np.asarray(rng.standard_normal((n, p)), dtype=dtype, order=order)
    d = rng.random(n) * 0.25
    H = K.weighted_syrk(X, d)
    assert H.dtype == np.float64 and H.shape == (p, p)
    ref = _reference(X, d)
    # float32 blocks are widened and summed in float64 too (an ssyrk's 1e-7
    # rounding hid exact dependencies from the aliasing rule), so both
    # dtypes meet float64's tolerance
    np.testing.assert_allclose(H, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_array_equal(H, H.T)


@pytest.mark.parametrize("order", ["C", "F"])
def test_float32_constant_column_is_an_exact_dependency(order):
    # a float32 column of 1.7 beside the intercept column: the Gram matrix of
    # (x, 1) is singular in exact arithmetic; its correlation-scaled Schur
    # pivot must stay at float64's rounding (<1e-12, the aliasing tolerance's
    # scale, logistic._aliasing), as the compiled row loop's float64 sums give,
    # not at float32's (~1e-7), whatever path forms it
    rng = np.random.default_rng(0)
    n = 5000
    X = np.asarray(
        np.column_stack([rng.standard_normal(n), np.full(n, 1.7)]),
        dtype=np.float32,
        order=order,
    )
    X = np.column_stack([X, np.ones(n, dtype=np.float32)])
    X = np.asarray(X, order=order)
    d = rng.random(n) * 0.25
    H = K.weighted_syrk(X, d)
    root = np.sqrt(np.diag(H))
    C = H / np.outer(root, root)
    pivot = C[2, 2] - C[2, :2] @ np.linalg.solve(C[:2, :2], C[:2, 2])
    assert abs(pivot) < 1e-12


def test_chunked_syrk_of_a_strided_row_view():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((20_000, 11))
    Xs = X[::3]  # not contiguous: every third row
    d = rng.random(Xs.shape[0])
    ref = _reference(np.ascontiguousarray(Xs), d)
    H = K.weighted_syrk(Xs, d)
    np.testing.assert_allclose(H, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


def test_chunked_float32_syrk_overflow_falls_back_to_float64(monkeypatch):
    # float32 squares beyond 3.4e38 overflow in ssyrk; the float64 redo
    # gives the finite numpy value
    monkeypatch.setattr(K, "SYRK_CHUNK_BYTES", 64)
    X = np.ones((600, 2), dtype=np.float32)
    X[450, 0] = 3e19
    d = np.ones(600)
    H = K.weighted_syrk(X, d)
    assert np.all(np.isfinite(H))
    np.testing.assert_allclose(H, _reference(X, d), rtol=1e-12)


def test_chunks_are_used_for_long_blocks(monkeypatch):
    # one product a chunk: a block of 1000 rows in chunks of 256 rows
    # makes 4 products, of 256, 256, 256 and 232 rows
    monkeypatch.setattr(K, "SYRK_CHUNK_BYTES", 8)
    seen: list[int] = []
    real = np.multiply

    def spy(a, *args, **kw):
        seen.append(np.shape(a)[0])
        return real(a, *args, **kw)

    monkeypatch.setattr(K.np, "multiply", spy)
    rng = np.random.default_rng(7)
    X = rng.standard_normal((1000, 5))
    d = rng.random(1000)
    H = K.weighted_syrk(X, d)
    assert seen == [256, 256, 256, 232]
    np.testing.assert_allclose(H, _reference(X, d), rtol=1e-12)


def test_dense_syrk_runs_on_one_blas_thread(monkeypatch, openblas_two_threads):
    # OpenBLAS's own count, read inside every product of the block, is 1
    # while the process's count outside is left as it was
    get = openblas_two_threads
    counts: list[int] = []
    real = np.matmul

    def spy(a, *args, **kw):
        counts.append(int(get()))
        return real(a, *args, **kw)

    monkeypatch.setattr(K.np, "matmul", spy)
    rng = np.random.default_rng(8)
    X = rng.standard_normal((7000, 28))
    d = rng.random(7000)
    H = K.weighted_syrk(X, d)
    monkeypatch.undo()
    assert counts and set(counts) == {1}
    assert int(get()) == 2
    ref = _reference(X, d)
    np.testing.assert_allclose(H, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
