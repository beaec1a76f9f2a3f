"""Where the separation stop (logistic._separation_stop) must not act.

The stop ends an UNPENALIZED binary fit whose maximum-likelihood estimate
does not exist. Any penalty (L2, L1, elastic net), Firth's correction, the
K-class model and regularization paths have a finite optimum on separated
data too, and their solvers must reach it: the rule is never asked there
(checked by watching it on separated data, where it would stop an
unpenalized fit), and an L2 fit reaches scikit-learn's optimum.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic
import logistic._separation_stop as separation_stop
from _quasi_separated_design import quasi_separated
from logistic import ConvergenceWarning, LogisticRegression


def _design():
    X, y = quasi_separated()  # tests/_quasi_separated_design.py, dense here
    return X.toarray(), y


@pytest.fixture
def asked(monkeypatch):
    calls: list[int] = []
    call = separation_stop.SeparationStop.__call__

    def watched(self, *args, **kwargs):
        calls.append(1)
        return call(self, *args, **kwargs)

    monkeypatch.setattr(separation_stop.SeparationStop, "__call__", watched)
    return calls


def _fit(**params):
    X, y = _design()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression(**params).fit(X, y)


def test_the_rule_is_asked_of_an_unpenalized_fit(asked):
    # the control: the watch sees the rule where it applies
    model = _fit(penalty=None, solver="newton-cd")
    assert asked and model.fit_status_.startswith("stopped under")


@pytest.mark.parametrize(
    "params",
    [
        {"penalty": "l2", "C": 1e4, "solver": "newton-cd"},
        {"penalty": "l2", "C": 1e4, "solver": "lbfgs"},
        {"penalty": "l1", "C": 1e3},
        {"penalty": "elasticnet", "C": 1e3, "l1_ratio": 0.5},
    ],
    ids=["l2-newton-cd", "l2-lbfgs", "l1", "elasticnet"],
)
def test_penalized_fits_are_never_asked(asked, params):
    model = _fit(max_iter=3000, **params)
    assert asked == []
    assert not model.fit_status_.startswith("stopped under")


def test_firth_is_never_asked(asked):
    # Firth needs a full-rank design (the sparse one has empty columns):
    # x0 separates these rows completely; Firth's estimate is finite
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty="firth").fit(X, y)
    assert asked == [] and model.converged_


def test_an_l2_fit_reaches_scikit_learns_optimum(asked):
    # Reference: scikit-learn's newton-cholesky, C=1e4 (the same objective:
    # C's 1/(C Σs) strength), at a tight tolerance
    from sklearn.linear_model import LogisticRegression as Reference

    X, y = _design()
    model = _fit(penalty="l2", C=1e4, solver="newton-cd", tol=1e-10)
    ref = Reference(C=1e4, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    ref.fit(X, y)
    assert asked == [] and model.converged_
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-4, atol=1e-3)


def test_k_classes_and_paths_are_never_asked(asked):
    # An unconverged K-class fit's ConvergenceWarning raised ValueError
    # (solvers._diagnosis took the (K, p) slopes for a vector): it warns now,
    # naming the separation its separation check then reports.
    X, y = _design()
    y3 = np.where(X[:, 0] > 0, 2, y)  # a third class: column 0's non-zeros
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        multi = LogisticRegression(penalty=None, max_iter=100).fit(X, y3)
        result = logistic.path(X, y, alphas=[1e-2, 1e-4, 0.0], l1_ratio=0.0)
    assert asked == []
    assert not multi.converged_ and multi.fit_status_.startswith("reached max_iter")
    said = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert any("Likely cause: separation" in t for t in said), said
    assert multi.separation_ == "quasi-complete"
    assert len(result.alphas) == 3
