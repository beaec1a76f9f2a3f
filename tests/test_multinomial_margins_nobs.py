"""``nobs`` of K-class marginal effects is typed as the two-class one's.

Convention (the library's margins objects, two classes or more): ``nobs`` is
an ``int`` when it is a whole number (rows, or a sum of integer frequency
weights), a ``float`` otherwise (fractional weights), as
:func:`logistic.inference._margins._count` types the two-class effects.
The results objects keep statsmodels' ``nobs : float``
(``MNLogit(...).fit().nobs`` is ``189.0``); the command line's JSON types it
by what it counts (:mod:`logistic.cli._nobs`).

References (statsmodels, computed here on the same data): ``MNLogit`` and
``Logit`` ``nobs`` (the rows) without weights; ``GLM(...,
freq_weights=w).wnobs`` (the weight sum) with weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import data_path
from logistic import LogisticRegression

FEATURES = ["age", "lwt", "smoke"]


@pytest.fixture(scope="module")
def birthwt():
    """Hosmer and Lemeshow's birth weights (MASS::birthwt, 189 rows)."""
    return pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))


def _margins(d, target, w):
    X, y = d[FEATURES], d[target]
    res = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=w).inference(X, y, w)
    return [
        res.get_margeff(),
        res.get_margeff(at="mean"),
        res.get_margeff(atexog={"smoke": [0, 1]}),  # a grid of points
        res.predictive_margins({"smoke": [0, 1]}),
    ]


def test_unweighted_nobs_is_the_row_count_as_an_int(birthwt):
    exog = sm.add_constant(birthwt[FEATURES])
    rows = sm.MNLogit(birthwt["race"], exog).fit(disp=0).nobs
    assert rows == sm.Logit(birthwt["low"], exog).fit(disp=0).nobs == 189.0
    for target in ("low", "race"):
        for margins in _margins(birthwt, target, None):
            assert type(margins.nobs) is int and margins.nobs == rows, target


@pytest.mark.filterwarnings("ignore:.*non-integer sample weights")
@pytest.mark.parametrize("column,kind", [("ftv", int), ("fw", float)])
def test_weighted_nobs_is_the_weight_sum_typed_as_two_classes(birthwt, column, kind):
    d = birthwt.assign(fw=0.3 + (np.arange(len(birthwt)) % 5) * 0.17)
    d = d[d[column] > 0]  # weight 0: the row is not used (GLM's wnobs counts 0)
    exog = sm.add_constant(d[FEATURES])
    glm = sm.GLM(d["low"], exog, sm.families.Binomial(), freq_weights=d[column])
    w = d[column].to_numpy(float)
    for target in ("low", "race"):
        for margins in _margins(d, target, w):
            assert type(margins.nobs) is kind, (target, margins.nobs)
            assert margins.nobs == pytest.approx(glm.wnobs, rel=1e-12), target
