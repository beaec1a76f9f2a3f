"""Findings of an ML engineer's trial of the estimator in scikit-learn code:
messages that say what is supported and where the fault is, and a repr that
survives a pickle."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from logistic import DataValidationError, LogisticRegression


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    return X, y


def test_a_two_column_target_is_called_multi_output_not_multiclass(data):
    X, y = data
    with pytest.raises(DataValidationError) as caught:
        LogisticRegression().fit(X, np.c_[y, y])
    text = str(caught.value)
    assert "got shape (80, 2)" in text and "Multi-output" in text
    assert "Only binary" not in text  # K classes are supported, as one column


def test_the_first_bad_row_is_said_to_count_from_zero(data):
    X, y = data
    X = X.copy()
    X[3, 2] = np.nan  # third column, named x3 as summaries name it
    with pytest.raises(DataValidationError, match=r"\['x3'\] \(X\[:, \[2\]\]\); first bad row: 3 "
                       r"\(an index from 0\)"):  # fmt: skip
        LogisticRegression().fit(X, y)


def test_repr_after_a_pickle_shows_no_default(data):
    X, y = data
    model = LogisticRegression(penalty="l2", C=0.5).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    assert repr(again) == repr(model) == "LogisticRegression(C=0.5, penalty='l2')"
    assert repr(pickle.loads(pickle.dumps(LogisticRegression()))) == "LogisticRegression()"


def test_summary_without_data_warns_about_class_weights(data):
    """As ``inference(X, y)`` warns: class weights are read as frequency
    weights, rarely what they mean."""
    X, y = data
    model = LogisticRegression(class_weight={0: 1.0, 1: 3.0}).fit(X, y)
    with pytest.warns(UserWarning, match="fitted with class_weight"):
        model.summary()
    with pytest.warns(UserWarning, match="fitted with class_weight"):
        model.inference(X, y)


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_every_prediction_of_a_dask_array_is_lazy(data, method):
    """All four were values for K classes; for two classes predict and
    predict_log_proba computed at once while the other two stayed lazy."""
    da = pytest.importorskip("dask.array")
    X, y = data
    model = LogisticRegression().fit(X, np.where(y == 1, "yes", "no"))
    out = getattr(model, method)(da.from_array(X, chunks=20))
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(out.compute(), getattr(model, method)(X))


def test_a_float32_model_loads_with_float32_intercept(data, tmp_path):
    """The docstring: ``intercept_`` has the dtype of ``coef_``; a loaded
    float32 model came back with a float64 intercept."""
    import logistic

    X, y = data
    model = LogisticRegression().fit(X.astype(np.float32), y)
    logistic.save(model, tmp_path / "m.json")
    loaded = logistic.load(tmp_path / "m.json")
    assert loaded.coef_.dtype == loaded.intercept_.dtype == np.float32
    np.testing.assert_array_equal(loaded.intercept_, model.intercept_)
