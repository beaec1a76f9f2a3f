"""Separation of designs too large for the linear program, found from single
columns (:mod:`logistic._separation_columns`): a one-hot level seen with one
class only has a maximum-likelihood coefficient of -inf (Albert & Anderson
1984: the direction -e_j puts its rows strictly on their class's side and
every other row on the boundary). A 20 000-row file of four 1 000-level
text columns (80 million values, beyond ``MAX_LP_NONZEROS``) fitted with a
level of 9 rows, all 0, at -112 with ``converged=True`` and no separation
warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression, _separation
from logistic._exceptions import PerfectSeparationWarning
from logistic._separation_columns import column_report


def _data(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 600
    g = rng.integers(0, 20, n)
    y = rng.integers(0, 2, n)
    g[:5] = 20  # level 'g20': five rows, all of class 0
    y[:5] = 0
    X = pd.DataFrame({"x": rng.normal(size=n), "g": [f"g{v:02d}" for v in g]})
    return X, y


def _separates(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> tuple[int, int]:
    """Albert & Anderson's check of a direction: every t_i x_i·beta >= 0;
    returns the rows strictly separated and those on the boundary."""
    m = (2 * y - 1) * (X @ beta)
    assert (m >= -1e-12).all()
    return int((m > 0).sum()), int((m <= 0).sum())


def test_a_level_of_one_class_is_quasi_complete_separation_beyond_the_lp(
    monkeypatch,
):
    X, y = _data()
    monkeypatch.setattr(_separation, "MAX_LP_NONZEROS", 100)  # the LP never runs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression().fit(X, y)
    assert model.separation_ == "quasi-complete"
    found = [w for w in caught if issubclass(w.category, PerfectSeparationWarning)]
    assert found and "g[T.g20]" in str(found[0].message)
    assert "5 samples lie strictly on their class's side" in str(found[0].message)


def test_the_lp_gives_the_same_verdict_where_it_runs():
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
    assert model.separation_ == "quasi-complete"


def test_column_report_direction_separates_by_definition():
    X, y = _data()
    design = pd.get_dummies(X, columns=["g"], drop_first=True, dtype=float)
    A = design.to_numpy()
    keep = np.ones(len(y), bool)
    report = column_report(A, y.astype(float), keep)
    assert report is not None and report.kind == "quasi-complete"
    j = list(design.columns).index("g_g20")
    want = np.zeros(A.shape[1])
    want[j] = -1.0
    np.testing.assert_array_equal(report.coef, want)
    assert (report.n_separated, report.n_boundary) == _separates(A, y, want)
    import scipy.sparse as sp

    sparse = column_report(sp.csr_matrix(A), y.astype(float), keep)
    assert sparse is not None
    np.testing.assert_array_equal(sparse.coef, want)


@pytest.mark.parametrize("seed", [1, 2])
def test_no_column_of_both_classes_is_reported(seed):
    rng = np.random.default_rng(seed)
    A = np.c_[rng.normal(size=300), rng.integers(0, 2, 300), rng.uniform(1, 2, 300)]
    y = rng.integers(0, 2, 300).astype(float)
    assert column_report(A, y, np.ones(300, bool)) is None


def test_rows_of_zero_weight_do_not_count():
    A = np.array([[1.0], [1.0], [0.0], [0.0]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    assert column_report(A, y, np.ones(4, bool)) is None
    report = column_report(A, y, np.array([True, False, True, True]))
    assert report is not None and report.coef.tolist() == [1.0]
    assert (report.n_separated, report.n_boundary) == (1, 2)
