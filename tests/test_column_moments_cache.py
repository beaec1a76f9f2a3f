"""The column moments an objective keeps (``LogisticObjective.column_moments``):
one statistics pass, the same read-only arrays at every call, numpy's
weighted mean and standard deviation; the arrays a fitted model exposes are
its own (writable), as those of a model loaded from a file are.

Reference values: numpy's ``average`` over the rows (population std).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.backends.in_memory import InMemory


def _data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 4)) * [1.0, 2.0, 0.5, 3.0] + [0.0, 1.0, -2.0, 5.0]
    y = (rng.random(500) < 0.4).astype(float)
    w = rng.uniform(0.5, 2.0, 500)
    return X, y, w


def test_one_pass_then_the_same_read_only_arrays():
    X, y, w = _data()
    data = InMemory(X, y, w)
    passes = []
    reduce = data.map_reduce

    def counted(fn):
        passes.append(fn)
        return reduce(fn)

    data.map_reduce = counted  # type: ignore[method-assign]
    objective = LogisticObjective(data)
    mean, std = objective.column_moments()
    again = objective.column_moments()
    assert again[0] is mean and again[1] is std and len(passes) == 1
    ref_mean = np.average(X, axis=0, weights=w)
    ref_std = np.sqrt(np.average((X - ref_mean) ** 2, axis=0, weights=w))
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12)
    np.testing.assert_allclose(std, ref_std, rtol=1e-12)
    for a in (mean, std):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 1.0


def test_a_fitted_models_statistics_are_its_own():
    X, y, w = _data()
    model = LogisticRegression().fit(X, y, sample_weight=w)
    stats = model.fit_statistics_
    for a in (stats.mean, stats.std):
        assert a.flags.writeable
        a[0] += 0.0
