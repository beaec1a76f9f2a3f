"""Inference given y whose labels are not the fit's names both sets of labels
as the labels module writes them in messages (``[1, 2]``, ``['a', 'b']``),
never as numpy reprs (``[np.int64(1), np.int64(2)]``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError, InvalidParameterError

rng = np.random.default_rng(0)
X = rng.normal(size=(120, 2))
Y2 = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
Y3 = np.digitize(X[:, 0] + rng.normal(size=120), [-0.5, 0.5])


@pytest.mark.parametrize(
    ("y", "given", "said"),
    [
        (Y2, Y2 + 1, "y has labels [1, 2], but the model was fitted on [0, 1]"),
        (
            Y2,
            np.where(Y2 == 1, "b", "a"),
            "y has labels ['a', 'b'], but the model was fitted on [0, 1]",
        ),
        (Y3, Y3 + 1, "y has labels [1, 2, 3], but the model was fitted on [0, 1, 2]"),
    ],
)
def test_other_labels_are_named_as_labels(y, given, said):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError) as info:
        model.inference(X, given)
    assert said in str(info.value)
    assert "np." not in str(info.value)


def test_lr_test_of_other_classes_names_them_as_labels():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        big = LogisticRegression().fit(X, Y3).inference()
        small = LogisticRegression().fit(X[:, :1], Y3 + 1).inference()
    said = r"different classes \(\[0, 1, 2\] vs \[1, 2, 3\]\)"
    with pytest.raises(InvalidParameterError, match=said):
        big.lr_test(small)


@pytest.mark.parametrize(
    ("found", "classes", "multiclass", "said"),
    [
        ({0, 1, 2}, np.array([0, 1]), False, "got [0, 1], y also holds ['2']"),
        ({0, 1, 7}, np.array([0, 1, 2]), True, "got [0, 1, 2], y also holds ['7']"),
    ],
)
def test_streamed_classes_not_covering_y_are_named_as_labels(
    found, classes, multiclass, said
):
    from logistic._labels import resolve_classes

    with pytest.raises(DataValidationError) as info:
        resolve_classes(found, classes, None, "y", multiclass=multiclass)
    assert said in str(info.value)
