"""The K-class covariance's check for a constant column beside the intercept
compares the information's entries as ratios: weights of 1e200 made the
information ~1e202, whose squared entries overflowed (numpy's "overflow
encountered in scalar multiply" escaped to the user) while the check still
has to find the constant column.

Reference: statsmodels' ``MNLogit`` of the unweighted rows (a common weight
changes no standard error of a frequency-weighted fit but by its square root).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.inference import CollinearityError


def test_huge_weights_no_overflow_and_constant_column_found():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(9)
    n = 300
    X = rng.normal(size=(n, 1))
    y = rng.integers(0, 3, size=n)
    w = np.full(n, 1e200)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(method="newton", tol=1e-14, disp=0)
    ref_bse = np.asarray(ref.bse)[[1, 0]].T / 1e100  # bse of n·1e200 rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y, sample_weight=w)
        wide = np.column_stack([X, np.full(n, 4.0)])
        with_constant = LogisticRegression().fit(wide, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = model.inference(X, y, w)
        with pytest.raises(CollinearityError, match="constant column 'x2'"):
            with_constant.inference(wide, y, w)
    np.testing.assert_allclose(np.asarray(res.bse), ref_bse, rtol=1e-7)
