"""A warm-started ``newton-cd-columns`` fit counts its read of X for the
starting logits.

The reference is the column matrix itself: every ``matvec`` over X's columns
is a read the fit's pass count must include (a cold start, at w = 0, makes
none; a warm start computes ``X w`` once before its first sweep).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic.solvers import _column_matrix

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")


def _data():
    rng = np.random.default_rng(7)
    X = sp.random(400, 60, density=0.05, random_state=3, format="csr")
    y = (rng.random(400) < 0.4).astype(float)
    return X, y


def _first_entry_passes(monkeypatch, warm: bool) -> tuple[int, int]:
    X, y = _data()
    model = LogisticRegression(solver="newton-cd-columns", warm_start=True)
    if warm:
        model.fit(X, y)
    calls = []
    original = _column_matrix.ColumnMatrix.matvec

    def counted(self, cols, coef):
        calls.append(len(cols))
        return original(self, cols, coef)

    monkeypatch.setattr(_column_matrix.ColumnMatrix, "matvec", counted)
    model.fit(X, y)
    assert model.solver_ == "newton-cd-columns"
    # the first history entry is the start: its logits' reads and the sweep
    return model.history_[0]["n_passes"], len(calls)


def test_cold_start_reads_no_logits(monkeypatch):
    passes, matvecs = _first_entry_passes(monkeypatch, warm=False)
    assert matvecs == 0
    assert passes == 1


def test_warm_start_counts_its_logits_read(monkeypatch):
    passes, matvecs = _first_entry_passes(monkeypatch, warm=True)
    assert matvecs >= 1  # X w at the warm coefficients
    assert passes == 1 + 1
