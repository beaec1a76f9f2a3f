"""fista on float32 CSR with a column far from centred (1.92e7, whose float32
values differ by 2): products with X cancelled to zero in the power
iteration, whose Lipschitz estimate then was the smallest float, and the
first step overflowed (NumericalError at iteration 1, where dense float32
and CSR float64 converge). The case a fuzz of the solvers found."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

X = np.array(
    [
        [-7.4826926e-01, 1.9201378e07, 5.8823836e-01],
        [6.7095828e-01, 1.9201378e07, -5.5094129e-01],
        [3.7506253e-01, 1.9201378e07, 1.7966456e00],
        [1.3386685e00, 1.9201378e07, 2.3129509e-01],
        [5.2314979e-01, 1.9201378e07, 4.5728731e-01],
        [-1.6410332e00, 1.9201376e07, -1.6408347e00],
        [1.3155519e00, 1.9201376e07, 2.4056493e-01],
        [1.7183565e00, 1.9201376e07, 1.4507687e00],
    ],
    dtype=np.float32,
)
y = np.array([0, 0, 1, 1, 0, 0, 1, 1])
sw = np.array(
    [2.5761784478350237e05, 5.4373369240619510e05, 1.5802853744306930e-04,
     4.1725759650343352e03, 2.9604805426671516e02, 5.5314625836974329e-01,
     8.6066367781952868e-03, 1.1675917050857993e03]
)  # fmt: skip


@pytest.mark.parametrize("float32", [True, False])
def test_fista_fits_float32_csr_as_the_other_storages(float32):
    data = sp.csr_matrix(X if float32 else X.astype(np.float64))
    model = LogisticRegression(penalty="l1", alpha=0.13600565292073954, solver="fista")
    model.fit(data, y, sample_weight=sw)
    dense = LogisticRegression(penalty="l1", alpha=0.13600565292073954, solver="fista")
    dense.fit(X, y, sample_weight=sw)
    assert model.converged_
    assert model.objective_ == pytest.approx(dense.objective_, rel=1e-7)
    assert np.all(model.coef_ == 0.0)  # the L1 optimum: the slopes are 0
