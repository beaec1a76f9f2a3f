"""`partial_fit`: incremental mini-batch SGD (RELIABILITY A20, O08).

Reference optimum: the Newton fit of the same data (itself checked against R's
glm in test_solvers_basic.py).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, datasets
from logistic._objective import LogisticObjective
from logistic.solvers import SOLVERS


def chunks(n, k, seed):
    return np.array_split(np.random.default_rng(seed).permutation(n), k)


def stream(model, X, y, epochs, seed=0):
    for e in range(epochs):
        for idx in chunks(len(y), 4, seed + e):
            model.partial_fit(X[idx], y[idx], classes=[0.0, 1.0])
    return model


def test_converges_towards_the_batch_optimum_and_is_reproducible():
    X, y, _ = datasets.load_ucla_admissions()
    ref = LogisticRegression(solver="newton").fit(X, y)
    a = stream(LogisticRegression(random_state=3), X, y, epochs=80)
    b = stream(LogisticRegression(random_state=3), X, y, epochs=80)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    obj = LogisticObjective.from_arrays(X, y)
    gap = obj.value(np.r_[a.coef_.ravel(), a.intercept_]) - ref.objective_
    assert 0 <= gap < 2e-3
    assert a.n_iter_[0] == 320 and a.solver_ == "sgd" and not a.converged_
    assert np.array_equal(a.classes_, [0.0, 1.0])
    assert (a.predict(X) == ref.predict(X)).mean() > 0.97


def test_l2_stream_approaches_the_penalized_optimum(rng):
    X = rng.standard_normal((2000, 5))
    y = (rng.random(2000) < 1 / (1 + np.exp(-X @ [1.0, -2.0, 0.5, 0.0, 0.3]))).astype(
        float
    )
    ref = LogisticRegression(penalty="l2", alpha=0.05).fit(X, y)
    m = LogisticRegression(penalty="l2", alpha=0.05, random_state=0)
    for e in range(15):
        for idx in chunks(2000, 10, e):
            m.partial_fit(X[idx], y[idx], classes=[0, 1])
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=0.03)


def test_contract_errors():
    X, y, _ = datasets.load_ucla_admissions()
    m = LogisticRegression()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        m.partial_fit(X[:50], y[:50])
    m.partial_fit(X[:50], y[:50], classes=[0, 1])
    with pytest.raises(ValueError, match="expecting 5 features"):
        m.partial_fit(X[50:100, :4], y[50:100])
    with pytest.raises(ValueError, match="not in classes"):
        m.partial_fit(X[50:100], np.full(50, 2.0))
    with pytest.raises(ValueError, match="differs from the classes"):
        m.partial_fit(X[50:100], y[50:100], classes=[0, 2])
    # three classes: the multinomial partial_fit (tests/test_multinomial.py)
    three = LogisticRegression().partial_fit(X[:10], y[:10], classes=[0, 1, 2])
    assert three.coef_.shape == (3, X.shape[1])


@pytest.mark.parametrize(
    "params",
    [
        {"penalty": "l1", "alpha": 0.1},
        {"penalty": "l2", "C": 1.0},
        {"solver": "newton"},
    ],
)
def test_unavailable_for_configurations_it_cannot_honour(params):
    m = LogisticRegression(**params)
    assert not hasattr(m, "partial_fit")
    with pytest.raises(AttributeError, match="no 'partial_fit'"):
        _ = m.partial_fit


def test_continues_an_earlier_fit():
    X, y, _ = datasets.load_ucla_admissions()
    m = LogisticRegression().fit(X, y)
    before = m.coef_.copy()
    m.partial_fit(X[:100], y[:100])  # classes from the fit
    assert np.array_equal(m.classes_, [0.0, 1.0])
    # one SGD pass from the optimum stays close to it
    np.testing.assert_allclose(m.coef_, before, rtol=0.2, atol=0.05)


def test_sgd_streams_out_of_core_blocks():
    # SGD over a callable of blocks (the out-of-core path): shuffles within each
    # block, reproducible, and reaches the SOLVER tolerance for SGD (RELIABILITY: 1e-2)
    X, y, _ = datasets.load_ucla_admissions()

    def blocks():
        return [(X[i : i + 100], y[i : i + 100]) for i in range(0, 400, 100)]

    ref = LogisticRegression(solver="newton").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reaches SGD's own default tol: no warning
        a = LogisticRegression(solver="sgd", max_iter=300, random_state=1).fit(
            blocks, None
        )
        b = LogisticRegression(solver="sgd", max_iter=300, random_state=1).fit(
            blocks, None
        )
    in_memory = LogisticRegression(solver="sgd", random_state=1).fit(X, y)
    assert a.solver_ == "sgd" and a.converged_ and a.n_iter_[0] < 300
    assert a.tol_ == in_memory.tol_ == SOLVERS["sgd"].default_tol(X.dtype)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_allclose(a.coef_, ref.coef_, rtol=1e-2, atol=0.05)
