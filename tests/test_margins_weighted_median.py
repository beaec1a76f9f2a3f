"""``get_margeff(at="median")`` of a weighted fit: the weighted median of a
column, Stata's rule for weighted percentiles (``_pctile``/``summarize,
detail``: with ``W`` the total weight, the first value whose cumulative weight
reaches ``W/2``, averaged with the next one when it equals ``W/2`` exactly).
For integer frequency weights that is ``np.median`` of the rows repeated by
their weights, as statsmodels sees them; it does not change when every weight
is scaled, as sampling weights (whose scale is arbitrary) and weights
normalized to sum to 1 need: the estimate and its sandwich do not change
either.

Reference: statsmodels ``Logit(...).get_margeff(at="median")`` on the Spector
rows repeated by integer weights (effects only: the coefficients are the same
for any scale of the weights, the standard errors are not).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from logistic import LogisticRegression
from test_inference import spector


@pytest.mark.parametrize("kind", ["frequency", "sampling"])
@pytest.mark.parametrize("scale", [1.0, 0.5, None])  # None: weights summing to 1
def test_median_effects_are_those_of_the_repeated_rows(kind, scale):
    X, y = spector()
    w = np.random.default_rng(1).integers(1, 4, len(y)).astype(float)
    w[0] += w.sum() % 2  # an even total: the median averages two rows
    rep = np.repeat(np.arange(len(y)), w.astype(int))
    exog = sm.add_constant(X.to_numpy(), prepend=True)
    ref = sm.Logit(y.to_numpy(float)[rep], exog[rep]).fit(disp=0, tol=1e-14)
    expected = ref.get_margeff(at="median").margeff
    scaled = w / w.sum() if scale is None else w * scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # non-integer frequency weights
        model = LogisticRegression(tol=1e-12).fit(X, y, sample_weight=scaled)
        res = model.inference(X, y, scaled, sample_weight_kind=kind)
    me = res.get_margeff(at="median")
    np.testing.assert_allclose(np.asarray(me.margeff), expected, rtol=1e-7)
