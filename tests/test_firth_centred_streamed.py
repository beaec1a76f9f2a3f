"""Firth's centred coordinates on rows not held in memory
(``_firth_centred.CentredRows``: each block centred as it is read).

``LogisticRegression(penalty="firth").fit`` refuses out-of-core and Dask data
(it needs the rows in memory), but the inference of a Firth model takes its
training rows as such a backend, and the solver takes any objective: both
ran in the columns' own coordinates, where a column far from 0 made the
modified score at the fitted coefficients 4e-6 (``2e6 + [0..5]``) to 1e-3
(``1e8 + ...``) of a standardized gradient, so inference refused the training
rows as not the fit's.

References (outside the code under test): Firth's estimate as the root of the
modified score in numpy by ``scipy.optimize.root`` on numpy-centred columns,
its covariance ``I⁻¹`` in numpy mapped by hand
(tests/test_firth_centred.py), and the intercept's profile interval by
scipy's Lagrange root and brentq (tests/test_firth_centred_intercept.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.backends import Chunked
from logistic.solvers import solve
from test_firth_centred import _data, _modified_score_root
from test_firth_centred_intercept import _intercept_profile

pytestmark = pytest.mark.filterwarnings(
    "ignore:60 rows have non-integer sample weights"
)


def _chunked(X, y, w, offset):
    def blocks():
        for start in range(0, len(y), 16):
            part = slice(start, start + 16)
            yield X[part], y[part], w[part], offset[part]

    return Chunked.from_blocks(blocks)


@pytest.mark.parametrize("shift", [2e6, 1e8])
def test_inference_on_streamed_training_rows_of_a_far_from_centred_fit(shift):
    X, y, w, offset, raw = _data(shift, seed=7)
    centre = raw.mean(axis=0)
    ref = _modified_score_root(raw - centre, y, w, offset)
    Xt = np.column_stack([np.ones(len(y)), raw - centre])
    p = expit(Xt @ ref + offset)
    J = np.eye(3)  # b = b_c - (centre + shift)·w
    J[0, 1:] = -(centre + [shift, 0.0])
    cov = J @ np.linalg.inv(Xt.T @ ((w * p * (1 - p))[:, None] * Xt)) @ J.T
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, offset=offset
    )
    res = model.inference(_chunked(X, y, w, offset))  # refused before
    np.testing.assert_allclose(res.bse, np.sqrt(np.diag(cov)), rtol=1e-7)
    lo, hi, lr = _intercept_profile(X, y, w, offset)
    ci = np.asarray(res.conf_int(method="profile", terms=[0]))[0]
    np.testing.assert_allclose(ci, [lo, hi], rtol=0, atol=1e-9 * (hi - lo))
    np.testing.assert_allclose(res._lr_statistics[0], lr, rtol=1e-9)


def test_firth_solver_on_streamed_rows_is_the_centred_estimate():
    X, y, w, offset, raw = _data(1e8, seed=8)
    centre = raw.mean(axis=0)
    ref = _modified_score_root(raw - centre, y, w, offset)
    want = np.r_[ref[1:], ref[0] - (centre + [1e8, 0.0]) @ ref[1:]]
    objective = LogisticObjective(_chunked(X, y, w, offset))
    result = solve("firth", objective, np.zeros(3), tol=1e-10, max_iter=100)
    assert result.converged
    np.testing.assert_allclose(result.coef, want, rtol=1e-8)
