"""``Chunked``'s (and ``as_backend(path, ...)``'s) sizes, thread count and
dtype are refused naming the parameter and the value received.

Reproductions: ``as_backend("d.csv", "y", chunk_bytes="abc")`` said
"ValueError: invalid literal for int() with base 10: 'abc'",
``chunk_bytes=float("nan")`` "cannot convert float NaN to integer",
``n_threads="abc"`` int()'s words, ``dtype="abc"`` numpy's "data type 'abc'
not understood" and ``chunk_rows=0`` nothing at all until the fit.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyarrow")

from logistic._exceptions import DataValidationError, InvalidParameterError  # noqa: E402
from logistic.backends import as_backend  # noqa: E402


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,y\n1,0\n2,1\n3,0\n4,1\n")
    return str(path)


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("chunk_bytes", "abc", "'abc'"),
        ("chunk_bytes", float("nan"), "nan"),
        ("chunk_bytes", 0, "0"),
        ("chunk_rows", 0, "0"),
        ("chunk_rows", 1.5, "1.5"),
        ("n_threads", "abc", "'abc'"),
        ("n_threads", True, "True"),
    ],
)
def test_a_size_or_count_that_is_no_positive_integer_is_named(csv, name, value, shown):
    with pytest.raises(InvalidParameterError) as got:
        as_backend(csv, "y", **{name: value})
    assert str(got.value) == f"{name} must be an integer >= 1, got {shown}"


def test_a_dtype_numpy_does_not_know_is_named(csv):
    with pytest.raises(DataValidationError) as got:
        as_backend(csv, "y", dtype="abc")
    assert str(got.value) == "dtype must be float32 or float64, got 'abc'"


def test_numpy_integers_are_taken(csv):
    b = as_backend(csv, "y", chunk_rows=np.int64(2), n_threads=np.int64(1))
    assert b.n_threads == 1
