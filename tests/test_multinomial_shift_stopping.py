"""K-class ``fista`` and ``gd`` stop at the same distance to the optimum
whatever the columns' location.

Shifting every column by ``s`` leaves the standardized problem the solvers
iterate on unchanged (the columns are centred; the gauge term is 0 at the
gauge-free point where ``J`` and ``∇J`` are taken), so the stopping rule
``max |Tᵀ∇J| ≤ tol`` is the same test of the same point. Measured on iris at
``C=1``, ``tol=1e-6`` (max coefficient error against the references below):
L1 ``fista`` 8.5e-4 / 8.3e-4 / 7.5e-4 at s = 0 / 100 / 1000, L2 ``fista``
8.0e-5 / 8.2e-5 / 9.2e-5, L2 ``gd`` 1.5e-4 at every s (at ``tol=1e-8``:
3e-6 to 8e-6, 1.0e-6 to 1.2e-6, 1.4e-6). Shifted and unshifted fits may differ
by about that error (``fista``'s first steps differ: its starting ``L``
bounds the gauge term's curvature, which grows with ``Σ μ²/σ²``), never by
more than the tolerance allows either of them.

References: scikit-learn's ``LogisticRegression`` (newton-cg, ``tol=1e-12``)
for L2, computed here; for L1 its saga optimum at ``C=1`` printed in
tests/_iris_saga_reference.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from _iris_saga_reference import SAGA_COEF, SAGA_INTERCEPT
from logistic import LogisticRegression

sklearn_lm = pytest.importorskip("sklearn.linear_model")
sklearn_datasets = pytest.importorskip("sklearn.datasets")


@pytest.fixture(scope="module")
def iris():
    return sklearn_datasets.load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def l2_optimum(iris):
    X, y = iris
    sk = sklearn_lm.LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12)
    sk.fit(X, y)
    return sk.coef_, sk.intercept_


@pytest.mark.parametrize("shift", [0.0, 100.0, 1000.0])
@pytest.mark.parametrize(
    ("penalty", "solver", "bound"),
    # about twice the unshifted fit's error at tol=1e-6 (module docstring)
    [("l1", "fista", 1.5e-3), ("l2", "fista", 1.5e-4), ("l2", "gd", 3e-4)],
)
def test_k_class_fit_on_shifted_columns_stops_as_close_to_the_optimum(
    iris, l2_optimum, shift, penalty, solver, bound
):
    X, y = iris
    model = LogisticRegression(
        penalty=penalty, C=1.0, solver=solver, tol=1e-6, max_iter=10_000
    ).fit(X + shift, y)
    assert model.converged_
    coef, intercept = (SAGA_COEF, SAGA_INTERCEPT) if penalty == "l1" else l2_optimum
    assert np.abs(model.coef_ - coef).max() < bound
    # the intercepts (sum 0, scikit-learn's gauge) move by -shift·Σ_j w_kj
    # less their mean: checked in the centred coordinates, where the
    # coefficients' error is not multiplied by the shift
    centred = model.intercept_ + model.coef_ @ (X + shift).mean(axis=0)
    ref_centred = intercept + coef @ X.mean(axis=0)
    d = (centred - centred.mean()) - (ref_centred - ref_centred.mean())
    assert np.abs(d).max() < 2 * bound
