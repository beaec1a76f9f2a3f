"""A fit refuses X with more columns than it can hold in memory, naming X's
column count (``logistic._fit_steps.check_fit_columns``): a sparse X of shape
(4, 2**31 - 1) asked numpy for 128 GiB of column statistics and ended in its
``MemoryError`` about an array of shape (2147483647, 8), naming no input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticRegression, _memory


def _wide(p: int) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(4), ([0, 1, 2, 3], [0, 1, p - 1, 2])), shape=(4, p))


def test_too_many_columns_for_memory_is_refused_naming_them(monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", lambda: 100 * 2**20)
    # unpenalized: every column is fitted, empty or not (a penalized fit
    # leaves the empty ones out, below)
    with pytest.raises(DataValidationError) as err:
        LogisticRegression().fit(_wide(10**6), np.array([0, 1, 0, 1]))
    text = str(err.value)
    assert text.startswith("X has 1,000,000 columns: a fit of LogisticRegression")
    assert "about 122 MiB, more than the memory this process may use (100 MiB)" in text


def test_empty_columns_left_out_of_a_penalized_fit_within_memory(monkeypatch):
    # 4 of the 10**6 columns hold values: the L2 fit is one of 4 columns
    # (logistic._empty_columns), coef_ zero elsewhere
    monkeypatch.setattr(_memory, "process_memory", lambda: 100 * 2**20)
    model = LogisticRegression(penalty="l2").fit(_wide(10**6), np.array([0, 1, 0, 1]))
    assert model.coef_.shape == (1, 10**6)
    assert np.flatnonzero(model.coef_[0]).tolist() == [0, 1, 2, 10**6 - 1]


def test_columns_within_memory_are_fitted(monkeypatch):
    monkeypatch.setattr(_memory, "process_memory", lambda: 100 * 2**20)
    model = LogisticRegression(penalty="l2").fit(_wide(10**5), np.array([0, 1, 0, 1]))
    assert model.coef_.shape == (1, 10**5)
