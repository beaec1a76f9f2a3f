"""A lazy query (polars ``LazyFrame``) is refused naming the remedy.

numpy reads a LazyFrame as one object: fit and predict failed with numpy's
"setting an array element with a sequence" and polars warned about resolving
the schema for the column names.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError

pl = pytest.importorskip("polars")


@pytest.fixture()
def frame():
    rng = np.random.default_rng(0)
    return pl.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)}), (
        rng.random(40) < 0.5
    ).astype(int)


def test_fit_on_a_lazy_frame_names_collect(frame):
    X, y = frame
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # polars' PerformanceWarning included
        with pytest.raises(DataValidationError, match=r"X is a polars LazyFrame .*X\.collect\(\)"):
            LogisticRegression().fit(X.lazy(), y)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_predict_on_a_lazy_frame_names_collect(frame, method):
    X, y = frame
    model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match=r"lazy query.*X\.collect\(\)"):
        getattr(model, method)(X.lazy())
    # the collected frame is read as before
    np.testing.assert_array_equal(
        getattr(model, method)(X.lazy().collect()), getattr(model, method)(X)
    )
