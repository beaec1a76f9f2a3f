"""The kept verdicts of :func:`logistic._kernels.blas_free` on dense blocks.

A reduction asks at every pass whether its kernel makes a BLAS call on the
blocks (the in-memory backend then limits BLAS to one thread around it). The
verdict on numpy blocks is kept under what decides it; these tests check it
against the rule decided afresh (``_blas_free``) and against the rule's own
inputs (the row-loop level and the compiled kernel in use, which tests and
A/B runs change inside a process).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from logistic import _kernels as K
from logistic._block_sums import block_hessp, block_value_grad_hessian
from logistic._compiled import compiled_kernel, set_compiled
from logistic.backends.in_memory import InMemory

needs_row_loop = pytest.mark.skipif(
    compiled_kernel() is None or compiled_kernel().row_loop_level() < 0,
    reason="the compiled row loop is not in use on this machine",
)


def _blocks(n: int = 7000, p: int = 28, order: str = "C") -> list:
    rng = np.random.default_rng(0)
    X = np.asarray(rng.standard_normal((n, p)), order=order)
    y = (rng.random(n) < 0.5).astype(float)
    return InMemory(X, y)._block_list()


def _vgh(p: int = 28) -> partial:
    return partial(block_value_grad_hessian, w=np.zeros(p), b=0.0, hessian_stride=1)


@needs_row_loop
def test_kept_verdict_follows_the_row_loop_level():
    # the row loop reads C-ordered float64 blocks with no BLAS call; with the
    # loop off (level -1) the same kernel takes BLAS gemv: the kept True must
    # not answer for it
    mod = compiled_kernel()
    blocks = _blocks()
    assert K.blas_free(_vgh(), blocks) is True
    assert K.blas_free(_vgh(), blocks) is True  # kept
    old = mod.row_loop_level()
    try:
        assert mod.row_loop_level(-1) == -1
        assert K._blas_free(_vgh(), blocks) is False  # the rule itself
        assert K.blas_free(_vgh(), blocks) is False
    finally:
        mod.row_loop_level(old)
    assert K.blas_free(_vgh(), blocks) is True


@needs_row_loop
def test_kept_verdict_follows_the_kernel_in_use():
    blocks = _blocks()
    assert K.blas_free(_vgh(), blocks) is True
    old = set_compiled(False)
    try:  # the numpy reference: gemv and syrk
        assert K.blas_free(_vgh(), blocks) is False
    finally:
        set_compiled(old)
    assert K.blas_free(_vgh(), blocks) is True


@needs_row_loop
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("kernel", ["vgh", "hessp"])
def test_kept_verdict_is_the_rule(order, kernel):
    # F order takes BLAS; block_hessp carries no row-loop mark: both False
    blocks = _blocks(order=order)
    fn = _vgh() if kernel == "vgh" else partial(block_hessp, w=np.zeros(28), b=0.0)
    fresh = K._blas_free(fn, blocks)
    assert fresh is (order == "C" and kernel == "vgh")
    for _ in range(3):
        assert K.blas_free(fn, blocks) is fresh


def test_closures_are_not_kept():
    # a function made anew at each pass would fill the store with one-off keys
    def make():
        def fn(block):
            return block

        return fn

    blocks = _blocks(n=50, p=3)
    before = dict(K._BLAS_FREE_VERDICTS)
    K.blas_free(make(), blocks)
    assert K._BLAS_FREE_VERDICTS == before
