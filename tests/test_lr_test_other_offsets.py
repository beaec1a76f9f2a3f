"""``lr_test`` between fits with other offsets is refused.

Two fits of the same rows, labels and weights but other offsets (the
exposure's log in one, half of it in the other: a mistake in building one
of them) passed every check of ``check_same_data`` (same ``nobs``, label
sums, an offset in both, same column means) and gave an LR statistic of
two unrelated likelihoods. Their null models (intercept and offset) differ,
which proves other offsets. With the same offsets the test is statsmodels'
``2 (llf_full - llf_restricted)`` of ``GLM(..., offset=)`` fits.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError


def _data():
    rng = np.random.default_rng(7)
    n = 2_000
    X = rng.normal(size=(n, 3))
    offset = np.log(rng.uniform(0.05, 1.0, n))
    w = rng.integers(1, 4, n).astype(float)
    eta = -1.0 + X @ [0.5, -0.3, 0.0] + offset
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return X, y, w, offset


def test_same_offsets_give_statsmodels_lr_statistic():
    import statsmodels.api as sm

    X, y, w, offset = _data()
    full = LogisticRegression().fit(X, y, sample_weight=w, offset=offset).inference()
    part = LogisticRegression().fit(X[:, :1], y, sample_weight=w, offset=offset)
    res = full.lr_test(part.inference())
    kw = dict(family=sm.families.Binomial(), offset=offset, freq_weights=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = sm.GLM(y, sm.add_constant(X), **kw).fit(tol=1e-12)
        b = sm.GLM(y, sm.add_constant(X[:, :1]), **kw).fit(tol=1e-12)
    assert res.statistic == pytest.approx(2 * (a.llf - b.llf), rel=1e-8)


@pytest.mark.parametrize("intercept", [True, False])
def test_other_offsets_are_refused(intercept):
    X, y, w, offset = _data()
    est = LogisticRegression(fit_intercept=intercept)
    full = est.fit(X, y, sample_weight=w, offset=offset).inference()
    other = LogisticRegression(fit_intercept=intercept).fit(
        X[:, :1], y, sample_weight=w, offset=0.5 * offset
    )
    with pytest.raises(InvalidParameterError, match="other offsets: the null model"):
        full.lr_test(other.inference())


def _classes():
    rng = np.random.default_rng(0)
    n = 1_500
    X = rng.normal(size=(n, 3))
    return X, rng.integers(0, 3, n), rng.normal(scale=0.5, size=(n, 3))


def test_k_classes_offset_in_one_fit_only_is_refused():
    # the full fit without an offset, the restricted one with: accepted
    # before, with an LR statistic of 268 on 4 df between unrelated models
    X, y, offset = _classes()
    full = LogisticRegression().fit(X, y).inference()
    part = LogisticRegression().fit(X[:, :1], y, offset=offset).inference()
    with pytest.raises(InvalidParameterError, match="other offsets, or an offset in"):
        full.lr_test(part)


def test_k_classes_same_offsets_up_to_a_row_constant_are_accepted():
    # a number added to every class's offset of a row changes no probability
    X, y, offset = _classes()
    shift = np.random.default_rng(1).normal(size=(len(y), 1))
    full = LogisticRegression().fit(X, y, offset=offset).inference()
    part = LogisticRegression().fit(X[:, :1], y, offset=offset + shift).inference()
    same = LogisticRegression().fit(X[:, :1], y, offset=offset).inference()
    assert full.lr_test(part).statistic == pytest.approx(
        full.lr_test(same).statistic, rel=1e-6
    )
