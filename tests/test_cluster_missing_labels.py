"""A missing cluster label (None, pandas' NA, NaN) is named as missing.

Only a float NaN was: None gave "groups labels must be mutually comparable:
'<' not supported between instances of 'NoneType' and 'str'", pandas' NA
"boolean value of NA is ambiguous". Groups of two columns (statsmodels'
two-way clustering) are refused as such.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(90, 2))
    y = (X[:, 0] + rng.normal(size=90) > 0).astype(int)
    return LogisticRegression().fit(X, y), X, y


def _labels(n):
    return np.array([f"site{i % 9}" for i in range(n)], dtype=object)


@pytest.mark.parametrize(
    "make",
    [
        lambda g: np.where(np.arange(g.size) == 5, None, g),
        lambda g: pd.Series(np.where(np.arange(g.size) == 5, None, g)).astype("string"),
        lambda g: np.where(np.arange(g.size) == 5, np.nan, np.arange(g.size) % 9.0),
        lambda g: pd.Series(np.where(np.arange(g.size) == 5, None, np.arange(g.size) % 9)).astype("Int64"),
    ],
    ids=["None", "pandas-NA-string", "NaN", "pandas-NA-Int64"],
)
def test_missing_cluster_label_is_named_with_its_row(fitted, make):
    model, X, y = fitted
    groups = make(_labels(len(y)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError, match=r"groups contains 1 missing label\(s\) .*position 5, 0-based\)"):
            model.inference(X, y, cov_type="cluster", groups=groups)


def test_complete_labels_still_cluster(fitted):
    model, X, y = fitted
    res = model.inference(X, y, cov_type="cluster", groups=_labels(len(y)))
    assert np.all(np.isfinite(res.bse))


def test_two_columns_of_cluster_labels_are_refused_as_two_way(fitted):
    """statsmodels takes groups of two columns as two-way clustering
    (``Logit.fit(cov_type="cluster", cov_kwds={"groups": two_columns})``);
    here one label per row is the convention, and the refusal says so rather
    than only that the array is not 1-D."""
    sm = pytest.importorskip("statsmodels.api")
    model, X, y = fitted
    two = np.column_stack([np.arange(len(y)) // 10, np.arange(len(y)) % 7])
    ref = sm.Logit(y, sm.add_constant(X)).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": two}
    )
    assert np.all(np.isfinite(ref.bse))  # statsmodels' two-way covariance
    for groups in (two, pd.DataFrame(two, columns=["school", "year"])):
        with pytest.raises(DataValidationError, match="groups has 2 columns") as err:
            model.inference(X, y, cov_type="cluster", groups=groups)
        assert "two-way" in str(err.value) and "not supported" in str(err.value)
