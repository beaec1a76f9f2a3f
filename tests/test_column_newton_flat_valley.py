"""``newton-cd-columns`` on one-hot columns that sum to the intercept's.

Every level of two categorical variables one-hot encoded (a9a's layout) makes
the model flat along the columns of one variable against the intercept,
held up by the L2 term alone. The Gram-form inner solve cut at 500 sweeps
crept along that valley: on these data at C = 1000 every Newton step
decreased the objective by ~1e-9, 1 000 steps, unconverged (``auto`` sends
sparse L1 fits to this solver: a9a's first 6 000 rows at C = 1000 took 213
steps). Without an L1 term the model is now solved by Cholesky, as
``newton-cd`` solves it; with one the sweeps may go on to ``n_samples``.

References: scikit-learn's ``newton-cholesky`` (same objective at
``C = 1/(alpha·n)``, unpenalized intercept) for L2; for L1 the optimum of
``newton-cd``, the other L1 solver, whose model is the full Hessian.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import data_path, load_libsvm
from logistic import LogisticRegression
from logistic._objective import LogisticObjective


def _one_hot(n=5000, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 5, n), rng.integers(0, 4, n)
    X = sp.hstack([sp.csr_matrix(np.eye(5)[a]), sp.csr_matrix(np.eye(4)[b])])
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * a - 0.3 * b - 0.2)))).astype(float)
    return X.tocsr(), y


def _objective(X, y, C, coef, intercept, l1=False):
    alpha = 1.0 / (C * X.shape[0])
    if not l1:
        obj = LogisticObjective.from_arrays(X, y, l2=alpha)
        return float(obj.value(np.append(coef, intercept)))
    obj = LogisticObjective.from_arrays(X, y)
    return float(obj.value(np.append(coef, intercept))) + alpha * np.abs(coef).sum()


@pytest.mark.parametrize("C", [100.0, 1000.0])
def test_l2_steps_cross_the_valley(C):
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y = _one_hot()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        m = LogisticRegression(penalty="l2", C=C, solver="newton-cd-columns").fit(X, y)
    assert m.converged_ and m.n_iter_[0] <= 20
    ref = linear_model.LogisticRegression(
        C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    ours = _objective(X, y, C, m.coef_.ravel(), m.intercept_[0])
    theirs = _objective(X, y, C, ref.coef_.ravel(), ref.intercept_[0])
    assert ours <= theirs * (1 + 1e-12)
    assert np.allclose(m.predict_proba(X), ref.predict_proba(X), atol=1e-6)


def test_l1_on_a9a_rows_crosses_the_valley():
    X, y = load_libsvm(data_path("a9a", "a9a.gz"), max_rows=6000)[:2]
    C = 1000.0
    fits = {}
    for solver in ("newton-cd-columns", "newton-cd"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fits[solver] = LogisticRegression(
                penalty="l1", C=C, solver=solver, tol=1e-8
            ).fit(X, y)
    m = fits["newton-cd-columns"]
    assert m.converged_ and m.n_iter_[0] <= 60
    values = {
        s: _objective(X, y, C, f.coef_.ravel(), f.intercept_[0], l1=True)
        for s, f in fits.items()
    }
    assert values["newton-cd-columns"] == pytest.approx(values["newton-cd"], rel=1e-9)
