"""``LogisticRegressionCV.fit`` is validate-then-mutate: a fit that fails
validation leaves every fitted attribute, ``encoding_`` included, as it was;
``coef_`` is float64 for float32 X (documented)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegressionCV

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


def _frame() -> tuple[object, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 120
    X = pd.DataFrame(
        {"x": rng.normal(size=n), "color": rng.choice(["red", "blue", "green"], n)}
    )
    y = (X["x"] + rng.logistic(size=n) > 0).astype(int).to_numpy()
    return X, y


def test_failed_fit_leaves_encoding() -> None:
    X, y = _frame()
    cv = LogisticRegressionCV(Cs=3, cv=3).fit(X, y)
    before = cv.encoding_
    assert before is not None
    coef = cv.coef_.copy()
    with pytest.raises(ValueError):
        cv.fit(np.ones((10, 2)), np.zeros(10))  # one class: refused
    assert cv.encoding_ is before
    np.testing.assert_array_equal(cv.coef_, coef)


def test_float32_input_gives_float64_coef() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    assert LogisticRegressionCV(Cs=3, cv=3).fit(X, y).coef_.dtype == np.float64
