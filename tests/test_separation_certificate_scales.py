"""The separation check certifies a well-posed fit without the LP when its
columns live on very different scales and the fit stopped at a loose
tolerance.

Columns of amounts in the 10⁵ beside 0/1 columns (credit-default's kind)
once made the bound on the rows' norm loose by the ratio of the scales, and
a fit stopped by ``tol=1e-4`` held a gradient too large for the bound: every
such fit went to the LP (0.65 s on credit-default's 30 000 rows against a
10 ms fit). Reference for "not separated": the data are drawn with both
classes on both sides of every threshold of every column (checked here
directly on the arrays), so no direction separates them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic._separation as separation
import logistic._separation_lp as separation_lp
from logistic import LogisticRegression


def _mixed_scales(n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    amount = rng.lognormal(11.0, 1.0, n)  # ~1e5
    flag = (rng.random(n) < 0.3).astype(float)
    age = rng.normal(35.0, 9.0, n)
    z = -1.0 + 2e-6 * amount + 0.8 * flag + 0.02 * (age - 35.0)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return np.column_stack([amount, flag, age]), y


def _overlap(X: np.ndarray, y: np.ndarray) -> bool:
    """Both classes on both sides of each column's median, and in both flag
    levels: no single column or level separates the classes."""
    for x in X.T:
        for side in (x <= np.median(x), x > np.median(x)):
            if len(np.unique(y[side])) < 2:
                return False
    return True


@pytest.mark.parametrize("tol", [1e-3, 1e-4, 1e-8])
def test_a_well_posed_fit_is_certified_without_the_lp(monkeypatch, tol):
    X, y = _mixed_scales()
    assert _overlap(X, y)

    def no_lp(*args, **kwargs):
        raise AssertionError("the LP ran on a fit the certificate should clear")

    monkeypatch.setattr(separation_lp, "_lp_direction", no_lp)
    with warnings.catch_warnings():
        warnings.simplefilter("error", separation.PerfectSeparationWarning)
        model = LogisticRegression(penalty=None, tol=tol).fit(X, y)
    assert model.separation_ is None


def test_the_certificate_still_refuses_a_separated_fit():
    X, y = _mixed_scales(4000)
    X = np.column_stack([X, np.zeros(len(y))])
    rows = np.flatnonzero(y == 0)[:3]
    X[rows, 3] = 1.0  # a level held by three rows, all of class 0
    with pytest.warns(separation.PerfectSeparationWarning):
        model = LogisticRegression(penalty=None, tol=1e-4).fit(X, y)
    assert model.separation_ == "quasi-complete"
