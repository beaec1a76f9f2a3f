"""Estimator tags follow the parameters: Firth and the solvers without a
multinomial fit refuse K > 2 classes, and their tags say so (scikit-learn's
``get_tags``), with the refusal scikit-learn's binary-only check expects."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._multiclass import MultiClassNotSupportedError

pytest.importorskip("sklearn")
from sklearn.utils import get_tags  # noqa: E402

BINARY_ONLY = [
    {"penalty": "firth"},
    {"penalty": "l2", "solver": "newton-cd-columns"},
    {"penalty": "l1", "solver": "newton-cd-columns"},
]
MULTI = [{}, {"penalty": "l2"}, {"penalty": "l1", "solver": "newton-cd"}]


@pytest.mark.parametrize("params", BINARY_ONLY)
def test_binary_only_settings_are_tagged_and_refuse_three_classes(params) -> None:
    est = LogisticRegression(**params)
    assert get_tags(est).classifier_tags.multi_class is False
    assert est._more_tags()["binary_only"] is True
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), np.arange(30) % 3
    with pytest.raises(MultiClassNotSupportedError, match="Only binary classification"):
        est.fit(X, y)


@pytest.mark.parametrize("params", MULTI)
def test_multinomial_settings_are_tagged_multi_class(params) -> None:
    assert get_tags(LogisticRegression(**params)).classifier_tags.multi_class is True


def test_tags_follow_set_params() -> None:
    est = LogisticRegression(penalty="l2")
    est.set_params(solver="newton-cd-columns")
    assert get_tags(est).classifier_tags.multi_class is False
