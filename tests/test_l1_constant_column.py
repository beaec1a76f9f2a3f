"""A binary fit with an L1 penalty alone centres a constant column beside the
intercept in the standardized view, as an L2 term already did
(``ScaledObjective.centres_constant``, the solver's ``view_of`` passing its
L1 strength).

Its optimum is 0 whatever the data (the intercept absorbs ``c·w`` at a
smaller penalty), so shifting every column of a data set by ``s`` leaves
the fit translated: the same coefficients, the intercept moved by
``-coef @ s`` (the invariance the reference rests on; no code under test
computes it). Shifting digits by 100 makes its three all-zero columns
constant 100; left about 0 in the view each was the intercept's own column
there, and L1 ``fista`` (C=1, ``y >= 5``) took 289 iterations against 84
unshifted; now 84 with the same coefficients to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression

pytest.importorskip("sklearn")

from sklearn.datasets import load_digits  # noqa: E402


@pytest.mark.parametrize("solver", ["fista", "newton-cd", "newton-cd-columns"])
def test_shifted_digits_l1_fit_is_the_translated_fit(solver):
    X, y = load_digits(return_X_y=True)
    y = (y >= 5).astype(int)
    shift = np.full(X.shape[1], 100.0)
    fits = [
        LogisticRegression(solver=solver, penalty="l1", C=1.0, tol=1e-8).fit(data, y)
        for data in (X, X + shift)
    ]
    plain, shifted = fits
    assert np.all(np.std(X[:, [0, 32, 39]], axis=0) == 0)  # the all-zero columns
    assert np.all(shifted.coef_[0, [0, 32, 39]] == 0.0)
    np.testing.assert_allclose(shifted.coef_, plain.coef_, atol=1e-6)
    np.testing.assert_allclose(
        shifted.intercept_, plain.intercept_ - plain.coef_ @ shift, atol=1e-4
    )
    # measured (fista): 84 iterations unshifted; shifted 289 before, 84 now
    assert int(shifted.n_iter_[0]) <= 1.2 * int(plain.n_iter_[0]) + 2
