"""L1 and elastic-net fits along a valley the loss leaves flat.

One-hot columns with every level kept beside the intercept, or a duplicated
column, leave the loss unchanged along a direction that moves several
coefficients together; only the penalty slopes (L1) or closes (the elastic
net's L2 part) it. Coordinate descent moves one coordinate at a time and so
creeps along such a valley: ``newton-cd`` and ``newton-cd-columns`` ran out
their 1 000 iterations on these problems with the KKT residual stuck at
~1e-9. The references are the KKT conditions written in the test
(:func:`test_l1.assert_kkt`) and facts of the problems' algebra:

* along the shift ``b_k + t`` of the level coefficients (the intercept
  ``- t``), ``Σ_k |b_k + t|`` is least at a median of ``-b_k``: with an odd
  number of levels one of them is exactly 0 at the L1 optimum;
* with a column ``x_j`` duplicated, ``|a| + |b| ≥ |a + b|`` with equality
  when a and b share a sign, so the L1 optimum is the fit without the
  duplicate, its coefficient split between the two copies.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from conftest import data_path
from logistic import LogisticRegression
from test_l1 import assert_kkt, objective

SOLVERS = ["newton-cd", "newton-cd-columns", "auto"]


def _ucla_every_rank():
    d = np.genfromtxt(data_path("ucla-admissions", "binary.csv"), delimiter=",", names=True)
    ranks = [(d["rank"] == k).astype(float) for k in (1, 2, 3, 4)]
    return np.column_stack([d["gre"] / 100, d["gpa"], *ranks]), d["admit"]


def _lbw_every_race():
    d = np.genfromtxt(
        data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"), delimiter=",", names=True
    )
    races = [(d["race"] == k).astype(float) for k in (1, 2, 3)]
    cols = [d["age"] / 10, d["lwt"] / 100, d["smoke"], d["ptl"], d["ht"], d["ui"], d["ftv"]]
    return np.column_stack([*cols, *races]), d["low"]


def _fit(X, y, solver, **kw):
    model = LogisticRegression(solver=solver, max_iter=100, **kw).fit(X, y)
    assert model.converged_
    assert int(np.ravel(model.n_iter_)[0]) <= 30
    return model, model.coef_.ravel(), float(model.intercept_[0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_elastic_net_crosses_the_valley_of_every_rank_kept(solver):
    X, y = _ucla_every_rank()
    C, ratio = 1e4, 0.5
    alpha = 1.0 / (C * len(y))
    model, w, b = _fit(X, y, solver, penalty="elasticnet", C=C, l1_ratio=ratio)
    assert_kkt(X, y, w, b, alpha * ratio, alpha * (1 - ratio), tol=1e-9)
    # the L2 part closes the valley: the ranks' shift is where Σ_k b_k's
    # L1 subgradient and L2 term balance, so no shift of them lowers the objective
    f = objective(X, y, w, b, alpha * ratio, alpha * (1 - ratio))
    for t in (-1e-3, 1e-3):
        shifted = w.copy()
        shifted[2:] += t
        assert objective(X, y, shifted, b - t, alpha * ratio, alpha * (1 - ratio)) > f


@pytest.mark.parametrize("solver", SOLVERS)
def test_l1_goes_along_the_valley_to_the_median_level(solver):
    X, y = _lbw_every_race()
    C = 1e6
    l1 = 1.0 / (C * len(y))
    model, w, b = _fit(X, y, solver, penalty="l1", C=C)
    assert_kkt(X, y, w, b, l1, tol=1e-9)
    races = w[-3:]
    assert np.count_nonzero(races == 0.0) == 1  # the median of three
    assert np.count_nonzero(races > 0) == 1 and np.count_nonzero(races < 0) == 1


@pytest.mark.parametrize("solver", ["newton-cd", "auto"])
def test_l1_with_duplicated_columns_is_the_fit_without_them(solver):
    with gzip.open(data_path("spambase", "spambase.tsv.gz"), "rt") as fh:
        d = np.loadtxt(fh, delimiter="\t", skiprows=1)
    base, y = d[:, :10], d[:, -1]
    X = np.column_stack([base, base[:, :3]])
    C = 1e6
    l1 = 1.0 / (C * len(y))
    model, w, b = _fit(X, y, solver, penalty="l1", C=C)
    _, w0, b0 = _fit(base, y, solver, penalty="l1", C=C)
    assert_kkt(X, y, w, b, l1, tol=1e-9)
    pairs = np.column_stack([w[:3], w[10:]])
    assert np.all(pairs.min(1) * pairs.max(1) >= 0)  # each pair shares a sign
    np.testing.assert_allclose(pairs.sum(1), w0[:3], rtol=0, atol=1e-6)
    np.testing.assert_allclose(w[3:10], w0[3:10], rtol=0, atol=1e-6)
    assert objective(X, y, w, b, l1) == pytest.approx(objective(base, y, w0, b0, l1), rel=1e-12)
