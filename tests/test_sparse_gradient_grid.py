"""CSR row blocks of wide data amortize their dense partial gradients.

Each block's ``Xᵀ r`` is a fresh p-vector; blocks hold at least
``SPARSE_GRADIENT_VALUES · p`` stored values, at most a share of the rows
for every CPU of the machine, and the grid never depends on ``n_threads``.
The reference for the value and gradient is the same objective over one
block (the whole matrix) and scikit-learn's loss on the same data.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic._objective import LogisticObjective
from logistic.backends import in_memory
from logistic.backends.in_memory import InMemory


def _wide(n=20_000, p=20_000, per_row=20, seed=0):
    rng = np.random.default_rng(seed)
    indptr = np.arange(0, n * per_row + 1, per_row)
    indices = np.sort(rng.integers(0, p, size=(n, per_row)), axis=1).ravel()
    X = sp.csr_matrix((rng.normal(size=n * per_row), indices, indptr), shape=(n, p))
    X.sum_duplicates()
    y = (rng.uniform(size=n) < 0.4).astype(float)
    return X, y


@pytest.mark.parametrize("cpus", [2, 16])
def test_wide_csr_blocks_hold_many_times_p_values(monkeypatch, cpus):
    # 80 000 x 20 000, 20 values a row: on 2 CPUs every block but the last
    # holds 32 p values (32 000 rows; a floor of 8 p gave 10 blocks of 8 000);
    # on 16 CPUs the floor stops at each CPU's share of the rows (5 000): a
    # block for every CPU
    monkeypatch.setattr(in_memory, "machine_cpus", lambda: cpus)
    X, y = _wide(n=80_000)
    blocks = InMemory(X, y, n_threads=1)._block_list()
    nnz = [b.X.nnz for b in blocks]
    if cpus == 2:
        assert len(blocks) == 3
        assert nnz[0] >= in_memory.SPARSE_GRADIENT_VALUES * X.shape[1] * 0.99
    else:
        assert len(blocks) == 16
    assert InMemory(X, y, n_threads=2).block_rows == InMemory(X, y).block_rows


def test_wide_csr_pass_equals_one_block():
    X, y = _wide()
    theta = np.append(np.random.default_rng(1).normal(size=X.shape[1]) * 0.1, -0.2)
    grid = LogisticObjective(InMemory(X, y, n_threads=2), l2=1e-4)
    one = LogisticObjective(InMemory(X, y, n_threads=1, block_bytes=2**40), l2=1e-4)
    assert len(grid.data._block_list()) > 1 and len(one.data._block_list()) == 1
    f, g = grid.value_and_gradient(theta)
    f1, g1 = one.value_and_gradient(theta)
    np.testing.assert_allclose(f, f1, rtol=1e-13)
    np.testing.assert_allclose(g, g1, rtol=1e-10, atol=1e-15)
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    p = 1.0 / (1.0 + np.exp(-(X @ theta[:-1] + theta[-1])))
    ref = sklearn_metrics.log_loss(y, p) + 0.5e-4 * theta[:-1] @ theta[:-1]
    np.testing.assert_allclose(f, ref, rtol=1e-10)
