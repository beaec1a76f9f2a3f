"""A sparse Newton fit's subsample start reads no statistics of its rows.

The subsample fit's standardized view takes the full data's column moments
(:func:`logistic.solvers._newton_rows.subsample_fit`), so the only
statistics pass of the fit is the one over all ``n_samples`` rows.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._objective import LogisticObjective

sp = pytest.importorskip("scipy.sparse")


def _counted_passes(monkeypatch):
    """Row counts of the data-statistics passes made (a call that computes)."""
    passes: list[int] = []
    original = LogisticObjective._data_stats

    def spy(self):
        if self._column_stats is None:
            passes.append(int(self.data.n_samples))
        return original(self)

    monkeypatch.setattr(LogisticObjective, "_data_stats", spy)
    return passes


@pytest.mark.parametrize("p", [40, 123])
def test_one_statistics_pass_over_all_rows(monkeypatch, p):
    rng = np.random.default_rng(p)
    n = 24000
    X = sp.random(n, p, density=0.11, format="csr", random_state=rng)
    X.data[:] = 1.0
    z = X @ rng.standard_normal(p) * 0.5 - 1.0
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    passes = _counted_passes(monkeypatch)
    model = LogisticRegression(penalty="l2", alpha=1e-4, solver="newton").fit(X, y)
    assert model.history_[0].get("subsample_used") == 1  # the start was taken
    assert passes == [n]
