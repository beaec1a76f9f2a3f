"""``partial_fit`` reports the separation check it cannot make.

The check needs every row in memory; a stream has them one chunk at a time,
so an unpenalized ``partial_fit`` model reports ``separation_ ==
"unchecked"`` (the value of a fit on data read block by block), a penalized
one None (its optimum is finite), and a verdict of an earlier ``fit`` does
not survive into the stream's model. The data are separated by
construction (labels cut from the first feature at fixed thresholds), and
``fit`` on them reports it: the reference that the earlier verdict was
"complete".
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression


def _separated(K: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(8).standard_normal((300, 2))
    cuts = [0.0] if K == 2 else [-0.5, 0.5]
    return X, np.digitize(X[:, 0], cuts)


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize(
    ("params", "expected"),
    [({"penalty": None}, "unchecked"), ({"penalty": "l2", "alpha": 0.01}, None)],
)
def test_partial_fit_reports_the_check_it_cannot_make(K, params, expected):
    X, y = _separated(K)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stream = LogisticRegression(**params)
        for _ in range(3):
            stream.partial_fit(X, y, classes=np.arange(K))
        assert stream.separation_ == expected
        model = LogisticRegression(**params).fit(X, y)
        assert model.separation_ == ("complete" if params["penalty"] is None else None)
        model.partial_fit(X, y)
    assert model.separation_ == expected
