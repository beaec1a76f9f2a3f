"""Per-coefficient likelihood-ratio p-values (``pvalues_lr()``) of a completely
separated maximum-likelihood fit whose fitted probabilities are all 0 or 1 in
floating point (its Fisher information singular where the fit stopped).

The statistic of a coefficient is ``2 [sup ℓ - sup_{β_j = 0} ℓ]``, with
``sup ℓ = 0`` under complete separation (R's ``drop1(glm(...), test =
"Chisq")`` approaches it). On the data below (``x1 > 0`` exactly on the events
but for three rows at ``x1 = 0`` with y = 0, 1, 0, which ``x2`` separates) the
constrained suprema come from statsmodels on the rows that stay undetermined:

* without ``x1``: ``y ~ x2`` is not separated, statsmodels ``Logit(y, [1, x2])``;
* without ``x2``: ``x1`` separates all but the three ``x1 = 0`` rows, which an
  intercept alone fits at 1/3: ``log(1/3) + 2 log(2/3)``;
* without the intercept: ``x1`` separates all but those rows, fitted by
  ``x2`` alone: statsmodels ``Logit`` of the three rows on ``x2`` (no constant).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import chi2

from logistic import LogisticRegression, PerfectSeparationWarning


def _completely_separated():
    rng = np.random.default_rng(0)
    n = 60
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-x2))).astype(int)
    x1 = np.where(y == 1, np.abs(x1), -np.abs(x1))
    x1[:3], y[:3] = 0.0, [0, 1, 0]
    return np.column_stack([x1, x2]), y


def test_pvalues_lr_of_a_completely_separated_fit():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _completely_separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        res = LogisticRegression().fit(X, y).inference(X, y)
        p = np.asarray(res.pvalues_lr())  # display order: Intercept, x1, x2
    assert res.separation == "complete"
    sup = {
        "Intercept": sm.Logit(y[:3], X[:3, 1]).fit(disp=0).llf,
        "x1": sm.Logit(y, sm.add_constant(X[:, 1])).fit(disp=0).llf,
        "x2": np.log(1 / 3) + 2 * np.log(2 / 3),
    }
    expected = [chi2.sf(-2 * sup[name], 1) for name in ("Intercept", "x1", "x2")]
    np.testing.assert_allclose(p, expected, rtol=1e-4)
