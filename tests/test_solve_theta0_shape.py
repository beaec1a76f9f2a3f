"""``logistic.solvers.solve`` with a starting point of the wrong length: an
error naming ``theta0`` and the shape expected (it was numpy's "operands
could not be broadcast together" from inside the first pass)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import InvalidParameterError
from logistic._objective import LogisticObjective
from logistic.solvers import solve


@pytest.mark.parametrize("solver", ["lbfgs", "newton", "gd"])
def test_wrong_length_names_theta0(solver):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (rng.random(50) < 0.5).astype(float)
    obj = LogisticObjective.from_arrays(X, y, l2=0.1)
    with pytest.raises(InvalidParameterError, match=r"theta0 must have shape \(4,\)"):
        solve(solver, obj, np.zeros(3), tol=1e-8, max_iter=100)
    res = solve(solver, obj, np.zeros(4), tol=1e-8, max_iter=1000)
    assert res.coef.shape == (4,)
