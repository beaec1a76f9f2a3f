"""The message for a continuous y names what y holds and what is expected.

scikit-learn's estimator checks expect the prefix "Unknown label type:";
after it the message says y holds continuous values (how many distinct, a
few non-whole ones) and that two labels give a binary model and the labels of
3 or more classes a multinomial one (which ``fit`` supports), not "only
binary classification is supported".
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import DataValidationError, LogisticRegression


def test_continuous_y_message_names_its_values_and_the_expected_labels():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    y = np.round(3.0 * X[:, 0], 2) + 0.005  # 50 distinct values, none whole
    with pytest.raises(DataValidationError) as err:
        LogisticRegression().fit(X, y)
    text = str(err.value)
    assert text.startswith("Unknown label type: continuous")
    assert "Only binary" not in text
    assert f"{len(np.unique(y))} distinct" in text
    assert f"{np.sort(y)[0]:.6g}" in text
    assert "multinomial" in text and "two" in text


def test_three_whole_labels_fit_the_multinomial_model_the_message_names():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    model = LogisticRegression().fit(X, np.arange(60) % 3)
    assert model.coef_.shape == (3, 2)
