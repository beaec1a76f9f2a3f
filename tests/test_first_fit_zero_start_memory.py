"""Memory of Newton's sampled start at θ = 0
(:mod:`logistic.solvers._zero_start`), on each of its paths:

- in place (``_fused.sample_gram``, where the row loop runs): nothing of the
  sample's size is allocated;
- a copy of the sampled rows read by the row loop (the copy path at a row
  loop level): the copy once, the spread count reusing it, so no second
  array of its size (at ijcnn1's 2 000 × 22 rows, ~350 KB above glibc's mmap
  threshold: the heap returned it and faulted it in again at every fit);
- the copy with the row loop off (CPUs without AVX-512): the copy and the
  Hessian's ``X ⊙ √d`` for BLAS ``syrk``, two arrays of its size, no third.

No timing: the peak of ``tracemalloc`` (numpy reports its arrays to it),
the least of up to three calls (it counts other threads' allocations too:
``tests/_traced_peak.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

from _traced_peak import peaks_until
from logistic._compiled import compiled_kernel
from logistic._objective import LogisticObjective
from logistic.solvers import _zero_start
from logistic.solvers._zero_start import _spread, sample_rows, zero_start


def _data(n: int = 20_000, p: int = 22, seed: int = 5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (rng.random(n) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    return X, y


#: path -> (copy the rows, row loop on, peak bound in sample sizes)
PATHS = {
    "in place": (False, True, 0.25),
    "copy, row loop": (True, True, 1.5),
    "copy, BLAS": (True, False, 2.5),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_sampled_start_copies_the_sample_once(monkeypatch, path):
    copy, loop, bound = PATHS[path]
    mod = compiled_kernel()
    if mod is None and not (copy and not loop):
        pytest.skip("no compiled kernels here")
    if copy:
        monkeypatch.setattr(_zero_start, "_gathered_sums", lambda *a: None)
    if mod is None:
        _check_peak(bound)
        return
    old = mod.row_loop_level()
    try:
        top = max(mod.row_loop_level(lv) for lv in range(3))
        if loop and top < 0:
            pytest.skip("no row loop level on this CPU")
        mod.row_loop_level(top if loop else -1)
        _check_peak(bound)
    finally:
        mod.row_loop_level(-2 if old == 2 else old)


def _check_peak(bound: float) -> None:
    X, y = _data()
    obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
    obj.column_moments()  # the statistics pass every fit makes first
    theta0 = np.zeros(obj.n_params)
    idx = sample_rows(X.shape[0], obj.n_params)
    assert idx is not None
    sample_bytes = idx.size * X.shape[1] * 8
    # tracemalloc counts every thread's allocations: the shared Dask cluster's
    # event loops are held while it measures, and a thread an earlier test
    # left in this worker adds to one call's peak, not to all three, where an
    # array of the sample's size would be in each (tests/_traced_peak.py)
    got, peaks = peaks_until(lambda: zero_start(obj, theta0), bound * sample_bytes)
    assert got is not None  # accepted: Gaussian columns are well sampled
    assert min(peaks) < bound * sample_bytes, peaks
    # the estimate is the sampled rows' own Gram matrix: (1/m) Σ x̃ x̃ᵀ / 4 + λ
    Xt = np.hstack([X[idx], np.ones((idx.size, 1))])
    ref = Xt.T @ Xt / (4.0 * idx.size)
    ref[:-1, :-1] += 1e-3 * np.eye(X.shape[1])
    np.testing.assert_allclose(got.hessian, ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_spread_counts_rows_beyond_one_std(dtype):
    """The count of rows more than ``std`` from ``mean``, per column (rows of
    weight 0 not counted), in place for float64 or on a float64 temporary."""
    Xs = np.array([[0.0, 5.0], [3.0, 5.0], [-2.5, 7.0], [1.0, 5.0]], dtype=dtype)
    mean, std = np.array([0.0, 5.0]), np.array([2.0, 1.0])
    expected = np.array([2.0, 1.0])  # |3|, |-2.5| > 2; |7 - 5| > 1
    np.testing.assert_array_equal(_spread(Xs.copy(), mean, std, None), expected)
    sw = np.array([1.0, 0.0, 2.0, 1.0])  # row 1 weighs nothing
    np.testing.assert_array_equal(
        _spread(Xs.copy(), mean, std, sw), np.array([1.0, 1.0])
    )
