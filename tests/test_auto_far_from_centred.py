"""``auto`` fits data with a column far from centred by ``newton-cg``: Newton
sums its Hessian about 0, and a column of 1e6 ± 1 then cost it 314
iterations (942 at 3e6) where ``newton-cg``, whose products act in centred
coordinates, takes 5-7 (``python -m benchmarks.far_from_centred``)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression


def _data(shift, n=2000):
    rng = np.random.default_rng(0)
    t, x = rng.normal(size=(2, n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(1.5 * t + 0.5 * x)))).astype(int)
    return np.c_[x, t + shift], y, np.c_[x, t]


@pytest.mark.parametrize("penalty", [None, "l2"])
def test_auto_takes_newton_cg_for_a_column_a_million_times_its_spread(penalty):
    X, y, centred = _data(1e6)
    model = LogisticRegression(penalty=penalty).fit(X, y)
    assert model.solver_ == "newton-cg"
    assert model.converged_ and model.n_iter_[0] <= 20
    ref = LogisticRegression(penalty=penalty).fit(centred, y)  # the same model
    assert ref.solver_ == "newton"
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6)


def test_auto_keeps_newton_for_columns_near_their_centre():
    X, y, _ = _data(1e3)  # mean 1 000 times the spread: Newton is fine
    assert LogisticRegression().fit(X, y).solver_ == "newton"
