"""Memory traffic of a fit: the in-memory reduction's in-place fold and the
heap room Newton keeps for its p × p temporaries (page faults measured with
``getrusage``; the fault counts are Linux's)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from logistic.backends._reduce import tree_sum
from logistic.backends.in_memory import _fold


def _parts(rng: np.random.Generator, k: int) -> list[tuple]:
    return [
        (float(rng.normal()), rng.normal(size=(7, 7)), rng.normal(size=3))
        for _ in range(k)
    ]


def test_fold_of_a_generator_has_tree_sums_bits_and_leaves_the_parts_alone():
    rng = np.random.default_rng(3)
    parts = _parts(rng, 9)
    kept = [
        tuple(v.copy() if isinstance(v, np.ndarray) else v for v in p) for p in parts
    ]
    got = _fold(p for p in parts)
    want = tree_sum(parts)
    assert got[0] == want[0]
    for g, w in zip(got[1:], want[1:], strict=True):
        assert np.array_equal(g, w)  # the same additions in the same order
    for p, k in zip(parts, kept, strict=True):  # no part was added into
        assert (
            p[0] == k[0] and np.array_equal(p[1], k[1]) and np.array_equal(p[2], k[2])
        )


def test_fold_of_one_part_and_of_parts_it_does_not_add_in_place():
    one = (1.5, np.arange(3.0))
    assert _fold(iter([one])) is one
    ints = [(np.arange(3), 2), (np.arange(3), 5)]  # integer arrays: tree_sum's result
    got = _fold(iter(ints))
    assert np.array_equal(got[0], np.arange(3) * 2) and got[1] == 7
    with pytest.raises(ValueError, match="empty"):
        _fold(iter([]))


def _csr_with_blocks(duplicate: bool):
    import scipy.sparse as sp

    rng = np.random.default_rng(1)
    X = sp.random(4000, 50, density=0.1, format="csr", random_state=rng)
    if duplicate:  # row 3's first entry stored twice (scipy sums duplicates)
        lo = X.indptr[3]
        X = sp.csr_matrix(
            (
                np.insert(X.data, lo, 1.0),
                np.insert(X.indices, lo, X.indices[lo]),
                np.concatenate([X.indptr[:4], X.indptr[4:] + 1]),
            ),
            shape=X.shape,
        )
    return X


def test_csr_blocks_know_they_are_canonical_from_one_scan_of_x(monkeypatch):
    """Row blocks of a canonical X are canonical: X is scanned once (scipy keeps
    the answer on X), not each block in each fit's statistics pass."""
    import scipy.sparse._compressed as compressed

    from logistic.backends.in_memory import InMemory

    scans = []
    real = compressed.csr_has_canonical_format

    def counting(*args):
        scans.append(args[0])
        return real(*args)

    monkeypatch.setattr(compressed, "csr_has_canonical_format", counting)
    X = _csr_with_blocks(duplicate=False)
    data = InMemory(X, np.zeros(X.shape[0]), block_bytes=4096)
    blocks = list(data.blocks())
    assert len(blocks) > 4
    assert all(b.X.has_canonical_format and b.X.has_sorted_indices for b in blocks)
    assert len(scans) == 1  # X's own scan


def test_csr_blocks_of_x_with_duplicates_hold_the_summed_matrix():
    """A backend built on an X with duplicate entries holds X's canonical
    copy: its blocks are canonical, their values are scipy's
    ``sum_duplicates`` of X, and the caller's X is left as it was."""
    from logistic.backends.in_memory import InMemory

    X = _csr_with_blocks(duplicate=True)
    assert not X.has_canonical_format
    nnz = X.nnz
    data = InMemory(X, np.zeros(X.shape[0]), block_bytes=4096)
    blocks = [b.X for b in data.blocks()]
    assert all(b.has_canonical_format for b in blocks)
    summed = X.copy()
    summed.sum_duplicates()  # scipy's own answer for X
    held = np.vstack([b.toarray() for b in blocks])
    assert np.array_equal(held, summed.toarray())
    assert X.nnz == nnz and not X.has_canonical_format


def test_block_workers_return_results_in_order_and_raise_the_first_error():
    from logistic.backends.in_memory import _Workers

    pool = _Workers(2)
    assert pool.map(lambda a: a * a, list(range(7))) == [a * a for a in range(7)]
    assert pool.map(lambda a: a, []) == []

    def fail_on_odd(a):
        if a % 2:
            raise KeyError(a)
        return a

    with pytest.raises(KeyError) as err:
        pool.map(fail_on_odd, [0, 3, 5, 2])
    assert err.value.args == (3,)  # the first in the arguments' order
    assert pool.map(lambda a: a + 1, [1, 2, 3]) == [2, 3, 4]  # still serving


def test_threaded_reduction_equals_the_one_thread_one(monkeypatch):
    """Blocks reduced by the caller and a worker give the one-thread bits."""
    from logistic.backends import in_memory

    rng = np.random.default_rng(5)
    X = rng.normal(size=(6000, 12))
    y = (rng.random(6000) < 0.4).astype(float)
    w = rng.normal(size=12)

    def block_sum(block):
        return (float(block.y.sum()), block.X.T @ (block.X @ w - block.y))

    one = in_memory.InMemory(X, y, block_bytes=64 * 1024, n_threads=1)
    monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)
    two = in_memory.InMemory(X, y, block_bytes=64 * 1024, n_threads=2)
    a, b = one.map_reduce(block_sum), two.map_reduce(block_sum)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])
    with pytest.raises(ZeroDivisionError):
        two.map_reduce(lambda block: 1 / 0)


def test_csr_blocks_of_small_p_hold_many_times_p_squared_values(monkeypatch):
    """Sparse Newton's p × p partial sums are amortized: w8a's shape (p = 300,
    12 values a row, 16·p² = 1.44 M values > its 600 000) gets 2 halves on 2
    CPUs (1 MiB blocks gave 7); wide sparse data (p = 5 000 > 1 024) take no
    p² floor: their blocks hold 32·p values or a CPU's share of the rows."""
    import scipy.sparse as sp

    from logistic.backends import in_memory

    monkeypatch.setattr(in_memory, "machine_cpus", lambda: 2)
    rng = np.random.default_rng(2)
    n, p, k = 50_000, 300, 12
    cols = rng.integers(0, p, size=(n, k))
    X = sp.csr_matrix(
        (np.ones(n * k), (np.repeat(np.arange(n), k), cols.ravel())), shape=(n, p)
    )
    data = in_memory.InMemory(X, np.zeros(n))
    blocks = list(data.blocks())
    assert [b.X.shape[0] for b in blocks] == [n // 2, n // 2]
    wide = sp.random(8000, 5000, density=0.005, format="csr", random_state=rng)
    rows = in_memory.InMemory(wide, np.zeros(8000)).block_rows
    gradient_rows = in_memory.SPARSE_GRADIENT_VALUES * 5000 / (wide.nnz / 8000)
    assert rows == min(int(gradient_rows), 8000 // 2)


def test_a_forked_child_gets_fresh_block_workers():
    """The in-memory block workers are threads: a forked child has none of
    them, so it must start its own (a reduction waiting on the parent's would
    never end)."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    code = (
        "import os, signal\n"
        "from logistic.backends.in_memory import _pool\n"
        "assert _pool(3).map(abs, [-1, -2, -3]) == [1, 2, 3]\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    signal.alarm(20)\n"
        "    ok = _pool(3).map(abs, [-4, -5, -6]) == [4, 5, 6]\n"
        "    os._exit(0 if ok else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "raise SystemExit(os.waitstatus_to_exitcode(status))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
