"""Multinomial fits on out-of-core and Dask data equal the in-memory fit.

The objective is a sum over row blocks (:mod:`logistic._multinomial`), so a
file read in chunks, a callable of blocks and a Dask collection must reach
the in-memory optimum to rounding (1e-8 here).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._multinomial import MultinomialObjective
from logistic.backends import as_backend

N, P, K = 3000, 5, 4


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(N, P)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    W = rng.normal(size=(K, P)) * 0.5
    Z = X @ W.T + rng.normal(size=K)
    P_ = np.exp(Z - Z.max(axis=1, keepdims=True))
    P_ /= P_.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(K, p=row) for row in P_])
    labels = np.array(["a", "b", "c", "d"])[y]
    return X, labels


@pytest.fixture(scope="module")
def reference(data):
    X, y = data
    return {
        (penalty, solver): LogisticRegression(
            penalty=penalty, alpha=None if penalty is None else 1e-3, solver=solver
        ).fit(X, y)
        for penalty in (None, "l2")
        for solver in ("newton", "lbfgs")
    }


def _same(model, ref):
    assert list(model.classes_) == ["a", "b", "c", "d"]
    assert abs(model.objective_ - ref.objective_) <= 1e-10 * abs(ref.objective_)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-8)


def _blocks(X, y, rows):
    def blocks():
        for a in range(0, len(y), rows):
            yield X[a : a + rows], y[a : a + rows]

    return blocks


@pytest.mark.parametrize("penalty", [None, "l2"])
@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_blocks_fit_equals_in_memory(data, reference, penalty, solver):
    X, y = data
    alpha = None if penalty is None else 1e-3
    model = LogisticRegression(penalty=penalty, alpha=alpha, solver=solver)
    model.fit(_blocks(X, y, 701), None)
    _same(model, reference[penalty, solver])
    assert model.separation_ == ("unchecked" if penalty is None else None)


def test_csv_file_fit_equals_in_memory(tmp_path, data, reference):
    X, y = data
    path = tmp_path / "d.csv"
    header = ",".join([f"x{j}" for j in range(P)] + ["label"])
    lines = [header] + [
        ",".join([repr(float(v)) for v in X[i]] + [str(y[i])]) for i in range(N)
    ]
    path.write_text("\n".join(lines) + "\n")
    model = LogisticRegression(penalty="l2", alpha=1e-3, solver="newton")
    model.fit(str(path), "label")
    _same(model, reference["l2", "newton"])
    assert list(model.feature_names_in_) == [f"x{j}" for j in range(P)]


def test_blocks_give_the_same_objective_sums(data):
    X, y = data
    rng = np.random.default_rng(0)
    mem = as_backend(X, y, multiclass=True)
    streamed = as_backend(_blocks(X, y, 997), multiclass=True)
    a, b = MultinomialObjective(mem, l2=0.1), MultinomialObjective(streamed, l2=0.1)
    theta = rng.normal(size=a.n_params)
    fa, ga = a.value_and_gradient(theta)
    fb, gb = b.value_and_gradient(theta)
    assert fb == pytest.approx(fa, rel=1e-14)
    np.testing.assert_allclose(gb, ga, rtol=0, atol=1e-14)
    np.testing.assert_allclose(b.hessian(theta), a.hessian(theta), atol=1e-13)


def test_offsets_need_one_column_per_class(data):
    X, y = data

    def blocks():
        yield X, y, np.ones(N), np.zeros(N)

    with pytest.raises(ValueError, match=r"offset must have one column per class"):
        LogisticRegression().fit(blocks, None)


@pytest.mark.dask
def test_dask_fit_equals_in_memory(data, reference):
    da = pytest.importorskip("dask.array")
    X, y = data
    Xd = da.from_array(X, chunks=(800, P))
    yd = da.from_array(y, chunks=800)
    for penalty in (None, "l2"):
        alpha = None if penalty is None else 1e-3
        model = LogisticRegression(penalty=penalty, alpha=alpha, solver="lbfgs")
        model.fit(Xd, yd)
        _same(model, reference[penalty, "lbfgs"])
    # predictions of the Dask collection: lazy, equal to the in-memory ones
    np.testing.assert_allclose(
        model.predict_proba(Xd).compute(), model.predict_proba(X), rtol=1e-13, atol=1e-15
    )
