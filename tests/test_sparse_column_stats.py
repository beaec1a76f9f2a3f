"""Column statistics of sparse blocks: the one-sweep raw moments and the
centred sweep they fall back to (``logistic._moments``).

References: numpy's ``mean``/``std`` of the densified column computed in
float64 with the two-pass formula (``np.std`` centres first), and the exact
rational arithmetic of :mod:`fractions` for the ill-centred column.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K
from logistic import _moments


def _stats(X, s, compiled):
    old = K.set_compiled(compiled)
    try:
        return _moments._sparse_stats(X, s)
    finally:
        K.set_compiled(old)


def _dense_reference(X, s):
    A = X.toarray()
    w = np.ones(A.shape[0]) if s is None else s
    mean = (w @ A) / w.sum()
    std = np.sqrt((w @ (A - mean) ** 2) / w.sum())
    return mean, std


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_centred_sparse_columns_take_the_raw_moments(rng, compiled, weighted):
    if compiled and K.compiled_kernel() is None:
        pytest.skip("the compiled kernel is not built")
    X = sp.random(2000, 50, density=0.05, format="csr", random_state=3)
    X.data = rng.standard_normal(X.nnz) * 3.0 + 1.0
    s = rng.random(2000) + 0.5 if weighted else None
    st = _stats(X, s, compiled)
    # sparse columns are near-centred (their implicit zeros spread them): the
    # raw second moment is accepted for this block
    w = np.ones(2000) if s is None else s
    s1, sq = X.T @ w, X.multiply(X).T @ w
    assert _moments._from_raw_moments(float(w.sum()), s1, sq) is not None
    mean, std = st.moments()
    ref_mean, ref_std = _dense_reference(X, s)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(std, ref_std, rtol=1e-12)


def test_raw_moments_are_refused_for_a_column_far_from_centred():
    # Σx² is 1e12 times the centred sum: the subtraction would keep ~13 bits,
    # so the centred sweep must be used
    total = 4.0
    x = np.array([1e6, 1e6 + 1, 1e6 + 2, 1e6 + 3])
    s1, sq = np.array([x.sum()]), np.array([(x * x).sum()])
    assert _moments._from_raw_moments(total, s1, sq) is None
    # a spread column is accepted, with the exact value
    y = np.array([0.0, 1.0, 2.0, 3.0])
    m2 = _moments._from_raw_moments(
        total, np.array([y.sum()]), np.array([(y * y).sum()])
    )
    assert m2 is not None and m2[0] == 5.0
    # an all-zero column (no stored value) is accepted with m2 = 0
    zero = _moments._from_raw_moments(total, np.zeros(1), np.zeros(1))
    assert zero is not None and zero[0] == 0.0


@pytest.mark.parametrize("compiled", [False, True])
def test_ill_centred_sparse_column_keeps_full_accuracy(compiled):
    if compiled and K.compiled_kernel() is None:
        pytest.skip("the compiled kernel is not built")
    # column 0 is stored on every row at 1e8 + small integers (Σx²/m2 ≈ 1e16):
    # the raw formula would return noise; the centred sweep gives the exact
    # spread. Reference: exact rational arithmetic. (2 000 rows × 2 columns:
    # at least COMPILED_MIN_VALUES values, so the compiled kernel takes it.)
    n = 2000
    vals = 1e8 + (np.arange(n) % 7).astype(float)
    other = np.where(np.arange(n) % 3 == 0, np.arange(n) % 5 + 0.5, 0.0)
    X = sp.csr_matrix(np.c_[vals, other])
    assert K.compiled_for(X) is K.compiled_kernel()
    st = _stats(X, None, compiled)
    mean, std = st.moments()
    mu, sd = _exact_moments(vals)
    assert mean[0] == pytest.approx(mu, rel=1e-15)
    assert std[0] == pytest.approx(sd, rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_and_numpy_raw_moments_are_the_same_bits(rng, weighted):
    if K.compiled_kernel() is None:
        pytest.skip("the compiled kernel is not built")
    X = sp.random(500, 30, density=0.2, format="csr", random_state=11)
    X.data = rng.standard_normal(X.nnz)
    s = rng.random(500) + 0.1 if weighted else None
    a, b = _stats(X, s, True), _stats(X, s, False)
    for field in ("weight", "mean", "unit", "m2", "lo", "hi"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), field)


@pytest.mark.parametrize("compiled", [False, True])
def test_dense_blocks_take_one_sweep_only_when_centred(compiled):
    # the compiled dense statistics use the raw second moment of their first
    # sweep only when every column is near-centred: a column at 1e8 + small
    # integers (Σx²/m2 ≈ 1e16) keeps the centred sweep's exact spread, and a
    # centred column agrees with the two-pass formula. Reference: exact
    # rational arithmetic. (2 000 rows × 2 columns: at least
    # COMPILED_MIN_VALUES values, so the compiled kernel takes them.)
    if compiled and K.compiled_kernel() is None:
        pytest.skip("the compiled kernel is not built")
    n = 2000
    far = 1e8 + (np.arange(n) % 7).astype(float)
    near = (np.arange(n) % 11).astype(float) - 5.0
    for X in (np.c_[far, near], np.c_[near, near * 2.0]):
        old = K.set_compiled(compiled)
        try:
            mean, std = _moments._dense_stats(np.ascontiguousarray(X), None).moments()
        finally:
            K.set_compiled(old)
        for j in range(2):
            mu, sd = _exact_moments(X[:, j])
            assert mean[j] == pytest.approx(mu, rel=1e-15, abs=1e-15)
            assert std[j] == pytest.approx(sd, rel=1e-12)


def _exact_moments(x):
    """Mean and population standard deviation of ``x`` in exact rational
    arithmetic (the square root rounded once, at the end)."""
    fr = [Fraction(v) for v in x]
    mu = sum(fr) / len(fr)
    var = sum((v - mu) ** 2 for v in fr) / len(fr)
    return float(mu), float(var) ** 0.5
