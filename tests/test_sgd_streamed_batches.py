"""SGD over streamed chunks: every mini-batch holds its share of the rows and
weighs as its rows' weights (solvers.gradient_descent._streamed_batches).

Before, each chunk was cut into batches on its own and each batch's loss
divided by its own weight: a chunk's remainder (a last chunk of one row,
chunks of 333 rows in batches of 256) was a full SGD step every epoch, and
rows stored by weight lost their weights, so the fit went to another point
and never met its stopping rule (1,000 epochs, coefficients off by 0.9).
The reference optimum is scikit-learn's (lbfgs, tol 1e-12) with
C = 1/(alpha · Σw), the same objective.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.backends import as_backend
from logistic.solvers.gradient_descent import minibatches

ALPHA = 0.01


def _data():
    rng = np.random.default_rng(1)
    n = 1000
    X = rng.normal(size=(n, 3))
    z = X @ [1.0, -0.5, 0.25] + 0.2
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    w = rng.integers(1, 4, size=n).astype(float)
    return X, y, w


def _sklearn(X, y, w):
    sklearn = pytest.importorskip("sklearn.linear_model")
    ref = sklearn.LogisticRegression(
        C=1 / (ALPHA * w.sum()), tol=1e-12, max_iter=10_000
    )
    ref.fit(X, y, sample_weight=w)
    return np.r_[ref.intercept_, ref.coef_.ravel()]


def _streamed_sgd(X, y, w, chunk_rows):
    def blocks():
        return [
            (X[i : i + 97], y[i : i + 97], w[i : i + 97]) for i in range(0, len(y), 97)
        ]

    data = as_backend(blocks, None, chunk_rows=chunk_rows)
    est = LogisticRegression(penalty="l2", alpha=ALPHA, solver="sgd", random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ConvergenceWarning: the bug's symptom
        est.fit(data, None)
    return est, np.r_[est.intercept_, est.coef_.ravel()]


@pytest.mark.parametrize("chunk_rows", [999, 333, 100, 1])
def test_uneven_chunks_reach_the_optimum(chunk_rows):
    X, y, _ = _data()
    ones = np.ones_like(y)
    est, got = _streamed_sgd(X, y, ones, chunk_rows)
    assert est.converged_
    # before: chunks of 999 and 333 did not converge, coefficients off by up to 0.9
    np.testing.assert_allclose(got, _sklearn(X, y, ones), atol=0.03)


@pytest.mark.parametrize("chunk_rows", [500, 256, 100])
def test_rows_stored_by_weight_keep_their_weights(chunk_rows):
    X, y, w = _data()
    order = np.argsort(w, kind="stable")  # the file sorted by weight
    X, y, w = X[order], y[order], w[order]
    est, got = _streamed_sgd(X, y, w, chunk_rows)
    assert est.converged_
    # before: chunks of 500 did not converge after 1,000 epochs
    np.testing.assert_allclose(got, _sklearn(X, y, w), atol=0.02)


def test_batches_have_the_in_memory_sizes_and_every_row_once():
    X, y, w = _data()
    data = as_backend(lambda: [(X, y, w)], None, chunk_rows=333)
    batches = list(minibatches(data, np.random.default_rng(0), 256))
    assert [b.n_rows for b in batches] == [250] * 4  # not 167, 166 ×3 and 1
    rows = np.concatenate([b.X for b in batches])
    order = np.lexsort(rows.T[::-1])
    np.testing.assert_array_equal(rows[order], X[np.lexsort(X.T[::-1])])


def test_one_chunk_of_unit_weight_rows_is_still_the_in_memory_fit():
    X, y, _ = _data()
    kw = {"penalty": "l2", "alpha": ALPHA, "solver": "sgd", "random_state": 1}
    mem = LogisticRegression(**kw).fit(X, y)
    streamed = LogisticRegression(**kw).fit(lambda: [(X, y)], None)
    np.testing.assert_array_equal(streamed.coef_, mem.coef_)
    np.testing.assert_array_equal(streamed.intercept_, mem.intercept_)
