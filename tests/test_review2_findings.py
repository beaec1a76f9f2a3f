"""A second review's findings on this evening's changes.

* a binary ``partial_fit`` after a K-class ``fit`` started from that fit's
  coefficients (one class's slope as its intercept);
* a CSV header starting with ``#`` (``#id,x,y``) was blamed for any ragged row;
* ``check_gradient(rtol=0)`` passed a doubled gradient;
* an infinite SGD ``learning_rate`` was accepted;
* ``partial_fit`` of an array after a ``fit`` of a DataFrame kept the fit's
  feature names (``predict`` then warned of missing names).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import logistic.solvers
from conftest import run_cli
from logistic import LogisticObjective, LogisticRegression, check_gradient
from logistic._exceptions import InvalidParameterError
from logistic._objective import LogisticObjective as Objective


def test_binary_stream_after_a_k_class_fit_starts_afresh():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 2))
    y3 = np.digitize(X[:, 0] + rng.normal(size=600), [-0.5, 0.5])
    y2 = (X[:, 1] > 0).astype(int)
    fresh = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    fresh.partial_fit(X, y2, classes=[0, 1])
    after = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0).fit(X, y3)
    after.partial_fit(X, y2, classes=[0, 1])
    np.testing.assert_allclose(after.coef_, fresh.coef_)
    np.testing.assert_allclose(after.intercept_, fresh.intercept_)


@pytest.mark.parametrize("stream", [False, True])
def test_a_header_that_starts_with_hash_is_not_blamed(tmp_path, capsys, stream):
    path = tmp_path / "h.csv"
    rows = ["#id,x,y"] + [f"{i},{i % 7},{i % 2}" for i in range(40)] + ["41,1,0,9"]
    path.write_text("\n".join(rows) + "\n")
    args = ["fit", path, "-t", "y", "-o", tmp_path / "m.json", "-q"] + (["--stream"] if stream else [])
    code, _, err = run_cli(capsys, args)
    assert code == 65
    assert "looks like a comment" not in err
    if not stream:
        assert "line 42: expected 3 fields, saw 4" in err


def test_rtol_zero_does_not_pass_a_wrong_gradient(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 3))
    y = (X[:, 0] > 0).astype(int)
    true = Objective.gradient
    monkeypatch.setattr(Objective, "gradient", lambda self, t: 2.0 * true(self, t))
    assert not check_gradient(X, y, np.full(3, 0.1), rtol=0.0).passed


def test_an_infinite_learning_rate_is_refused():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((100, 2))
    obj = LogisticObjective.from_arrays(X, (X[:, 0] > 0).astype(float))
    with pytest.raises(InvalidParameterError, match="must be a finite number"):
        logistic.solvers.solve(
            "sgd", obj, np.zeros(3), options={"learning_rate": np.inf}, tol=1e-3, max_iter=5
        )


def test_a_stream_of_arrays_after_a_frame_fit_has_no_names():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.standard_normal((200, 2)), columns=["a", "b"])
    y = pd.Series((X["a"] > 0).astype(int), name="admit")
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y)
    assert model.target_name_ == "admit"
    model.partial_fit(X.to_numpy(), y.to_numpy(), classes=[0, 1])
    assert not hasattr(model, "feature_names_in_") and model.target_name_ is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        model.predict(X.to_numpy())
