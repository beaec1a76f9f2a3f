"""resolve_solver asks for the machine's memory only for Hessians above
MEMORY_CHECK_MIN_BYTES; larger ones beyond the memory are refused."""

import numpy as np
import pytest

from logistic._exceptions import InvalidParameterError
from logistic._typing import DataDescription
from logistic.solvers import _auto


def _data(p):
    return DataDescription(1000, p, np.dtype(np.float64), None)


def test_small_hessians_do_not_ask_for_the_memory(monkeypatch):
    def refuse():
        raise AssertionError("memory asked for a small Hessian")

    monkeypatch.setattr(_auto, "_physical_memory", refuse)
    p = 200  # 8 * 201² bytes = 0.3 MiB
    assert 8 * (p + 1) ** 2 <= _auto.MEMORY_CHECK_MIN_BYTES
    name = _auto.resolve_solver("newton", _data(p), penalty="l2", l1=0.0, owner="t")
    assert name == "newton"


def test_a_large_hessian_beyond_the_memory_is_refused(monkeypatch):
    monkeypatch.setattr(_auto, "_physical_memory", lambda: 2**20 * 100)
    p = 4000  # 8 * 4001² bytes = 122 MiB > 100 MiB
    with pytest.raises(InvalidParameterError, match="forms a dense"):
        _auto.resolve_solver("newton", _data(p), penalty="l2", l1=0.0, owner="t")
