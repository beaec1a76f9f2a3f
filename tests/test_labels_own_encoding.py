"""Float64 labels already in {0, 1} are their own encoding (a read-only view,
no copy): the same values, classes and fits as the encoded copy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._labels import check_y_binary


def test_float01_labels_are_a_read_only_view_with_the_copy_values() -> None:
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    classes, y01 = check_y_binary(y)
    np.testing.assert_array_equal(classes, [0.0, 1.0])
    np.testing.assert_array_equal(y01, [0.0, 1.0, 1.0, 0.0, 1.0])
    assert y01.dtype == np.float64 and np.shares_memory(y01, y)
    assert not y01.flags.writeable and y.flags.writeable
    with pytest.raises(ValueError):
        y01[0] = 5.0


@pytest.mark.parametrize(
    "y",
    [
        np.array([0.0, 1.0, 1.0, 0.0, 1.0])[::-1],  # not contiguous
        np.array([0, 1, 1, 0, 1]),  # integers
        np.array([0.0, 2.0, 2.0, 0.0, 2.0]),  # other values
        np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype=np.float32),
        np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype=">f8"),
    ],
)
def test_other_labels_get_a_fresh_encoding(y: np.ndarray) -> None:
    _, y01 = check_y_binary(y)
    assert not np.shares_memory(y01, y)
    np.testing.assert_array_equal(y01, (y == y.max()).astype(np.float64))


@pytest.mark.parametrize("sparse", [False, True])
def test_fit_on_float01_labels_is_the_fit_on_integer_labels(sparse: bool) -> None:
    rng = np.random.default_rng(7)
    X = rng.standard_normal((400, 6))
    X[X < 0.3] = 0.0
    y = (X @ rng.standard_normal(6) + 0.5 * rng.standard_normal(400) > 0).astype(
        np.float64
    )
    keep = y.copy()
    Xf = sp.csr_matrix(X) if sparse else X
    w = rng.random(400) + 0.5
    a = LogisticRegression(penalty="l2", alpha=1e-3).fit(Xf, y, sample_weight=w)
    b = LogisticRegression(penalty="l2", alpha=1e-3).fit(
        Xf, y.astype(np.int64), sample_weight=w
    )
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    np.testing.assert_array_equal(a.classes_, [0.0, 1.0])
    np.testing.assert_array_equal(y, keep)
    assert y.flags.writeable
