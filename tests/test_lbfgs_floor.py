"""L-BFGS at the rounding floor: scipy's line search is stopped once it only
compares values within rounding noise, and the Newton–CG polish finishes.

Reference: scikit-learn's ``LogisticRegression(solver="newton-cholesky")``
at ``tol=1e-12`` on the same data and penalty (C = 1).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from conftest import data_path, load_libsvm
from logistic import ConvergenceWarning, LogisticRegression
from logistic.solvers import lbfgs as lbfgs_module
from logistic.solvers._linesearch import unresolved


@pytest.fixture(scope="module")
def a9a():
    return load_libsvm(data_path("a9a", "a9a.gz"), 123, max_rows=5000)


def _values_seen(monkeypatch):
    """Record every value scipy's L-BFGS-B asks for, and each accepted one."""
    seen: list[tuple[str, float]] = []
    call, accept = lbfgs_module._Evaluations.__call__, lbfgs_module._Evaluations.accept

    def recording_call(self, x):
        f, g = call(self, x)
        seen.append(("eval", f))
        return f, g

    def recording_accept(self, x, f):
        seen.append(("accept", f))
        accept(self, x, f)

    monkeypatch.setattr(lbfgs_module._Evaluations, "__call__", recording_call)
    monkeypatch.setattr(lbfgs_module._Evaluations, "accept", recording_accept)
    return seen


def test_line_search_at_the_floor_is_cut_short(a9a, monkeypatch):
    X, y = a9a
    seen = _values_seen(monkeypatch)
    # on this problem scipy's line searches at the floor evaluate up to two
    # values in a row within rounding noise of the accepted one (measured with
    # the cut off); a cut after one exercises the stop and the polish after it
    monkeypatch.setattr(lbfgs_module, "FLAT_EVALUATIONS", 1)
    # a tolerance below what value comparisons can resolve: scipy reaches the floor
    model = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-14)
    model.fit(X, y)
    # scipy was stopped at the first value within rounding noise of the last
    # accepted one
    assert _longest_flat_run(seen) == 1
    # and the polish leaves the same optimum as scikit-learn's
    ref = SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6)


def _longest_flat_run(seen: list[tuple[str, float]]) -> int:
    """Longest run of evaluations within rounding noise of the last accepted
    value (scipy's own evaluations only: the polish follows no accept)."""
    longest = flat = 0
    last = None
    for kind, f in seen:
        if kind == "accept":
            flat, last = 0, f
        elif last is not None and unresolved(f, last):
            flat += 1
            longest = max(longest, flat)
        else:
            flat = 0
    return longest


def test_no_cut_before_the_floor(a9a, monkeypatch):
    X, y = a9a
    seen = _values_seen(monkeypatch)
    # a loose tolerance is reached long before values stop changing: the run
    # is scipy's own, and every evaluation but the accepted ones decreases J
    model = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-4)
    model.fit(X, y)
    assert model.converged_
    accepted = [f for kind, f in seen if kind == "accept"]
    assert all(b < a for a, b in zip(accepted, accepted[1:], strict=False))
    assert not any(
        unresolved(b, a) for a, b in zip(accepted, accepted[1:], strict=False)
    )


def test_the_polish_stays_within_max_iter():
    # 300 rows of 8 correlated columns, tol=0: scipy stopped itself at
    # iteration 23 of max_iter=23 and the polish took a 24th (n_iter_ 24 >
    # max_iter, "After n_iter=24 iterations (max_iter=23)"); max_iter is the
    # most iterations, polish steps included
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 8)) @ rng.normal(size=(8, 8))
    y = (rng.random(300) < 0.4).astype(int)
    for max_iter in range(18, 28):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0: expected
            m = LogisticRegression(solver="lbfgs", tol=0.0, max_iter=max_iter).fit(X, y)
        assert m.n_iter_[0] <= max_iter
        assert len(m.history_) - 1 == m.n_iter_[0]
