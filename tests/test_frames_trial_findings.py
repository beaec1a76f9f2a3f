"""Inputs an ML engineer's trial with messy DataFrames found mishandled.

* A pyarrow Table kept no feature names (its ``columns`` are its arrays):
  a Table with its columns reordered was scored against the wrong
  coefficients, silently. scikit-learn 1.9 records the names of a Table and
  refuses the reorder; so does this library now.
* ``dtype_backend="pyarrow"`` text columns (``string[pyarrow]``) were refused
  as "could not be converted to numbers"; they are one-hot encoded as
  ``string``/``object`` columns are.
* Two columns of one name in a frame with a text column crashed inside
  pandas (``AttributeError``); refused by name, as for numeric frames.
* A pandas Series (one row) given to a model with encoded text columns
  crashed (``'Series' object has no attribute 'columns'``).
* ``score()`` returned 0.0 for labels of another kind (``'0'``/``'1'``
  against classes 0/1) and counted missing labels as wrong predictions;
  scikit-learn's ``accuracy_score`` refuses both, and so does ``score()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import DataValidationError, LogisticRegression

pa = pytest.importorskip("pyarrow")


def _frame(n: int = 200, text: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    if text:
        X["t"] = rng.choice(["x", "y", "z"], n)
    y = (X["a"] - 0.5 * X["b"] + rng.normal(size=n) > 0).astype(int).to_numpy()
    return X, y


def test_a_pyarrow_table_keeps_its_names_and_a_reorder_is_refused():
    X, y = _frame()
    table = pa.table(X)
    model = LogisticRegression().fit(table, y)
    assert list(model.feature_names_in_) == ["a", "b", "c"]
    assert list(SkLogisticRegression().fit(table, y).feature_names_in_) == ["a", "b", "c"]
    np.testing.assert_allclose(model.predict_proba(table), model.predict_proba(X), rtol=0, atol=0)
    with pytest.raises(DataValidationError, match="must be in the same order as they were in fit"):
        model.predict_proba(table.select(["c", "a", "b"]))
    framed = LogisticRegression().fit(X, y)  # fitted on pandas, scored on a Table
    with pytest.raises(DataValidationError, match="same order"):
        framed.predict_proba(table.select(["c", "a", "b"]))


def test_pyarrow_backed_text_columns_are_encoded_as_string_columns():
    X, y = _frame(text=True)
    arrow = X.astype({"t": pd.ArrowDtype(pa.string())})
    assert str(arrow["t"].dtype) == "string[pyarrow]"
    expected = LogisticRegression().fit(X, y)
    model = LogisticRegression().fit(arrow, y)
    assert list(model.feature_names_in_) == ["a", "b", "c", "t[T.y]", "t[T.z]"]
    np.testing.assert_allclose(model.coef_, expected.coef_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.predict_proba(arrow), expected.predict_proba(X), atol=1e-12)


def test_a_repeated_name_beside_a_text_column_is_refused_by_name():
    X, y = _frame(text=True)
    twice = X.copy()
    twice.columns = ["a", "a", "c", "t"]
    with pytest.raises(DataValidationError, match=r"column name\(s\) used more than once \(\['a'\]\)"):
        LogisticRegression().fit(twice, y)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match=r"used more than once \(\['a'\]\)"):
        model.predict(pd.concat([X, X[["a"]]], axis=1))


def test_a_series_row_is_refused_with_the_frame_remedy():
    X, y = _frame(text=True)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match=r"got a pandas Series .* df\.iloc\[\[i\]\]"):
        model.predict(X.iloc[0])
    assert model.predict(X.iloc[[0]]).shape == (1,)


def test_score_refuses_labels_it_cannot_compare():
    X, y = _frame()
    model = LogisticRegression().fit(X, y)
    expected = SkLogisticRegression(C=np.inf).fit(X, y).score(X, y)  # the same MLE
    assert model.score(X, y) == pytest.approx(expected)
    with pytest.raises(DataValidationError, match="y's labels are text"):
        model.score(X, y.astype(str))
    half = pd.Series(y).astype("Int64").where(np.arange(len(y)) % 2 == 0)
    with pytest.raises(DataValidationError, match=r"missing label at row 1 \(0-based; 100 row"):
        model.score(X, half)
    with pytest.raises(DataValidationError, match="one label per row"):
        model.score(X, y[:50])
    words = np.where(y == 1, "yes", "no")
    worded = LogisticRegression().fit(X, words)
    assert worded.score(X, words) == pytest.approx(expected)
    with pytest.raises(DataValidationError, match="y's labels are numbers"):
        worded.score(X, y)


@pytest.mark.parametrize("where", ["column", "text-frame column", "sample_weight", "offset"])
def test_complex_numbers_are_refused_not_truncated(where):
    """A complex DataFrame column, ``sample_weight`` or ``offset`` was read
    as its real part (numpy's ``ComplexWarning`` only); scikit-learn refuses
    complex data, and so does a complex numpy X here."""
    X, y = _frame(text=where == "text-frame column")
    kwargs = {}
    if where.endswith("column"):
        X = X.assign(b=X["b"] + 1j)
    else:
        kwargs[where] = np.ones(len(y)) + 1j
    with pytest.raises(DataValidationError, match="Complex data not supported"):
        LogisticRegression().fit(X, y, **kwargs)
