"""The separation certificate's dense work on one BLAS thread: its ``eigh``
of a Hessian from 16 rows on (OpenBLAS threads a 29 × 29 ``eigh``, higgs's
unpenalized fit, at 5× the CPU) and its row-norm bound, whose value is the
numpy formula ``1.01 · max_i ‖x_i ⊙ inv‖₂`` over blocks of rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from logistic import _blas_threads
from logistic import _separation as S


def _openblas_get():
    setters = _blas_threads.openblas_setters()
    if not setters:
        pytest.skip("no OpenBLAS thread setters in this process")
    return setters[0]


@pytest.mark.parametrize("size", [16, 29, 200])
def test_eigh_of_a_certificate_hessian_runs_on_one_blas_thread(size):
    get, put = _openblas_get()
    before = int(get())
    put(2)
    try:
        with S._eigh_threads(size):
            inside = int(get())
        assert inside == 1
        assert int(get()) == 2
    finally:
        put(before)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_scaled_row_norm_over_several_blocks(dtype):
    rng = np.random.default_rng(9)
    X = rng.standard_normal((7001, 28)).astype(
        dtype
    )  # 7 blocks of 1170 rows, one short
    X[5432] *= 40.0  # the largest row, in a middle block
    inv = rng.random(28) + 0.5
    X64 = X.astype(np.float64)
    ref = 1.01 * math.sqrt(np.max(np.sum(np.square(X64 * inv), axis=1)))
    got = S._max_scaled_row_norm(X, inv)
    assert got == pytest.approx(ref, rel=1e-12 if dtype == np.float64 else 1e-5)


def test_max_scaled_row_norm_not_finite_is_inf():
    X = np.ones((3000, 4))
    X[2500, 1] = np.inf
    assert S._max_scaled_row_norm(X, np.ones(4)) == math.inf
