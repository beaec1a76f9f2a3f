"""The near-collinearity warning of inference names a column far from 0 as
its cause, with the rounding the standard errors carry and the remedy.

Reference: statsmodels' ``Logit`` on the same rows with the column centred
by hand (the slope and its standard error do not depend on the centring).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit

from logistic import LogisticRegression, NumericalStabilityWarning


def _rows(shift: float):
    rng = np.random.default_rng(3)
    n = 500
    x = rng.normal(size=n) + shift
    z = rng.normal(size=n)
    y = (rng.uniform(size=n) < expit((x - shift) * 0.8 + 0.5 * z)).astype(float)
    return np.c_[x, z], y


def test_names_the_column_its_rounding_and_the_remedy():
    X, y = _rows(2e6)
    with pytest.warns(NumericalStabilityWarning) as caught:
        res = LogisticRegression().fit(X, y).inference()
        res.bse  # noqa: B018 (the covariance is computed on first use)
    text = " ".join(str(w.message) for w in caught)
    assert "column 'x1' lie far from 0" in text
    assert "mean 2e+06 times the spread" in text
    assert "Subtract a value near the mean" in text
    # the rounding it states is of the size of the error it describes
    stated = float(text.split("rounding of about ")[1].split(" ")[0])
    sm = pytest.importorskip("statsmodels.api")
    Xc = X.copy()
    Xc[:, 0] -= 2e6
    ref = sm.Logit(y, sm.add_constant(Xc)).fit(disp=0, method="newton", tol=1e-14)
    error = abs(res.bse[1] / ref.bse[1] - 1.0)
    assert 1e-5 < error < 3 * stated


def test_no_note_for_an_ordinary_near_collinearity():
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    X = np.c_[x, x + 1e-5 * rng.normal(size=300)]
    y = (rng.random(300) < expit(x)).astype(float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression().fit(X, y).inference().bse  # noqa: B018
    texts = [str(w.message) for w in caught if w.category is NumericalStabilityWarning]
    assert texts and not any("far from 0" in t for t in texts)
