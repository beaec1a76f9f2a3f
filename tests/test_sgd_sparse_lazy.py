"""fit(solver="sgd") on sparse rows takes the lazy steps
(logistic.solvers._lazy_sgd), whose cost is a batch's non-zeros times its
coefficient rows: the coefficients of the same rows given dense."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import logistic.solvers._lazy_sgd as lazy_sgd
from logistic import LogisticRegression


def _data(k, n=800, p=60, seed=3):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.04, format="csr", random_state=rng)
    X.data = np.round(X.data * 4.0) / 4.0 + 0.5  # a few distinct scales
    z = X @ rng.normal(size=p)
    if k == 2:
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    else:
        y = np.argmax(np.outer(z, np.arange(k)) + rng.gumbel(size=(n, k)), 1) * 1.0
    return X, y, rng.random(n) * 2.0


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize(
    "params",
    [
        dict(penalty="l2", alpha=1e-3),
        # K classes without a penalty: the reference parametrization (K - 1 rows)
        dict(penalty=None),
        dict(penalty="l2", alpha=0.05, fit_intercept=False),
    ],
    ids=["l2", "none", "no-intercept"],
)
def test_sparse_sgd_fit_matches_the_dense_steps(monkeypatch, k, params):
    # reference: the same rows dense (sgd_pass over the objective's own
    # batch_gradient); four epochs: the first unaveraged, then averaged
    passes = []

    class Counted(lazy_sgd._Lazy):
        def __init__(self, *args):
            passes.append(1)
            super().__init__(*args)

    monkeypatch.setattr(lazy_sgd, "_Lazy", Counted)
    X, y, sw = _data(k)
    fits = []
    for given in (X, X.toarray(), X.tocsc()):
        est = LogisticRegression(solver="sgd", max_iter=4, random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # not converged in 4 epochs
            est.fit(given, y, sample_weight=sw)
        fits.append(np.append(est.coef_.ravel(), est.intercept_))
        if given is X:
            assert len(passes) == 4  # one lazy pass an epoch
    assert est.coef_.shape == ((1 if k == 2 else k), 60)
    scale = np.abs(fits[1]).max()
    for got in (fits[0], fits[2]):
        np.testing.assert_allclose(got, fits[1], rtol=1e-10, atol=1e-12 * scale)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("alpha", [1e-3, None], ids=["lazy", "dense-steps"])
def test_csc_rows_are_made_csr_once_a_fit(monkeypatch, k, alpha):
    # A CSC X is made CSR once a fit: every batch a CSR row slice (a CSC row
    # slice reads all of X and writes p + 1 pointers: O(nnz + p) a batch);
    # the iterate is the CSR fit's to 1e-15; the copy is gone after the fit.
    # alpha=None with real-valued columns and a fixed L2 > 0 would pass
    # MAX_GROUPS; here MAX_GROUPS=1 sends the penalized fit to the dense steps.
    import gc
    import weakref

    import logistic.solvers.gradient_descent as gd

    formats, copies = [], []
    given_batches = gd.minibatches
    given_rows = getattr(gd.StochasticGradientDescent, "_batch_rows", None)

    def recorded(*args, **kwargs):
        for block in given_batches(*args, **kwargs):
            formats.append(block.X.format)
            yield block

    def kept(self, view):
        rows = given_rows(self, view)  # once an epoch, the same copy
        if rows is not None:
            copies.append(weakref.ref(rows.X))
        return rows

    monkeypatch.setattr(gd, "minibatches", recorded)
    if given_rows is not None:
        monkeypatch.setattr(gd.StochasticGradientDescent, "_batch_rows", kept)
    if alpha is None:
        monkeypatch.setattr(lazy_sgd, "MAX_GROUPS", 1)
    X, y, sw = _data(k)
    params = dict(penalty="l2", alpha=alpha or 1e-2)
    fits = []
    for given in (X, X.tocsc()):
        est = LogisticRegression(solver="sgd", max_iter=3, random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # not converged in 3 epochs
            est.fit(given, y, sample_weight=sw)
        fits.append(np.append(est.coef_.ravel(), est.intercept_))
    assert set(formats) == {"csr"} and len(formats) == 2 * 3 * 4  # 800 rows / 256
    # the CSC fit's copy alone, made once for its 3 epochs (a weak reference
    # to one object is one object), and not held beyond the fit
    assert len(copies) == 3 and len({id(ref) for ref in copies}) == 1
    gc.collect()
    assert copies[0]() is None
    np.testing.assert_allclose(fits[1], fits[0], rtol=1e-15, atol=1e-15)
