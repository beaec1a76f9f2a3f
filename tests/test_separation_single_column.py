"""The sparsest separating direction where one column separates on its own.

A column that is zero on every point of both classes and of one sign, not all
0, on the rest (``t_i x_ij`` all ≥ 0 or all ≤ 0) is a separating direction
``±e_j`` by Albert and Anderson's definition (1984); no direction names fewer
features, so the check reports it without its linear programs, found in one
read of the rows, and where a point is seen with both classes (no direction
separates every row) without Konis's program either. Among several such
columns it is the one the least-L1 program prefers among single columns, the
largest ``Σ_i |x_ij| / max_i |x_ij|`` (on 0/1 columns, the one on the most
rows). The expected reports are worked out by hand from the data below, and
where the least-L1 program's optimum is that column, from scipy's HiGHS on
the program written over every row.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

import logistic._separation_lp as separation_lp
from logistic import LogisticRegression
from logistic._exceptions import PerfectSeparationWarning
from logistic._separation_lp import lp_design, lp_report


def _no_program(*args, **kwargs):
    raise AssertionError("a HiGHS program ran")


def _least_l1(X, y):
    """scipy's optimum of the least-L1 program over every row (``min ‖β‖₁``
    with ``t_i x̃_i β ≥ 0`` and ``Σ_i t_i x̃_i β ≥ 1``, columns scaled by
    their max-abs), as its minimiser β."""
    D, _ = lp_design(X, np.ones(X.shape[0], bool), True)
    A = sp.csr_matrix(sp.diags(2.0 * y - 1.0) @ D)
    total = np.asarray(A.sum(axis=0)).ravel()
    k = A.shape[1]
    A_ub = sp.vstack([sp.hstack([-A, A]), sp.csr_matrix(np.r_[-total, total][None])])
    res = linprog(
        np.ones(2 * k),
        A_ub=A_ub,
        b_ub=np.r_[np.zeros(A.shape[0]), -1.0],
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0
    return res.x[:k] - res.x[k:]


def _indicator_data():
    """60 rows, 4 indicator columns and a continuous one: column 2 is 1 on
    rows 0-5, all class 0; column 3 on rows 6-8, all class 1; rows 10 and 11
    are one point seen with both classes; the rest mixed."""
    rng = np.random.default_rng(7)
    n = 60
    y = (rng.random(n) < 0.5).astype(float)
    X = np.zeros((n, 5))
    X[:, 0] = rng.random(n) < 0.5
    X[:, 1] = rng.random(n) < 0.5
    y[:6], X[:6, 2] = 0.0, 1.0
    y[6:9], X[6:9, 3] = 1.0, 1.0
    X[:, 4] = np.round(rng.standard_normal(n), 1)
    X[11] = X[10]
    y[10], y[11] = 0.0, 1.0
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
def test_the_widest_single_column_without_a_program(monkeypatch, sparse):
    X, y = _indicator_data()
    # the least-L1 program over every row picks column 2 (6 rows) alone:
    # its optimum is the reference
    beta = _least_l1(X, y)
    assert np.flatnonzero(np.abs(beta) > 1e-9).tolist() == [2]
    monkeypatch.setattr(separation_lp, "linprog", _no_program, raising=False)
    import scipy.optimize

    monkeypatch.setattr(scipy.optimize, "linprog", _no_program)
    Xs = sp.csr_matrix(X) if sparse else X
    report = lp_report(Xs, y, np.ones(60, bool), True)
    assert report is not None
    assert report.kind == "quasi-complete"  # rows 10 and 11: one point, both classes
    np.testing.assert_array_equal(report.coef, [0.0, 0.0, -1.0, 0.0, 0.0])
    assert report.intercept == 0.0
    assert (report.n_separated, report.n_boundary) == (6, 54)


def test_a_single_column_before_a_wider_direction_of_less_l1():
    # Column 0 is 0 on rows 0-9, all class 1, so 1 - x0 separates those 10
    # rows (intercept +1, x0 -1: L1 norm 2 for 10 rows); column 1 is 1 on row
    # 10 alone, class 0 (-x1: L1 norm 1 for 1 row). The least-L1 program
    # prefers the pair; a single column is read more easily and is reported.
    n = 30
    X = np.zeros((n, 2))
    y = np.zeros(n)
    y[:10] = 1.0
    X[10:, 0] = 1.0
    y[11:] = np.arange(n - 11) % 2  # rows 11-29 mixed, all with x0 = 1
    X[10, 1] = 1.0
    beta = _least_l1(X, y)
    assert np.flatnonzero(np.abs(beta) > 1e-9).tolist() == [0, 2]  # x0, intercept
    report = lp_report(X, y, np.ones(n, bool), True)
    assert report is not None and report.kind == "quasi-complete"
    np.testing.assert_array_equal(report.coef, [0.0, -1.0])
    assert report.intercept == 0.0
    assert (report.n_separated, report.n_boundary) == (1, 29)


def _quasi_complete_warning(X, y) -> list[str]:
    """The separation warnings of an unpenalized fit of (X, y), which must
    report a quasi-complete separation, and be one."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = LogisticRegression().fit(X, y)
    assert est.separation_ == "quasi-complete"
    text = [str(w.message) for w in caught if w.category is PerfectSeparationWarning]
    assert len(text) == 1
    return text


def test_the_fit_names_the_column():
    X, y = _indicator_data()
    text = _quasi_complete_warning(X, y)
    assert "z = -1*x3 separates the classes" in text[0]
    assert (
        "6 samples lie strictly on their class's side and 54 on the boundary" in text[0]
    )


def test_three_classes_one_level_of_one_class(monkeypatch):
    # Column 2 is 1 on rows 0-4 only, all class 2: the direction "+x3 in
    # class 2's equation" puts each of those rows' 2 pairs (row, class 0) and
    # (row, class 1) strictly on their side, 10 of the 2·90 pairs, and leaves
    # the others at 0; rows 10 and 11 are one point with classes 0 and 1, so
    # no direction separates every pair. No program runs.
    rng = np.random.default_rng(3)
    n = 90
    y = rng.integers(0, 3, n).astype(float)
    X = np.zeros((n, 3))
    X[:, 0] = np.round(rng.standard_normal(n), 1)
    X[:, 1] = rng.random(n) < 0.5
    y[:5], X[:5, 2] = 2.0, 1.0
    y[5:10] = [0.0, 1.0, 0.0, 1.0, 2.0]
    X[11] = X[10]
    y[10], y[11] = 0.0, 1.0
    import scipy.optimize

    monkeypatch.setattr(scipy.optimize, "linprog", _no_program)
    text = _quasi_complete_warning(X, y)
    assert "(10 of 180 (row, other class) pairs strictly separated)" in text[0]
