"""Data a beginner gets wrong at predict or fit raise DataValidationError, a
LogisticError (docs/architecture.md: errors raised on purpose), as the other
data checks do: predicting on X with the wrong number of columns and pandas
inputs whose rows are paired out of order raised a bare ValueError, which
``except logistic.LogisticError`` missed (the Dask check of the same rows
raised DataValidationError)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistic import DataValidationError, LogisticError, LogisticRegression


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_wrong_number_of_columns_at_predict(n_classes, method, rng):
    X = rng.standard_normal((60, 3))
    y = np.arange(60) % n_classes
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    with pytest.raises(DataValidationError, match="X has 2 features, but LogisticRegression is expecting 3"):
        getattr(model, method)(X[:, :2])


def test_rows_paired_out_of_order(rng):
    X = pd.DataFrame(rng.standard_normal((20, 2)), columns=["a", "b"])
    y = pd.Series(np.arange(20) % 2)
    with pytest.raises(LogisticError, match="y's index holds X's row labels in another order"):
        LogisticRegression().fit(X.sort_values("a"), y)
