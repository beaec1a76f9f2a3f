"""Sparse Newton passes and small factorizations set no BLAS thread limit.

A reduction of a :func:`logistic._kernels.row_loop_only` function over sparse
blocks whose Hessian is the sparse sandwich makes no BLAS call (the compiled
CSR kernels or scipy's sparse products), so the in-memory backend sets no
limit for it (:func:`logistic._kernels.blas_free`); neither does Newton for a
factorization of at most ``SERIAL_MAX_PARAMS`` rows, which OpenBLAS's
``potrf`` runs unthreaded. A fit on such data then never imports
:mod:`logistic._loader`. Reduced on two threads with the limit or without it,
the sums are the same bits.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from functools import partial

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K
from logistic._block_sums import block_hessp, block_value_grad_hessian
from logistic._compiled import compiled_kernel
from logistic._objective import LogisticObjective
from logistic.backends import in_memory
from logistic.backends.in_memory import InMemory
from logistic.solvers import _newton_linalg

#: the CSR passes that set no limit are the compiled kernels' (the numpy
#: reference's weighted sums are BLAS ddot)
compiled_only = pytest.mark.skipif(
    compiled_kernel() is None, reason="the compiled kernels are off"
)


def _sparse(
    seed: int, n: int, p: int, density: float
) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=rng)
    y = (rng.random(n) < 0.4).astype(float)
    return X, y


def _limits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []

    def one_blas_thread() -> contextlib.AbstractContextManager[None]:
        made.append(1)
        return contextlib.nullcontext()

    monkeypatch.setattr(in_memory, "one_blas_thread", one_blas_thread)
    monkeypatch.setattr(in_memory, "SPARSE_THREAD_MIN_BYTES", 0)  # threads
    return made


@compiled_only
def test_sparse_sandwich_passes_set_no_limit_and_keep_their_bits(monkeypatch):
    X, y = _sparse(0, 6000, 40, 0.1)
    made = _limits(monkeypatch)
    theta = np.linspace(-0.5, 0.5, 41)
    one = LogisticObjective(InMemory(X, y, n_threads=1, block_bytes=2**14))
    two = LogisticObjective(InMemory(X, y, n_threads=2, block_bytes=2**14))
    assert len(two.data._block_list()) > 2 and two.data._threaded()
    a = one.value_gradient_hessian(theta)
    made.clear()
    b = two.value_gradient_hessian(theta)
    assert made == []
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])
    two.hessian_vector(theta, np.ones_like(theta))  # not marked: the limit
    assert made == [1]
    made.clear()
    old = K.set_compiled(False)  # the numpy reference: weighted sums by BLAS
    try:
        two.value_gradient_hessian(theta * 1.01)
    finally:
        K.set_compiled(old)
    assert made == [1]


@compiled_only
def test_blas_free_on_sparse_blocks_needs_the_mark_the_sandwich_and_stride_one():
    X, y = _sparse(1, 4000, 30, 0.1)
    blocks = InMemory(X, y, block_bytes=2**13)._block_list()
    w = np.zeros(30)
    assert K.blas_free(partial(block_value_grad_hessian, w=w, b=0.0), blocks)
    assert K.blas_free(
        partial(block_value_grad_hessian, w=w, b=0.0, hessian_stride=1), blocks
    )
    # every k-th row of a block: its density is not the block's
    assert not K.blas_free(
        partial(block_value_grad_hessian, w=w, b=0.0, hessian_stride=2), blocks
    )
    assert not K.blas_free(partial(block_hessp, w=w, b=0.0), blocks)  # no mark
    # a block dense enough to be densified for BLAS syrk, among sparse ones
    Xd, yd = _sparse(2, 200, 30, 0.5)
    dense_tail = [*blocks, type(blocks[0])(Xd, yd)]
    assert not K.blas_free(partial(block_value_grad_hessian, w=w, b=0.0), dense_tail)


def test_factorizations_below_128_rows_set_no_limit():
    assert isinstance(_newton_linalg.one_blas_thread(127), contextlib.nullcontext)
    assert not isinstance(_newton_linalg.one_blas_thread(128), contextlib.nullcontext)


@compiled_only
def test_a_sparse_newton_fit_on_124_parameters_never_limits_blas():
    # a9a's shape: neither its passes nor its factorizations import the loader
    code = """
import sys
import numpy as np
import scipy.sparse as sp
from logistic import LogisticRegression
rng = np.random.default_rng(0)
X = sp.random(40000, 123, density=0.11, format="csr", random_state=rng)
X.data[:] = 1.0
z = X @ rng.standard_normal(123) * 0.3 - 1
y = (rng.random(40000) < 1 / (1 + np.exp(-z))).astype(float)
m = LogisticRegression(penalty="l2", alpha=1e-4, solver="newton").fit(X, y)
assert m.converged_
print("logistic._loader" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False"]
