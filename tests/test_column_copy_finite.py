"""X's owed finite check on newton-cd-columns' column path.

The in-memory backend owes X's NaN/±inf check when the data came from the
estimator (``finite_checked=False``). On the column path the column copy's
statistics read every stored value at a positive weight, so finite
statistics settle the check without a read of X of its own
(``InMemory.rows_unchecked`` / ``settle_finite``); otherwise the check runs
and raises the validation's own error. The reference error is the one
:func:`logistic._validation.check_finite_X` raises for the same X.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression, _validation
from logistic._compiled import compiled_kernel
from logistic._objective import LogisticObjective
from logistic.backends.in_memory import InMemory
from logistic.solvers import column_newton
from logistic.solvers._base import get_solver

needs_compiled = pytest.mark.skipif(
    compiled_kernel() is None,
    reason="the compiled column statistics are off (LOGISTIC_KERNEL=numpy) or not built",
)


def _data(seed: int = 0, n: int = 400, p: int = 60):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.1, random_state=seed, format="csr")
    X.data = rng.normal(size=X.nnz)
    y = (rng.random(n) < 0.4).astype(np.float64)
    return X, y


@pytest.fixture
def checks(monkeypatch):
    """Calls of X's finite check (the backend imports it at each call)."""
    calls: list[bool] = []
    plain = _validation.check_finite_X

    def counted(X, names=None, *, suspect=False):
        calls.append(suspect)
        return plain(X, names, suspect=suspect)

    monkeypatch.setattr(_validation, "check_finite_X", counted)
    return calls


def _fit(X, y, **kw):
    n = X.shape[0]
    return LogisticRegression(
        penalty="l2", alpha=1.0 / n, solver="newton-cd-columns", tol=1e-8
    ).fit(X, y, **kw)


@needs_compiled
def test_finite_statistics_settle_the_owed_check(checks):
    X, y = _data()
    model = _fit(X, y)
    assert checks == []  # the copy's statistics showed X finite
    # the same fit as one whose X was checked first
    objective = LogisticObjective(InMemory(X, y), l2=1.0 / X.shape[0])
    result = get_solver("newton-cd-columns")(tol=1e-8).solve(
        objective, np.zeros(objective.n_params)
    )
    np.testing.assert_array_equal(model.coef_.ravel(), result.coef[:-1])
    assert model.intercept_[0] == result.coef[-1]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_value_raises_the_validation_error(checks, bad):
    X, y = _data(seed=1)
    X = X.copy()
    X.data[17] = bad
    with pytest.raises(ValueError) as expected:
        _validation.check_finite_X(X)
    checks.clear()
    with pytest.raises(ValueError) as got:
        _fit(X, y)
    assert str(got.value) == str(expected.value)
    assert len(checks) == 1


def test_huge_finite_values_pass_the_check(checks):
    # x² overflows: the copy's statistics prove nothing (not finite, or not
    # made for a rescaled column), so the check runs and finds X finite
    X, y = _data(seed=2)
    X = X.copy()
    X.data[3] = 1e200
    objective = LogisticObjective(InMemory(X, y, finite_checked=False), l2=1e-2)
    view = get_solver("newton-cd-columns").view_of(objective)
    assert view.prepared is not None
    assert len(checks) == 1


def test_rows_of_weight_zero_leave_the_check_to_run(checks):
    # a row of weight 0 is left out of the statistics: they prove nothing
    X, y = _data(seed=3)
    s = np.ones(X.shape[0])
    s[4] = 0.0
    _fit(X, y, sample_weight=s)
    assert checks == [False]


def test_a_failed_copy_reports_non_finite_x_first(monkeypatch, checks):
    X, y = _data(seed=4)

    def broken(*args, **kwargs):
        raise RuntimeError("copy failed")

    monkeypatch.setattr(column_newton, "ColumnMatrix", broken)
    with pytest.raises(RuntimeError, match="copy failed"):
        _fit(X, y)  # X finite: the copy's own error
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _fit(bad, y)  # X's fault first, as at validation


def test_settle_finite_verdicts():
    X, y = _data(seed=5)
    bad = X.copy()
    bad.data[2] = np.nan
    for verdict in (False, None):
        backend = InMemory(bad, y, finite_checked=False)
        block = backend.rows_unchecked()  # no check yet
        assert block.X is bad
        with pytest.raises(ValueError, match="NaN"):
            backend.settle_finite(verdict)
    backend = InMemory(bad, y, finite_checked=False)
    backend.settle_finite(True)  # the caller's word: no read of X
    assert backend.rows().X is bad
    # unsettled, the check stays owed: rows() makes it
    backend = InMemory(bad, y, finite_checked=False)
    backend.rows_unchecked()
    with pytest.raises(ValueError, match="NaN"):
        backend.rows()


@pytest.mark.parametrize("bad", [False, True])
def test_an_interrupt_during_the_copy_stays_an_interrupt(monkeypatch, checks, bad):
    # Ctrl-C is no fault of X's: no check runs (on a NaN X its error would
    # replace the interrupt, on any X it would delay it by a read of X), and
    # the check stays owed, so the next read of the rows still makes it
    X, y = _data(seed=6)
    if bad:
        X = X.copy()
        X.data[9] = np.nan

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(column_newton, "ColumnMatrix", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _fit(X, y)
    assert checks == []
    backend = InMemory(X, y, finite_checked=False)
    objective = LogisticObjective(backend, l2=1.0 / X.shape[0])
    with pytest.raises(KeyboardInterrupt):
        get_solver("newton-cd-columns").view_of(objective)
    assert checks == []
    if bad:
        with pytest.raises(ValueError, match="NaN"):
            backend.rows()
    else:
        assert backend.rows().X is X
    assert checks == [False]


@needs_compiled
def test_non_finite_statistics_run_the_suspect_scan(monkeypatch, checks):
    # the compiled sweep gives no statistics for a non-finite X; statistics
    # that are not finite (as a sweep that summed the NaN would make) must
    # not settle the check: the elementwise scan runs and raises
    X, y = _data(seed=7)
    X = X.copy()
    X.data[11] = np.nan
    with pytest.raises(ValueError) as expected:
        _validation.check_finite_X(X)
    checks.clear()
    plain = column_newton.csc_column_stats
    made = []

    def not_finite(data, *args, **kwargs):
        stats = plain(np.nan_to_num(data), *args, **kwargs)
        assert stats is not None
        stats.mean[0] = np.nan
        made.append(stats)
        return stats

    monkeypatch.setattr(column_newton, "csc_column_stats", not_finite)
    with pytest.raises(ValueError) as got:
        _fit(X, y)
    assert len(made) == 1
    assert checks == [True]  # straight to the scan
    assert str(got.value) == str(expected.value)
