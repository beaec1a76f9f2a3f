"""partial_fit fixes its standardized coordinates from the first chunk: a
column constant there (a flag always 1 in data sorted by time) stays about 0
with its |value| as scale. Centred with the L2 term's 2√λ, later chunks'
values were 50 times too large for the first chunk's step, and SGD ended at
a coefficient of 85 instead of 0.92 (alpha=1e-4), silently."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression


@pytest.mark.parametrize("alpha", [1e-2, 1e-4])
def test_a_column_constant_in_the_first_chunk_streams_to_the_fit(alpha):
    rng = np.random.default_rng(0)
    n = 20_000
    x = rng.normal(size=n)
    flag = (rng.random(n) < 0.5).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x + flag - 0.5)))).astype(float)
    flag[:2000] = 1.0
    X = np.c_[x, flag]
    full = LogisticRegression(penalty="l2", alpha=alpha).fit(X, y)
    stream = LogisticRegression(penalty="l2", alpha=alpha, random_state=0)
    for _ in range(5):
        for i in range(0, n, 2000):
            stream.partial_fit(X[i : i + 2000], y[i : i + 2000], classes=[0, 1])
    np.testing.assert_allclose(stream.coef_, full.coef_, atol=0.1)
    assert stream.intercept_[0] == pytest.approx(full.intercept_[0], abs=0.1)
