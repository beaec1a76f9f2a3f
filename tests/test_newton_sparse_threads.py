"""Sparse Newton on two threads (``logistic.backends.in_memory``): CSR data of
at least ``SPARSE_THREAD_MIN_BYTES`` stored bytes and several blocks are
reduced on the block workers, with the same block grid and the partial sums
added in block order, so the fit is the one-thread fit bit for bit.

The reference is the same solver on ``n_threads=1`` (the calling thread
alone, which no worker touches).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import binary_sparse_problem
from logistic._objective import LogisticObjective
from logistic.backends import in_memory
from logistic.backends.in_memory import InMemory
from logistic.solvers import get_solver

pytest.importorskip("scipy.sparse")


def _fit(X, y, n_threads: int):
    data = InMemory(X, y, n_threads=n_threads)
    objective = LogisticObjective(data, l2=1.0 / X.shape[0])
    result = get_solver("newton")(tol=1e-10).solve(objective, np.zeros(X.shape[1] + 1))
    return data, result


def test_csr_of_a_few_mb_threads_and_matches_one_thread(monkeypatch):
    # a9a's shape: 14 values a row over 123 one-hot columns, ~2.7 MB stored
    monkeypatch.setattr(in_memory, "machine_cpus", lambda: 2)
    X, y = binary_sparse_problem(seed=11, n=16_000, p=123, density=14 / 123)
    assert X.nnz * 12 >= in_memory.SPARSE_THREAD_MIN_BYTES
    assert X.nnz * 12 < in_memory.THREAD_MIN_BYTES  # threads below the dense rule
    two, threaded = _fit(X, y, 2)
    one, serial = _fit(X, y, 1)
    assert two._threaded() and not one._threaded()
    assert len(two._block_list()) == len(one._block_list()) == 2
    assert threaded.converged and threaded.n_iter == serial.n_iter
    assert threaded.n_passes == serial.n_passes
    np.testing.assert_array_equal(threaded.coef, serial.coef)


def test_small_csr_stays_in_the_calling_thread():
    X, y = binary_sparse_problem(seed=12, n=2_000, p=50, density=0.1)
    assert X.nnz * 12 < in_memory.SPARSE_THREAD_MIN_BYTES
    assert not InMemory(X, y, n_threads=2)._threaded()
