"""float32 data whose fitted logits are sums of terms float32 cannot resolve
(a column of 1e7 ± 1: terms of 1e7 cancelling to a logit of order 1) warn:
the fit's sums are float64, but float32 ``coef_``/``intercept_`` (spacing 1
at 8.6e6) and predictions on float32 X moved the probabilities by up to 0.2
from the optimum, with ``converged_=True`` and no word."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, NumericalStabilityWarning


def _data(mean, n=500):
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    return (mean + x).astype(np.float32)[:, None], y


def test_a_float32_column_far_from_centred_warns():
    # CSR float32 with the column solver converges (dense float32 stalls and
    # says so with a ConvergenceWarning)
    import scipy.sparse as sp

    X, y = _data(1e7)
    model = LogisticRegression(penalty="l2", solver="newton-cd-columns")
    with pytest.warns(NumericalStabilityWarning, match=r"float32 X: .*astype\(np\.float64\)"):
        model.fit(sp.csr_matrix(X), y)
    assert model.converged_


@pytest.mark.parametrize("mean", [0.0, 600.0])  # standard, and UCLA's gre scale
def test_float32_data_float32_resolves_do_not_warn(mean):
    X, y = _data(mean)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalStabilityWarning)
        model = LogisticRegression(penalty="l2").fit(X, y)
    assert model.coef_.dtype == np.float32
