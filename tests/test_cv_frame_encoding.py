"""``LogisticRegressionCV`` encodes a pandas DataFrame's text columns as
``LogisticRegression`` does (:mod:`logistic._frame_encoding`), once before
the folds, and re-applies the levels when predicting.

Reference: the same CV on the frame one-hot encoded by pandas
(``get_dummies(drop_first=True)``: first sorted level dropped, as here).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
pd = pytest.importorskip("pandas")

from sklearn.model_selection import StratifiedKFold  # noqa: E402

from conftest import data_path  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402


def test_text_column_of_a_frame_is_encoded():
    df = pd.read_csv(data_path("wells-arsenic", "Wells.csv"))
    y = df["switch"]
    X = df[["arsenic", "distance", "education", "association"]]
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    ours = LogisticRegressionCV(cv=folds, n_alphas=30).fit(X, y)
    dummies = pd.get_dummies(X, drop_first=True, dtype=float)
    ref = LogisticRegressionCV(cv=folds, n_alphas=30).fit(dummies, y)
    assert list(ours.feature_names_in_) == [
        "arsenic", "distance", "education", "association[T.yes]",
    ]  # fmt: skip
    assert ours.encoding_["input_columns"] == list(X.columns)
    positive = ours.classes_[1]  # scores_ is keyed by the positive class
    np.testing.assert_allclose(
        ours.scores_[positive], ref.scores_[positive], rtol=1e-12
    )
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-10)
    # prediction encodes the text column with the levels seen in fit
    np.testing.assert_allclose(
        ours.predict_proba(X.iloc[::-1]), ref.predict_proba(dummies.iloc[::-1])
    )
    assert list(ours.predict(X.head(3))) == list(ref.predict(dummies.head(3)))


def test_the_refits_path_of_a_frame_checks_its_columns():
    """``path_`` of a CV fitted on a DataFrame was a PathResult without the
    frame's column names: ``path_.decision_function(frame)`` warned "X has
    feature names, but PathResult was fitted without feature names", and a
    frame with the columns in another order was multiplied by position. It
    now carries the design's names (those of ``feature_names_in_``)."""
    import warnings

    from logistic._exceptions import DataValidationError

    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    y = (frame["a"] - frame["c"] + rng.logistic(size=120) > 0).astype(int)
    cv = LogisticRegressionCV(Cs=[0.1, 1.0], cv=3).fit(frame, y)
    np.testing.assert_array_equal(cv.path_.feature_names, cv.feature_names_in_)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = cv.path_.decision_function(frame)[:, -1]
    np.testing.assert_allclose(z, cv.decision_function(frame), rtol=1e-12)
    with pytest.raises(DataValidationError, match="same order"):
        cv.path_.decision_function(frame[["c", "b", "a"]])
