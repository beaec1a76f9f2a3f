"""``solver="auto"`` and the capability checks of :mod:`logistic.solvers._auto`
read the data's :class:`~logistic._typing.DataDescription` (shape, sparsity,
stored values), never the arrays themselves."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import InvalidParameterError, LogisticRegression
from logistic._typing import DataDescription
from logistic.solvers import SOLVERS, _base
from logistic.solvers._auto import choose_solver, resolve_solver
from logistic.solvers.lbfgs import LBFGS

F64 = np.dtype(np.float64)


class _DenseOnly(LBFGS):
    name = "dense-only"
    capabilities = _base.Capabilities(supports_sparse=False)


@pytest.fixture
def dense_only(monkeypatch):
    monkeypatch.setitem(SOLVERS, _DenseOnly.name, _DenseOnly)
    return _DenseOnly.name


def test_solver_without_sparse_capability_refuses_sparse_data(dense_only):
    sparse = DataDescription(100, 5, F64, nnz=120)
    with pytest.raises(InvalidParameterError, match="does not accept sparse X"):
        resolve_solver(dense_only, sparse, penalty=None, l1=0.0, owner="Model")
    dense = DataDescription(100, 5, F64)
    assert resolve_solver(dense_only, dense, penalty=None, l1=0.0, owner="M") == (
        dense_only
    )


def test_estimator_refuses_sparse_x_for_a_dense_only_solver(dense_only):
    X = sp.random(60, 4, density=0.5, format="csr", random_state=0)
    y = np.arange(60) % 2
    with pytest.raises(InvalidParameterError, match="does not accept sparse X"):
        LogisticRegression(solver=dense_only).fit(X, y)
    LogisticRegression(solver=dense_only).fit(X.toarray(), y)


def test_auto_reads_stored_values_of_sparse_data():
    # a dense 40 000 × 200 Hessian costs more than four passes; with ten
    # stored values a row, one Newton iteration costs about three
    n, p = 40_000, 200
    dense = DataDescription(n, p, F64)
    sparse = DataDescription(n, p, F64, nnz=10 * n)
    assert choose_solver(dense, penalty="l2", l1=0.0) == "lbfgs"
    assert choose_solver(sparse, penalty="l2", l1=0.0) == "newton"


def test_auto_follows_penalty_capabilities():
    data = DataDescription(100, 3, F64)
    assert SOLVERS[choose_solver(data, penalty="firth", l1=0.0)].capabilities.firth
    name = choose_solver(data, penalty="l1", l1=0.1)
    assert SOLVERS[name].capabilities.supports_l1
