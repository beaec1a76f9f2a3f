"""The separation programs see each distinct constraint once.

A row ``t_i x̃_i`` and its duplicate give the same constraint, and a row met
with both signs (a point of both classes) gives ``r·β = 0``
(:func:`logistic._separation_lp._distinct_constraints`). a9a's 32 561 rows
hold 26 008 distinct (x, y) and 1 061 points of both classes: the check's
programs took 4.6 s of CPU on all rows, 2.6 s on the distinct ones (no
complete direction is sought where a point has both classes). The reduction
must leave every report as it was: the optima here are scipy's HiGHS on the
programs written over every row, as :mod:`logistic._separation_lp` states
them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

import logistic._separation_lp as separation_lp
from logistic._separation_lp import _distinct_constraints, lp_design, lp_report

A9A = Path(__file__).parent / "data" / "a9a" / "a9a.gz"


def test_rows_by_hand():
    A = np.array(
        [
            [1.0, 0.0, 2.0],  # 0: twice, one side
            [0.0, 3.0, -1.0],  # 1: with its negation (4): an equality
            [1.0, 0.0, 2.0],  # 2: 0's duplicate
            [0.0, 0.0, 0.0],  # 3: 0 >= 0, no constraint
            [0.0, -3.0, 1.0],  # 4
            [-2.0, 1.0, 0.0],  # 5: once
        ]
    )
    for M in (A, sp.csr_matrix(A)):
        rows = _distinct_constraints(M)
        ineq = rows.ineq.toarray() if sp.issparse(rows.ineq) else rows.ineq
        eq = rows.eq.toarray() if sp.issparse(rows.eq) else rows.eq
        np.testing.assert_array_equal(ineq, A[[0, 5]])  # the rows' order, signs kept
        np.testing.assert_array_equal(rows.counts, [2.0, 1.0])
        # stored with its first nonzero positive: row 1, not 4
        np.testing.assert_array_equal(eq, A[[1]])


def test_rows_of_zeros_are_no_constraint():
    # a design of zeros without intercept: 0 >= 0 on every row, nothing to
    # separate (and no data at all: the same)
    for A in (np.zeros((4, 3)), sp.csr_matrix((4, 3)), sp.csr_matrix((0, 3))):
        rows = _distinct_constraints(A)
        assert rows.ineq.shape == rows.eq.shape == (0, 3)
    report = lp_report(
        np.zeros((4, 2)), np.array([0.0, 1, 0, 1]), np.ones(4, bool), False
    )
    assert report is None


def test_a_collision_of_projections_keeps_every_row(monkeypatch):
    # projections that are all 0 put every row of one length in one group:
    # the exact comparison finds them different and keeps A as it is
    class Zeros:
        def standard_normal(self, shape):
            return np.zeros(shape)

    monkeypatch.setattr(separation_lp.np.random, "default_rng", lambda seed: Zeros())
    A = np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 2.0], [-1.0, -2.0]])
    rows = _distinct_constraints(A)
    np.testing.assert_array_equal(rows.ineq, A)
    np.testing.assert_array_equal(rows.counts, np.ones(4))
    assert rows.eq.shape == (0, 2)


def _konis_and_sparsest_on_every_row(X, y):
    """scipy's optima of Konis's LP and of the least-L1 LP over every row
    (the formulation of logistic._separation_lp's docstrings)."""
    D, _ = lp_design(X, np.ones(X.shape[0], bool), True)
    A = sp.csr_matrix(sp.diags(2.0 * y - 1.0) @ D)
    total = np.asarray(A.sum(axis=0)).ravel()
    konis = linprog(-total, A_ub=-A, b_ub=np.zeros(A.shape[0]), bounds=(-1, 1))
    k = A.shape[1]
    A_ub = sp.vstack([sp.hstack([-A, A]), sp.csr_matrix(np.r_[-total, total][None])])
    b_ub = np.r_[np.zeros(A.shape[0]), -1.0]
    sparsest = linprog(np.ones(2 * k), A_ub=A_ub, b_ub=b_ub, bounds=(0, None))
    return -konis.fun, sparsest.fun


@pytest.mark.parametrize("dense", [False, True])
def test_a9a_rows_report_what_every_row_gives(dense):
    import gzip
    import io
    import itertools

    from sklearn.datasets import load_svmlight_file

    with gzip.open(A9A) as f:  # the first 2000 rows
        head = b"".join(itertools.islice(f, 2000))
    X, y = load_svmlight_file(io.BytesIO(head), n_features=123)
    y = (y > 0).astype(float)
    if dense:
        X = X.toarray()
    report = lp_report(X, y, np.ones(2000, bool), True)
    konis, least_l1 = _konis_and_sparsest_on_every_row(X, y)
    assert konis > 1.0  # separated: the MLE does not exist
    assert report is not None and report.kind == "quasi-complete"
    # the reported direction is the least-L1 one, max-norm 1: the sparsest
    # program's optimum is ‖β‖₁ / Σ_i margins(β) for any of its minimisers
    # (a9a's columns have max-abs 1: the program's scale is the data's)
    margins = (2 * y - 1) * (np.asarray(X @ report.coef).ravel() + report.intercept)
    assert margins.min() >= -1e-9
    ratio = (np.abs(report.coef).sum() + abs(report.intercept)) / margins.sum()
    assert ratio == pytest.approx(least_l1, rel=1e-9)
    assert report.n_separated == int(np.sum(margins > 1e-7))
    assert report.n_separated + report.n_boundary == 2000
