"""X's NaN/±inf check folded into the column statistics of an in-memory fit.

``fit`` on arrays leaves a dense X's finite check to the in-memory backend,
whose first pass (the column statistics of the standardized view) reads every
value: finite statistics prove X finite, anything else runs the check of
:func:`logistic._validation.check_X`. The reference for every error here is
that check itself, as ``check_X`` raises it at validation (the contract: the
same exception and message as before the folding, which scikit-learn's
``check_estimator`` and the reliability matrix pin).
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic._validation as validation
from logistic import LogisticRegression
from logistic._exceptions import DataValidationError
from logistic._objective import LogisticObjective
from logistic._validation import check_X
from logistic.backends import InMemory


def _data(n: int = 60, p: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] + rng.standard_normal(n) > 0).astype(float)
    return X, y


def _validation_error(X: np.ndarray) -> str:
    """The message ``check_X`` gives X at validation."""
    with pytest.raises(DataValidationError) as info:
        check_X(X)
    return str(info.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_reports_nonfinite_X_as_validation_does(bad, order, dtype):
    X, y = _data()
    X = np.asarray(X, dtype=dtype, order=order)
    X[7, 2] = bad
    X[30, 0] = bad
    expected = _validation_error(X)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    assert str(info.value) == expected
    assert "first bad row: 7 (an index from 0)" in expected


def test_fit_reports_nonfinite_X_of_many_blocks():
    """Rows read by the block threads (10 MB, several blocks)."""
    X, y = _data(n=300_000, p=4)
    X[250_123, 3] = np.nan
    backend_blocks = sum(1 for _ in InMemory(X, y).blocks())
    assert backend_blocks > 1
    expected = _validation_error(X)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y)
    assert str(info.value) == expected


def test_nonfinite_X_is_reported_before_bad_labels():
    """As at validation: X's fault first, even when y is bad too."""
    X, _ = _data()
    X[3, 1] = np.nan
    expected = _validation_error(X)
    for y in (np.ones(60), np.r_[np.nan, np.zeros(30), np.ones(29)]):
        with pytest.raises(DataValidationError) as info:
            LogisticRegression().fit(X, y)
        assert str(info.value) == expected


def test_nonfinite_X_is_reported_before_bad_weights():
    X, y = _data()
    X[3, 1] = np.inf
    expected = _validation_error(X)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression().fit(X, y, sample_weight=-np.ones(60))
    assert str(info.value) == expected


def test_nan_in_a_row_of_weight_zero_is_still_an_error():
    """The statistics leave out rows of weight 0, so they prove nothing there."""
    X, y = _data()
    X[5, 2] = np.nan
    w = np.ones(60)
    w[5] = 0.0
    expected = _validation_error(X)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression(penalty="l2", C=1.0).fit(X, y, sample_weight=w)
    assert str(info.value) == expected


def test_finite_X_makes_no_separate_scan(monkeypatch):
    """A finite X is proved finite by its statistics: neither the sum nor the
    elementwise scan runs, and the fit is the one with the explicit check."""
    X, y = _data(n=2_000)
    reference = LogisticRegression(penalty="l2", C=1.0).fit(X.copy(), y)
    calls = []

    def forbidden(*args, **kwargs):
        calls.append(args)
        raise AssertionError("X was scanned again")

    monkeypatch.setattr(validation, "_check_finite", forbidden)
    monkeypatch.setattr(validation, "scan_finite", forbidden)
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    assert calls == []
    np.testing.assert_array_equal(model.coef_, reference.coef_)


def test_weighted_statistics_that_overflow_do_not_refuse_finite_X(monkeypatch):
    """Finite values whose weighted squares overflow: the statistics are not
    finite, the elementwise scan runs, finds every value finite, and the pass
    returns."""
    X = np.tile([[1.5], [-1.5]], (5, 1))
    y = np.tile([0.0, 1.0], 5)
    w = np.full(10, 1e307)  # Σ w = 1e308 (finite); Σ w x² = 2.25e308 (inf)
    scans = []
    scan = validation.scan_finite
    monkeypatch.setattr(
        validation, "scan_finite", lambda *a: scans.append(1) or scan(*a)
    )
    objective = LogisticObjective(InMemory(X, y, w, finite_checked=False))
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = objective.column_moments()
    assert scans == [1]
    assert abs(mean[0]) < 1e-12  # the values are ±1.5 with equal weights
    assert not np.isfinite(std[0])  # Σ w (x - mean)² overflowed: not X's fault


def test_first_pass_other_than_statistics_still_checks():
    """A backend whose first reduction is not the statistics (an evaluation)
    or that hands out rows raises X's error before returning anything."""
    X, y = _data()
    X[9, 3] = np.nan
    expected = _validation_error(X)
    objective = LogisticObjective(InMemory(X, y, finite_checked=False))
    with pytest.raises(DataValidationError) as info:
        with np.errstate(invalid="ignore"):
            objective.value_and_gradient(np.zeros(5))
    assert str(info.value) == expected
    for hand_out in (lambda b: b.rows(), lambda b: list(b.blocks())):
        with pytest.raises(DataValidationError) as info:
            hand_out(InMemory(X, y, finite_checked=False))
        assert str(info.value) == expected


def test_checked_backend_makes_no_check(monkeypatch):
    """``finite_checked=True`` (the default): X was checked by its caller."""
    X, y = _data()
    monkeypatch.setattr(validation, "_check_finite", None)
    monkeypatch.setattr(validation, "scan_finite", None)
    LogisticObjective(InMemory(X, y)).value_and_gradient(np.zeros(5))


def _sparse(fmt: str, bad: float | None, n: int = 3_000) -> tuple:
    """A sparse X (every column stored somewhere) with ``bad`` stored at
    rows 7 and 40, and labels."""
    import scipy.sparse as sp

    rng = np.random.default_rng(3)
    X = sp.random(n, 30, density=0.2, format="csr", random_state=rng)
    X = (X + sp.eye(n, 30, format="csr")).tocsr()
    y = (rng.random(n) < 0.5).astype(float)
    if bad is not None:
        X = X.tolil()
        X[7, 2] = bad
        X[40, 5] = bad
    return X.asformat(fmt), y


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton", "newton-cd-columns"])
def test_fit_reports_nonfinite_sparse_X_as_validation_does(bad, fmt, solver):
    """Sparse X's check is folded into the statistics as a dense X's: the
    same exception and message as ``check_X`` gives at validation, whatever
    the solver's first use of the rows."""
    X, y = _sparse(fmt, bad)
    expected = _validation_error(X)
    assert expected.startswith("Input X contains")
    with pytest.raises(DataValidationError) as info:
        LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(X, y)
    assert str(info.value) == expected


def test_nan_in_a_sparse_row_of_weight_zero_is_still_an_error():
    X, y = _sparse("csr", np.nan)
    w = np.ones(X.shape[0])
    w[[7, 40]] = 0.0
    expected = _validation_error(X)
    with pytest.raises(DataValidationError) as info:
        LogisticRegression(penalty="l2", C=1.0).fit(X, y, sample_weight=w)
    assert str(info.value) == expected


def test_finite_sparse_X_makes_no_separate_scan(monkeypatch):
    X, y = _sparse("csr", None)
    reference = LogisticRegression(penalty="l2", C=1.0).fit(X.copy(), y)

    def forbidden(*args, **kwargs):
        raise AssertionError("X was scanned again")

    monkeypatch.setattr(validation, "_check_finite", forbidden)
    monkeypatch.setattr(validation, "scan_finite", forbidden)
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    np.testing.assert_array_equal(model.coef_, reference.coef_)
