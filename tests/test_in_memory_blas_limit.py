"""In-memory reductions over data reduced in one thread (under
``THREAD_MIN_BYTES``) run their BLAS calls on one OpenBLAS thread, the
process's count restored after; data large enough to share keep BLAS's own
count when reduced in one thread (``n_threads=1``). The results are the
numpy formula's either way."""

from __future__ import annotations

import numpy as np

from logistic.backends import in_memory as M


def _counts_and_product(backend, get):
    seen: list[int] = []
    w = np.linspace(-1.0, 1.0, backend.n_features)

    def fn(block, _i):
        seen.append(int(get()))
        return block.X.T @ (block.X @ w)

    return seen, backend.map_reduce_indexed(fn), w


def test_small_data_reduced_on_one_blas_thread(openblas_two_threads):
    get = openblas_two_threads
    rng = np.random.default_rng(10)
    X = rng.standard_normal((30_000, 23))  # 5.5 MB: one thread
    backend = M.InMemory(X, (rng.random(30_000) < 0.5).astype(float), n_threads=2)
    assert backend.nbytes < M.THREAD_MIN_BYTES
    seen, got, w = _counts_and_product(backend, get)
    assert seen and set(seen) == {1}
    assert int(get()) == 2
    np.testing.assert_allclose(got, X.T @ (X @ w), rtol=1e-10)


def test_large_data_in_one_thread_keeps_blas_threads(openblas_two_threads):
    get = openblas_two_threads
    rng = np.random.default_rng(11)
    X = rng.standard_normal((40_000, 28))  # 9 MB, n_threads=1: BLAS's choice
    backend = M.InMemory(X, (rng.random(40_000) < 0.5).astype(float), n_threads=1)
    assert backend.nbytes >= M.THREAD_MIN_BYTES
    seen, got, w = _counts_and_product(backend, get)
    assert seen and set(seen) == {2}
    np.testing.assert_allclose(got, X.T @ (X @ w), rtol=1e-10)
