"""The column copy's statistics sweep writes its sums by slot.

``logistic._column_stats.csc_column_stats`` with ``by_slot`` writes an
``(8, p)`` array (each slot a contiguous row) that
``logistic._moments.csc_column_stats`` keeps per thread and reuses: the sums
must be the ``(p, 8)`` layout's bit for bit, and statistics already returned
must not change when the kept array is written again.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic._block_moments import block_column_stats
from logistic._compiled import compiled_kernel
from logistic._moments import csc_column_stats
from logistic._typing import Block
from logistic.solvers._column_matrix import csc_arrays

needs_compiled = pytest.mark.skipif(
    compiled_kernel() is None,
    reason="the compiled column statistics are off (LOGISTIC_KERNEL=numpy) or not built",
)

FIELDS = ("weight", "mean", "unit", "m2", "lo", "hi", "grad0")


def _csr(seed: int, n: int = 200, p: int = 30) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.15, random_state=seed, format="csc")
    X.data = rng.normal(size=X.nnz) * 2.0 + 0.5
    X.data[X.indptr[3] : X.indptr[4]] = 0.0  # an empty column once zeros go
    X.eliminate_zeros()
    y = (rng.random(n) < 0.4).astype(np.float64)
    return sp.csr_matrix(X), y


@needs_compiled
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
def test_by_slot_sums_are_the_row_layouts(index, weighted):
    from logistic import _column_stats as kernel  # type: ignore[attr-defined]

    X, y = _csr(1)
    n, p = X.shape
    s = np.random.default_rng(2).uniform(0.5, 2.0, n) if weighted else None
    r0 = 0.5 - y
    data, indices, indptr = (a.astype(index) if a.dtype.kind == "i" else a
                             for a in csc_arrays(X))  # fmt: skip
    rows = np.full((p, 8), 7.0)
    slots = np.full((8, p), 7.0)
    kernel.csc_column_stats(data, indices, indptr, s, rows, r0)
    kernel.csc_column_stats(data, indices, indptr, s, slots, r0, by_slot=True)
    written = [0, 1, 2, 3, 4, 6, 7]  # slot 5 (the mean) is not written
    np.testing.assert_array_equal(slots[written], rows[:, written].T)
    assert np.all(slots[5] == 7.0) and np.all(rows[:, 5] == 7.0)
    assert slots[2, 3] == 0.0 and slots[0, 3] == np.inf  # the empty column


@needs_compiled
def test_by_slot_refuses_the_row_layouts_shape():
    from logistic import _column_stats as kernel  # type: ignore[attr-defined]

    X, _ = _csr(3, p=5)
    data, indices, indptr = csc_arrays(X)
    with pytest.raises(ValueError, match=r"acc needs shape \(8, 5\)"):
        kernel.csc_column_stats(data, indices, indptr, None, np.empty((5, 8)),
                                by_slot=True)  # fmt: skip


@needs_compiled
def test_returned_stats_survive_the_next_call_and_match_the_row_pass():
    """Two matrices of the same width one after the other (the kept array is
    written twice): each result equals the pass over its rows bit for bit."""
    first_X, first_y = _csr(4)
    second_X, second_y = _csr(5)
    results = []
    for X, y in ((first_X, first_y), (second_X, second_y)):
        r0 = 0.5 - y
        got = csc_column_stats(*csc_arrays(X), X.shape[0], None, r0)
        assert got is not None
        results.append((got, block_column_stats(Block(X, y, None, None))))
    for got, rows in results:
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(got, name), getattr(rows, name))
