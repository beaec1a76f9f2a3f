"""Rows of weight 0 are no observations for the Hosmer-Lemeshow test (Stata
drops them, R's ``hoslem.test`` never sees them): the test of a sample with
such rows is that of the sample without them, for both grouping rules,
whatever fitted probabilities the weightless rows carry; and they do not count
towards the observations that bound ``groups``."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import InvalidParameterError
from logistic.inference import hosmer_lemeshow


def _sample(seed=0, n=200):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 0.95, n)
    y = (rng.random(n) < p).astype(float)
    s = rng.integers(0, 4, n).astype(float)  # about a quarter of weight 0
    return y, p, s


@pytest.mark.parametrize("method", ["stata", "r"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weightless_rows_change_nothing(method, seed):
    y, p, s = _sample(seed)
    kept = s > 0
    want = hosmer_lemeshow(y[kept], p[kept], s[kept], groups=10, method=method)
    got = hosmer_lemeshow(y, p, s, groups=10, method=method)
    assert got.statistic == want.statistic
    assert (got.df, got.groups) == (want.df, want.groups)
    assert got.table() == want.table()


def test_weightless_rows_do_not_count_towards_the_groups_bound():
    # 12 rows, 11 of them weightless: 1 observation, so at most 10 groups
    y, p, _ = _sample(3, n=12)
    s = np.r_[1.0, np.zeros(11)]
    with pytest.raises(InvalidParameterError, match="at most the number of obs"):
        hosmer_lemeshow(y, p, s, groups=11)
