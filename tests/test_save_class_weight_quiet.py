"""``save`` of a class-weighted model warns of nothing.

``save(LogisticRegression(class_weight="balanced").fit(X, y), path)`` gave
inference's warning ("the model was fitted with class_weight: inference treats
the combined weights as frequency weights ... the standard errors may be
misleading"): the covariance a model file stores is computed through
inference, but no inference was asked for. The warning stays where inference
is asked for (``summary()``, ``inference()``), binary and K classes alike.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression


@pytest.mark.parametrize("classes", [2, 3])
def test_save_is_quiet_and_inference_still_warns(tmp_path, classes):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 3))
    y = rng.integers(0, classes, 500)
    model = LogisticRegression(class_weight="balanced").fit(X, y)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        logistic.save(model, tmp_path / "m.json")
    assert [str(w.message) for w in rec] == []
    with pytest.warns(UserWarning, match="fitted with class_weight"):
        model.summary()
    loaded = logistic.load(tmp_path / "m.json")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
