"""What a grouped Dask pass sends back: all-zero Hessian sums travel as
their shape alone, come back with the same bits, and the bytes the pass
reports are those that travelled."""

from __future__ import annotations

import numpy as np
import pytest

from logistic.backends._dask_tasks import (
    ZERO_ARRAY_MIN_VALUES,
    pack_sums,
    unpack_sums,
)


def test_large_zero_arrays_travel_as_their_shape_and_come_back_bitwise():
    """A partition without a sampled Hessian block returns a p x p sum of
    +0.0: it is left out of the packed values (only its shape travels), and
    unpacked it is a writable float64 array of +0.0 of that shape. A -0.0
    in an otherwise zero array, or a small zero array, is packed as before."""
    p = 40  # p * p >= ZERO_ARRAY_MIN_VALUES
    assert p * p >= ZERO_ARRAY_MIN_VALUES
    rng = np.random.default_rng(11)
    hessian = rng.normal(size=(p, p))
    signed = np.zeros((p, p))
    signed[3, 5] = -0.0
    grad = rng.normal(size=p)
    sums = [
        (0, 10, (0.5, grad, 1.0, hessian, np.zeros(p))),
        (1, 10, (0.25, grad, 2.0, np.zeros((p, p)), np.zeros(p))),
        (2, 10, (0.125, grad, 3.0, np.asfortranarray(np.zeros((p, p))), signed)),
    ]
    layout, values = pack_sums(sums)
    # 3 x (two floats, grad), two zeros(p), hessian and signed: the two
    # all-zero p x p sums are left out
    packed = 3 * (2 + p) + 2 * p + 2 * p * p
    assert values.size == packed
    values.flags.writeable = False  # as a buffer off the network may be
    back = unpack_sums((layout, values))
    for (i, n, s), (j, m, t) in zip(sums, back, strict=True):
        assert (i, n) == (j, m)
        for a, b in zip(s, t, strict=True):
            assert type(a) is type(b)
            a, b = np.asarray(a), np.asarray(b)
            assert a.dtype == b.dtype and a.shape == b.shape
            assert a.tobytes(order="C") == b.tobytes(order="C")
    assert back[1][2][3].flags.writeable and back[2][2][3].flags.writeable
    assert np.signbit(back[2][2][4][3, 5])  # -0.0 kept


#: A 40 x 40 sum: at least ZERO_ARRAY_MIN_VALUES values.
H = 40


def _sums_with_zero_matrix(block):
    """Column sums, rows and an all-zero H x H sum (as a partition without a
    sampled Hessian block returns)."""
    return block.X.sum(axis=0), float(block.n_rows), np.zeros((H, H))


@pytest.mark.dask
def test_a_grouped_pass_counts_the_bytes_that_travel(dask_client, tmp_path):
    """4 persisted partitions on 2 workers, reduced one task per worker: the
    all-zero H x H sums travel as their shapes, so ``last_bytes_to_client``
    counts the column sums, the row counts and 16 bytes a partition (index,
    rows) only; the sums equal those of one task per partition bitwise."""
    from conftest import logistic_problem, write_parquet_parts
    from logistic.backends.dask import Dask

    X, y = logistic_problem(21, 2000)
    root = write_parquet_parts(tmp_path, X, y, 4)
    backend = Dask.from_parquet(root, target="label", client=dask_client, persist=True)
    grouped = backend.map_reduce(_sums_with_zero_matrix)
    assert backend.tasks_per_pass == 2
    assert backend.last_bytes_to_client == 4 * (5 + 1) * 8 + 4 * 16
    backend.group_by_worker = False
    alone = backend.map_reduce(_sums_with_zero_matrix)
    assert backend.tasks_per_pass == 4
    for a, b in zip(grouped, alone, strict=True):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
