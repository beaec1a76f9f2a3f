"""What the first fit of a process pays for the in-memory backend's grid and
threads (``logistic.backends.in_memory``).

* Dense and CSR data that will be reduced on several threads have their
  block workers started when the backend is made, before its first
  reduction, and the reduction uses those workers.
* Dense data the row loop reads in fewer than ``ROW_LOOP_MIN_BLOCKS`` blocks
  of 1 MiB gets a block count that is a multiple of the machine's CPUs, all
  blocks equal (each thread of a reduction gets as many rows); data reduced
  in one thread, of fewer than ``SINGLE_BLOCK_MAX_ROWS`` rows, is one block.
  Neither grid depends on ``n_threads``.

No test here depends on timing: the CPU count is the one the backend reads
(:func:`in_memory.machine_cpus`), replaced.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import _kernels
from logistic._objective import LogisticObjective
from logistic.backends import in_memory
from logistic.backends.in_memory import InMemory

needs_row_loop = pytest.mark.skipif(
    not _kernels.row_loop_active(), reason="the compiled row loop is not active"
)


def _data(n: int, p: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-X[:, 0]))).astype(np.float64)
    return X, y


@needs_row_loop
@pytest.mark.parametrize(
    ("cpus", "blocks"), [(1, 9), (2, 10), (3, 9), (9, 9), (16, 9), (192, 9)]
)
def test_ijcnn1_shaped_grid_is_a_multiple_of_the_cpus(monkeypatch, cpus, blocks):
    """49 990 × 22 float64 (8.8 MB, ijcnn1's shape): 9 blocks of 1 MiB on
    one CPU; on 2 CPUs 10 equal blocks (5 for each thread, where 9 gave the
    worker 5 and the caller 4); on more CPUs than 1 MiB blocks (16, 192)
    the 9 blocks stay, not a block a CPU; whatever n_threads says."""
    monkeypatch.setattr(in_memory, "machine_cpus", lambda: cpus)
    X, y = _data(49_990, 22)
    sizes = [b.n_rows for b in InMemory(X, y, n_threads=1)._block_list()]
    assert len(sizes) == blocks and sum(sizes) == 49_990
    assert max(sizes) - min(sizes) < blocks  # equal but the last, a few rows short
    assert InMemory(X, y, n_threads=cpus).block_rows == InMemory(X, y).block_rows


@needs_row_loop
@pytest.mark.parametrize(("n", "p"), [(7_000, 28), (29_998, 23)])
def test_small_data_read_in_one_thread_is_one_block(n, p):
    """higgs' and credit-default's shapes (1.6 and 5.5 MB, under
    THREAD_MIN_BYTES): one block, on any number of CPUs."""
    X, y = _data(n, p)
    assert [b.n_rows for b in InMemory(X, y)._block_list()] == [n]


@needs_row_loop
def test_small_data_of_many_rows_keeps_its_blocks():
    """100 000 × 5 (4 MB): rows enough for Newton to sample its Hessian by
    blocks, so the 1 MiB grid stays (4 blocks or more)."""
    X, y = _data(100_000, 5)
    assert len(InMemory(X, y)._block_list()) >= 4


@needs_row_loop
def test_one_block_gives_the_many_block_objective(monkeypatch):
    """The one-block grid sums the same terms as the 1 MiB grid: the value,
    gradient and Hessian agree to rounding."""
    X, y = _data(29_998, 23)
    theta = np.linspace(-0.2, 0.2, 24)
    one = LogisticObjective(InMemory(X, y), l2=1e-3)
    many = LogisticObjective(InMemory(X, y, block_bytes=2**20 - 8), l2=1e-3)
    assert len(many.data._block_list()) > 1
    assert len(one.data._block_list()) == 1
    f1, g1, h1 = one.value_gradient_hessian(theta)
    f2, g2, h2 = many.value_gradient_hessian(theta)
    assert f1 == pytest.approx(f2, rel=1e-14)
    np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h1, h2, rtol=1e-12, atol=1e-15)


def test_threaded_dense_data_start_their_workers_with_the_backend(monkeypatch):
    """Threads for a reduction over k blocks: the pool of k (the caller and
    k - 1 workers) exists once the backend is made, before any reduction,
    and the first reduction gives the one-thread bits."""
    monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)
    monkeypatch.setattr(in_memory, "_POOLS", {})
    X, y = _data(6_000, 5)
    data = InMemory(X, y, block_bytes=20_000, n_threads=3)
    k = min(3, len(data._block_list()))
    assert k == 3 and list(in_memory._POOLS) == [3]
    theta = np.array([0.3, -0.1, 0.2, 0.0, 0.1, -0.2])
    par = LogisticObjective(data, l2=0.1).value_gradient_hessian(theta)
    assert list(in_memory._POOLS) == [3]  # the pool made with the backend
    one = InMemory(X, y, block_bytes=20_000, n_threads=1)
    seq = LogisticObjective(one, l2=0.1).value_gradient_hessian(theta)
    assert par[0] == seq[0]
    np.testing.assert_array_equal(par[1], seq[1])
    np.testing.assert_array_equal(par[2], seq[2])


def test_threaded_csr_data_start_their_workers_with_the_backend(monkeypatch):
    """CSR data: the grid follows from the shape and nnz, so the pool of k
    exists once the backend is made (no block built yet), and the first
    reduction gives the one-thread bits."""
    sp = pytest.importorskip("scipy.sparse")
    monkeypatch.setattr(in_memory, "SPARSE_THREAD_MIN_BYTES", 0)
    monkeypatch.setattr(in_memory, "_POOLS", {})
    X, y = _data(6_000, 5)
    X[X < 0.5] = 0.0
    Xs = sp.csr_matrix(X)
    data = InMemory(Xs, y, block_bytes=4_000, n_threads=3)
    assert data._blocks is None and list(in_memory._POOLS) == [3]
    assert data._n_blocks() == len(data._block_list()) > 3
    theta = np.array([0.3, -0.1, 0.2, 0.0, 0.1, -0.2])
    par = LogisticObjective(data, l2=0.1).value_gradient_hessian(theta)
    assert list(in_memory._POOLS) == [3]
    one = InMemory(Xs, y, block_bytes=4_000, n_threads=1)
    seq = LogisticObjective(one, l2=0.1).value_gradient_hessian(theta)
    assert par[0] == seq[0]
    np.testing.assert_array_equal(par[1], seq[1])
    np.testing.assert_array_equal(par[2], seq[2])


@pytest.mark.parametrize("case", ["one thread", "small", "small sparse", "csc", "wide"])
def test_no_workers_for_data_reduced_in_one_thread(monkeypatch, case):
    """No pool is started for n_threads=1, for data under THREAD_MIN_BYTES
    (CSR: SPARSE_THREAD_MIN_BYTES), nor, at construction, for sparse data
    of another format (one block) or CSR data wider than
    SPARSE_HESSIAN_MAX_FEATURES (their fits often reduce nothing)."""
    monkeypatch.setattr(in_memory, "_POOLS", {})
    X, y = _data(6_000, 5)
    if case == "one thread":
        monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)
        InMemory(X, y, block_bytes=20_000, n_threads=1)
    elif case == "small":
        InMemory(X, y, block_bytes=20_000, n_threads=2)
    else:
        sp = pytest.importorskip("scipy.sparse")
        monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)
        if case in ("csc", "wide"):
            monkeypatch.setattr(in_memory, "SPARSE_THREAD_MIN_BYTES", 0)
        if case == "wide":
            monkeypatch.setattr(in_memory, "SPARSE_HESSIAN_MAX_FEATURES", 4)
        Xs = sp.csc_matrix(X) if case == "csc" else sp.csr_matrix(X)
        InMemory(Xs, y, block_bytes=20_000, n_threads=2)
    assert in_memory._POOLS == {}


def test_workers_started_without_waiting_serve_at_once():
    """A pool whose workers were started without the caller waiting for them
    serves its first map (the calls queued until a worker runs)."""
    pool = in_memory._Workers(3)
    assert pool.map(lambda a: a + 1, [1, 2, 3, 4]) == [2, 3, 4, 5]


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array"])
def test_csr_row_views_are_the_rows_and_share_their_arrays(kind):
    """A CSR block is X's rows ``start:stop`` (scipy's own slice), of X's
    class, reading X's data and indices in place; its ``indptr`` is its
    own (X's is unchanged)."""
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(5)
    dense = rng.standard_normal((300, 7)) * (rng.random((300, 7)) < 0.3)
    X = getattr(sp, kind)(dense)
    indptr = X.indptr.copy()
    for start, stop in [(0, 300), (0, 1), (17, 180), (299, 300), (50, 50)]:
        view = in_memory._csr_row_view(X, start, stop)
        assert type(view) is type(X) and view.shape == (stop - start, 7)
        np.testing.assert_array_equal(view.toarray(), dense[start:stop])
        assert view.nnz == X[start:stop].nnz
        if view.nnz:
            assert np.shares_memory(view.data, X.data)
            assert np.shares_memory(view.indices, X.indices)
        assert view.has_canonical_format
    np.testing.assert_array_equal(X.indptr, indptr)


#: the instance attributes of a scipy CSR matrix/array that ``_csr_row_view``
#: copies onto a block (scipy 1.11-1.17): another name (an attribute a new
#: scipy keeps per instance, which a block must not share) fails here first
_KNOWN_CSR_ATTRIBUTES = {
    "_shape",
    "data",
    "indices",
    "indptr",
    "maxprint",
    "_has_canonical_format",
    "_has_sorted_indices",
}


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array"])
def test_csr_instance_attributes_are_the_known_ones(kind):
    sp = pytest.importorskip("scipy.sparse")
    X = getattr(sp, kind)(np.eye(4))
    X.sum_duplicates()  # caches the format flags
    assert set(vars(X)) <= _KNOWN_CSR_ATTRIBUTES, set(vars(X)) - _KNOWN_CSR_ATTRIBUTES
    assert "_shape" in vars(X)  # else the blocks come from the constructor


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array"])
def test_csr_row_views_from_the_constructor_keep_xs_kind(kind, monkeypatch):
    """The branch for a scipy that keeps no ``_shape`` on X (forced by
    hiding it): the block is still X's rows, a csr_array for a csr_array."""
    import builtins

    sp = pytest.importorskip("scipy.sparse")
    monkeypatch.setattr(
        in_memory,
        "vars",
        lambda o: {k: v for k, v in builtins.vars(o).items() if k != "_shape"},
        raising=False,
    )
    rng = np.random.default_rng(6)
    dense = rng.standard_normal((40, 5)) * (rng.random((40, 5)) < 0.4)
    X = getattr(sp, kind)(dense)
    for start, stop in [(0, 40), (3, 17), (39, 40)]:
        view = in_memory._csr_row_view(X, start, stop)
        assert type(view) is type(X) and view.shape == (stop - start, 5)
        np.testing.assert_array_equal(view.toarray(), dense[start:stop])
        if view.nnz:
            assert np.shares_memory(view.data, X.data)
