"""What a grouped Dask pass costs beside its arithmetic: all-zero Hessian
sums travel as their shape alone, come back with the same bits, and the
bytes the pass reports are those that travelled; packed sums give their
size at once; a kept partition's labels are encoded once; the results are
fetched on the client's event loop."""

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
    sums_packed = pack_sums(sums)
    values = sums_packed.values
    # 3 x (two floats, grad), two zeros(p), hessian and signed: the two
    # all-zero p x p sums are left out
    packed = 3 * (2 + p) + 2 * p + 2 * p * p
    assert values.size == packed
    values.flags.writeable = False  # as a buffer off the network may be
    back = unpack_sums(sums_packed)
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


def test_packed_sums_size_at_once_and_pickle_bitwise():
    """A group task's packed sums tell Dask their size without Dask walking
    their layout (its ``sizeof`` of a nested tuple visits entry after entry):
    the values' bytes plus a little a partition; pickled with out-of-band
    buffers (as a worker sends them) they come back with the same bits."""
    import pickle

    from dask.sizeof import sizeof

    rng = np.random.default_rng(5)
    sums = [
        (i, 100, (float(i), rng.normal(size=30), rng.normal(size=(30, 30))))
        for i in range(10)
    ]
    packed = pack_sums(sums)
    assert packed.values.nbytes <= sizeof(packed) <= packed.values.nbytes + 2048
    buffers: list = []
    data = pickle.dumps(packed, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1  # the values travel as one buffer
    back = unpack_sums(pickle.loads(data, buffers=buffers))
    for (i, n, s), (j, m, t) in zip(sums, back, strict=True):
        assert (i, n, s[0]) == (j, m, t[0])
        assert s[1].tobytes() == t[1].tobytes() and s[2].tobytes() == t[2].tobytes()


def test_packed_sums_count_the_leaves_kept_as_they_are():
    """Leaves that are not float64 (a float32 array, column statistics) stay
    in the layout: Dask's memory accounting still sees their bytes."""
    from dask.sizeof import sizeof

    leaf = np.ones((500, 500), dtype=np.float32)  # 1 MB
    packed = pack_sums([(0, 10, (1.0, leaf))])
    assert sizeof(packed) >= leaf.nbytes + packed.values.nbytes
    assert sizeof(packed) <= leaf.nbytes + packed.values.nbytes + 2048


def test_labels_of_a_kept_partition_are_encoded_once():
    """A worker encodes the labels of a partition it holds (the same label
    array on every pass) once: the next passes get the same read-only
    {0, 1} array; other classes encode anew; narrow partitions keep nothing;
    a label array that is gone leaves nothing behind. The sums equal those
    of encoding every time."""
    import gc

    from logistic.backends import _dask_tasks

    rng = np.random.default_rng(8)
    X = rng.normal(size=(500, _dask_tasks.KEEP_LABELS_MIN_FEATURES))
    y = rng.choice(np.array(["no", "yes"]), size=500)
    classes = np.array(["no", "yes"])
    first = _dask_tasks._encoded(y, y, classes, np.float64)
    np.testing.assert_array_equal(first, (y == "yes").astype(float))
    assert not first.flags.writeable
    assert _dask_tasks._encoded(y, y.copy(), classes.copy(), np.float64) is first
    flipped = _dask_tasks._encoded(y, y, classes[::-1], np.float64)
    np.testing.assert_array_equal(flipped, 1.0 - first)
    assert _dask_tasks._encoded(y, y, classes, np.float32).dtype == np.float32
    assert _dask_tasks._encoded(None, y, classes, np.float64) is not first

    def sums(block):
        return block.X.T @ block.y, float(block.y.sum())

    args = (sums, 0, np.float64, None, classes, 128, X)
    kept = _dask_tasks.partition_reduce(*args, y)
    again = _dask_tasks.partition_reduce(*args, y)
    fresh = _dask_tasks.partition_reduce(*args, y.copy())
    for a in (again, fresh):
        assert a[:2] == kept[:2]
        assert a[2][0].tobytes() == kept[2][0].tobytes() and a[2][1] == kept[2][1]
    held = _dask_tasks._ENCODED[id(y)][2]  # the last classes and dtype asked
    _dask_tasks.partition_reduce(*args, y)
    assert _dask_tasks._ENCODED[id(y)][2] is held
    entries = len(_dask_tasks._ENCODED)
    narrow = _dask_tasks.partition_reduce(
        sums, 0, np.float64, None, classes, 128, X[:, :2], y
    )
    assert narrow[2][1] == kept[2][1] and len(_dask_tasks._ENCODED) == entries
    key = id(y)
    del y
    gc.collect()
    assert key not in _dask_tasks._ENCODED


@pytest.mark.dask
def test_grouped_results_come_back_without_a_second_visit_to_the_loop(
    dask_client, tmp_path, monkeypatch
):
    """A grouped pass plans, submits and fetches on the client's event loop:
    the waiting thread reads the fetched results (``ClusterRun._gather`` is
    not called). When that fetch fails, the pass fetches them again as
    before and gets the same sums."""
    from conftest import logistic_problem, write_parquet_parts
    from logistic.backends import _dask_faults, _dask_fetch
    from logistic.backends.dask import Dask

    X, y = logistic_problem(22, 2000)
    root = write_parquet_parts(tmp_path, X, y, 4)
    backend = Dask.from_parquet(root, target="label", client=dask_client, persist=True)
    backend.direct_calls = False  # the tasks' path (direct calls fetch nothing)
    gathered = []
    gather = _dask_faults.ClusterRun._gather

    def counting_gather(run, futures, label):
        gathered.append(len(futures))
        return gather(run, futures, label)

    monkeypatch.setattr(_dask_faults.ClusterRun, "_gather", counting_gather)
    early = backend.map_reduce(_sums_with_zero_matrix)
    assert backend.tasks_per_pass == 2 and gathered == []

    async def failing_fetch(self, gather, futures, direct):
        self.done.set()
        self.wake.set()

    monkeypatch.setattr(_dask_fetch.EarlyFetch, "_fetch", failing_fetch)
    again = backend.map_reduce(_sums_with_zero_matrix)
    assert gathered == [2]
    for a, b in zip(early, again, strict=True):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
