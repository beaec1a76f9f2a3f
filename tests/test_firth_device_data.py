"""The ``firth`` solver called directly on array-API (device) data.

The estimator refuses ``penalty='firth'`` on such data before any solver
runs; a direct call of the solver on a :class:`LogisticObjective` of the
array-API backend raised a bare ``TypeError`` from numpy (``Cannot interpret
'array_api_strict.float64' as a data type``) in the centring of the rows.
Firth's information, Cholesky factor and hat diagonal are numpy/scipy code
with no array-API kernels, so the solver refuses such data by name, before
any pass over them.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic._exceptions import InvalidParameterError
from logistic._objective import LogisticObjective
from logistic.solvers import get_solver

xs = pytest.importorskip("array_api_strict")
pytest.importorskip("array_api_compat")


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_direct_firth_call_on_device_data_is_refused_by_name(fit_intercept):
    from logistic.backends.array_api import ArrayAPI

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = (rng.random(60) < 0.4).astype(float)
    data = ArrayAPI.from_arrays(xs.asarray(X), xs.asarray(y))
    objective = LogisticObjective(data, fit_intercept=fit_intercept)
    with pytest.raises(
        InvalidParameterError,
        match=(
            r"solver 'firth' needs data whose blocks are numpy or scipy arrays "
            r"on the host .*; got ArrayAPI data.*X\.cpu\(\)\.numpy\(\)"
        ),
    ):
        get_solver("firth")().solve(objective, np.zeros(objective.n_params))
    assert objective.n_evaluations == 0  # refused before reading the rows
