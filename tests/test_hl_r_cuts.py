"""R's Hosmer-Lemeshow cut points (``method="r"``) are computed in one step.

The groups are bounded by the observations (tests/test_hl_groups_bound.py),
and Stata's cut points were vectorized with that bound, but R's were still a
Python loop over the ``g + 1`` quantiles: a million groups on a million rows
took 11 s with ``method="r"`` against 0.5 s with ``method="stata"``.

The reference is a transcription of R's ``quantile.default`` (type 7, R 4.x
``src/library/stats/R/quantile.R``) on the rows repeated by their frequency
weights, as ``ResourceSelection::hoslem.test`` takes
``unique(quantile(yhat, probs = seq(0, 1, 1/g)))``: ``index = 1 + (n - 1)
probs``, ``qs = x[lo]``, and where ``index > lo`` and ``x[hi] != qs``,
``qs = (1 - h) qs + h x[hi]`` (numpy's ``quantile`` rounds differently, by an
ulp, which ``unique`` can tell apart).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from logistic.inference import hosmer_lemeshow
from logistic.inference._hl_groups import r_cuts


def _r_quantile_breaks(x: np.ndarray, g: int) -> np.ndarray:
    x = np.sort(x)
    n = x.size
    probs = np.arange(g + 1) * (1.0 / g)  # seq(0, 1, 1/g)
    index = 1 + max(n - 1, 0) * probs
    lo, hi = np.floor(index).astype(int), np.ceil(index).astype(int)
    qs = x[lo - 1].copy()
    for j in range(g + 1):
        if index[j] > lo[j] and x[hi[j] - 1] != qs[j]:
            h = index[j] - lo[j]
            qs[j] = (1 - h) * qs[j] + h * x[hi[j] - 1]
    return np.unique(qs)[1:-1]


@pytest.mark.parametrize("seed", range(40))
def test_r_cuts_are_r_quantiles_of_the_repeated_rows(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    p = np.sort(np.round(rng.uniform(0, 1, n), int(rng.integers(1, 4))))  # ties
    w = rng.integers(1, 5, n).astype(float) if seed % 2 else np.ones(n)
    g = int(rng.integers(3, n + 5))
    expected = _r_quantile_breaks(np.repeat(p, w.astype(int)), g)
    np.testing.assert_array_equal(r_cuts(p, np.cumsum(w), g), expected)


def test_many_groups_by_r_rule_take_no_loop():
    rng = np.random.default_rng(0)
    n = 300_000
    p = rng.uniform(0.01, 0.99, n)
    y = (rng.uniform(size=n) < p).astype(float)
    # the process's CPU time: another worker's load on a shared CI machine
    # stretches the wall clock, not the work this call does
    start = time.process_time()
    result = hosmer_lemeshow(y, p, groups=n, method="r")
    assert time.process_time() - start < 2.0  # 3.4 s with the loop, 0.2 s now
    assert result.df == n - 2
