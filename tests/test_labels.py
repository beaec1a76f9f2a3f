"""Labels (``logistic._labels``): classes, the positive class, {0, 1} encoding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistic import DataValidationError, LogisticRegression
from logistic._labels import (
    check_y_binary,
    class_order,
    encode,
    label_array,
    match_label,
    recognised_positive,
    resolve_classes,
)


@pytest.mark.parametrize(
    "y, row",
    [
        ([np.nan, "no"], 0),  # numpy alone would make this the class "nan"
        (["no", None, "yes"], 1),
        (["no", "yes", pd.NA], 2),
        ([0.0, 1.0, np.nan], 2),
        (pd.Series(["no", np.nan, "yes"]), 1),
        (pd.Series([1, None, 0], dtype="Int64"), 1),
    ],
)
def test_a_missing_label_is_named_by_its_row_before_conversion(y, row):
    with pytest.raises(DataValidationError, match=rf"missing label at row {row}"):
        check_y_binary(y)


def test_estimator_refuses_nan_among_string_labels():
    X = np.random.default_rng(0).standard_normal((2, 2))
    with pytest.raises(DataValidationError, match="missing label at row 0"):
        LogisticRegression().fit(X, [np.nan, "no"])


def test_positive_is_the_larger_sorted_label_by_default():
    classes, y01 = check_y_binary(["b", "a", "b"])
    assert list(classes) == ["a", "b"]
    np.testing.assert_array_equal(y01, [1.0, 0.0, 1.0])
    assert list(class_order({3, 1})) == [1, 3]


@pytest.mark.parametrize(
    "positive, expected",
    [(1, [3, 1]), ("1", [3, 1]), (3.0, [1, 3]), (lambda v: v[0], [3, 1])],
)
def test_explicit_positive_puts_that_label_second(positive, expected):
    assert list(class_order([3, 1], positive)) == expected


def test_unknown_positive_is_an_error():
    with pytest.raises(DataValidationError, match="not one of the labels"):
        class_order(["a", "b"], "c")


def test_match_label_compares_values_then_text():
    assert match_label([0, 1], 1) == 1
    assert match_label([False, True], "true") == 1
    assert match_label([1.0, 2.0], "2") == 1
    assert match_label(["a", "b"], "c") is None


@pytest.mark.parametrize(
    "values, positive",
    [
        ([0, 1], 1),
        (["+1", "-1"], 0),  # text: "+1" sorts first and is positive
        ([-1, 1], 1),
        ([False, True], 1),
        (["no", "yes"], 1),
        (["NO", "YES"], 1),
        (["No", "yes"], None),  # two letter cases
        (["a", "b"], None),
        ([1, 2], None),
    ],
)
def test_recognised_pairs(values, positive):
    assert recognised_positive(values) == positive


def test_resolve_classes_checks_coverage_and_count():
    assert list(resolve_classes({0, 1})) == [0, 1]
    assert list(resolve_classes({1}, classes=[0, 1], positive=0)) == [1, 0]
    with pytest.raises(DataValidationError, match="covering y"):
        resolve_classes({0, 2}, classes=[0, 1])
    with pytest.raises(DataValidationError, match="exactly two classes"):
        resolve_classes({0, 1, 2})


def test_encode_against_known_classes():
    np.testing.assert_array_equal(encode(["b", "a"], np.array(["b", "a"])), [0, 1])
    with pytest.raises(DataValidationError, match="not in classes"):
        encode(["c"], np.array(["a", "b"]))


def test_label_array_flattens_a_column_vector_with_a_warning():
    with pytest.warns(Warning, match="column-vector y"):
        assert label_array([[0], [1]]).shape == (2,)
