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

import numpy as np
import pytest

from _traced_peak import peaks_until
from logistic._compiled import compiled_kernel
from logistic._kernels import hessian_order
from logistic._objective import LogisticObjective
from logistic.solvers import _zero_start
from logistic.solvers._zero_start import sample_rows, zero_start

_mod = compiled_kernel()
pytestmark = pytest.mark.skipif(_mod is None, reason="no compiled kernels here")


def _levels() -> list[int]:
    """The row loop levels this CPU runs (0 and 1 on AVX2 CPUs without
    AVX-512, where the automatic choice leaves the loop off)."""
    old = _mod.row_loop_level()
    try:
        return [lv for lv in range(3) if _mod.row_loop_level(lv) == lv]
    finally:
        _restore(old)


def _restore(old: int) -> None:
    _mod.row_loop_level(-2 if old == 2 else old)


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
    q = hessian_order(p)
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
        _restore(old)


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
        _restore(old)
    assert got is False
    assert not H.any() and not counts.any()


@pytest.mark.parametrize("in_place", [True, False])
def test_zero_start_copies_no_rows(monkeypatch, in_place) -> None:
    """Where the row loop reads X, the estimate allocates nothing of the
    sample's size (the copy's pages were a process's first fit's faults);
    the copy path (``np.take``, the Hessian of the copy and the spread
    test: CPUs where the row loop is off) gives the same Gram matrix."""
    if not in_place:
        monkeypatch.setattr(_zero_start, "_gathered_sums", lambda *a: None)
    elif not _levels():
        pytest.skip("no row loop level on this CPU")
    old = _mod.row_loop_level()
    _mod.row_loop_level(max(_levels()) if in_place else old)
    try:
        _check_zero_start(in_place)
    finally:
        _restore(old)


def _check_zero_start(in_place: bool) -> None:
    rng = np.random.default_rng(5)
    n, p = 20_000, 22
    X = rng.normal(size=(n, p))
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
    obj.column_moments()
    idx = sample_rows(n, obj.n_params)
    assert idx is not None
    # the least peak of up to three calls (tests/_traced_peak.py)
    bound = 0.25 * idx.size * p * 8 if in_place else float("inf")
    got, peaks = peaks_until(lambda: zero_start(obj, np.zeros(obj.n_params)), bound)
    assert got is not None
    if in_place:
        assert min(peaks) < bound, peaks
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


def _gram_args(X, idx, sw=None):
    p = X.shape[1]
    q = hessian_order(p)
    return (
        X,
        np.asarray(idx, dtype=np.intp),
        sw,
        np.zeros(p),
        np.ones(p),
        np.empty((q, q)),
        np.empty(p),
    )


@pytest.mark.parametrize("bad", [10**9, 4, -1])
def test_sample_gram_refuses_a_row_outside_x(bad) -> None:
    """An index past X's rows was read from outside X (10**9: a crash)."""
    with pytest.raises(ValueError, match=rf"idx\[4\] = {bad} .*0 <= idx < 4"):
        _mod.sample_gram(*_gram_args(np.ones((4, 2)), [0, 1, 2, 3, bad]))


def test_sample_gram_refuses_short_weights() -> None:
    """Weights shorter than X's rows were read past their end."""
    with pytest.raises(ValueError, match="sample_weight has 2 entries; expected 4"):
        _mod.sample_gram(*_gram_args(np.ones((4, 2)), [0, 1, 2, 3], np.ones(2)))


def test_sample_gram_refuses_columns_not_contiguous() -> None:
    """An F-ordered X was read as C rows (a wrong Hessian); a column slice
    of a C array keeps contiguous rows and is accepted."""
    X = np.asfortranarray(np.arange(12.0).reshape(4, 3))
    with pytest.raises(ValueError, match=r"X has strides \(8, 32\).*contiguous rows"):
        _mod.sample_gram(*_gram_args(X, [0, 1, 2, 3]))
    with pytest.raises(ValueError, match="X has strides"):
        _mod.sample_gram(*_gram_args(np.ones((4, 6))[:, ::2], [0, 1]))
    if _levels():
        old = _mod.row_loop_level()
        _mod.row_loop_level(max(_levels()))
        try:
            args = _gram_args(np.ascontiguousarray(X)[:, :2], [0, 1, 2, 3])
            assert _mod.sample_gram(*args)
        finally:
            _restore(old)
        Xc = np.ascontiguousarray(X)[:, :2]
        np.testing.assert_array_equal(args[5][0, :2], (Xc[:, :1] * Xc).sum(0) / 4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_wide_tiles_equal_the_narrow_ones(dtype, weighted) -> None:
    """The AVX-512 build's Hessian (tiles of 8 rows x 16 columns where two
    vectors fit) gets bit for bit the AVX2 build's 8 x 8 tiles' sums: the
    same fused multiply-adds on every entry in the same row order. At logit
    0 (every curvature s/4 exactly) nothing else differs between the
    builds, so the whole H is compared, at every order p + 1 the loop takes."""
    if not {1, 2} <= set(_levels()):
        pytest.skip("needs row loop levels 1 and 2 (an AVX-512 CPU)")
    rng = np.random.default_rng(3)
    n = 61  # seven whole groups of eight rows and a partial one
    old = _mod.row_loop_level()
    try:
        for p in range(1, _mod.hessian_max_order()):  # p = 1..127
            X = rng.standard_normal((n, p)).astype(dtype)
            sw = rng.uniform(0.0, 2.0, n) if weighted else None
            idx = np.arange(n, dtype=np.intp)
            got = {}
            for level in (1, 2):
                _mod.row_loop_level(level)
                args = _gram_args(X, idx, sw)
                assert _mod.sample_gram(*args)
                got[level] = args[5]
            np.testing.assert_array_equal(got[2], got[1], err_msg=f"p = {p}")
    finally:
        _restore(old)
