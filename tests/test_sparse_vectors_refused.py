"""A scipy sparse ``y``, ``sample_weight`` or ``offset`` is refused naming it.

An ML engineer's trial passed a sparse column (shape (n, 1)) for ``y`` and
for ``sample_weight``. ``np.asarray`` makes a 0-d object array of a sparse
matrix, so the checks after it told of "y must be 1-D ...; got shape ()",
"sample_weight must be numeric: setting an array element with a sequence",
"y holds one class only" (``inference``) or raised scipy's "The truth value
of an array ... is ambiguous" (``partial_fit``). scikit-learn refuses sparse
``y`` and ``sample_weight`` (``check_array(..., accept_sparse=False)``:
"Sparse data was passed for y, but dense data is required"), as these do,
with the remedy.
"""

from __future__ import annotations

import numpy as np
import pytest

sparse = pytest.importorskip("scipy.sparse")

import logistic  # noqa: E402
from logistic import DataValidationError, LogisticRegression  # noqa: E402


def _data():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(float)
    return X, y


def _column(v, kind):
    return getattr(sparse, kind)(np.asarray(v, dtype=float)[:, None])


@pytest.mark.parametrize("kind", ["csr_array", "csc_matrix", "coo_array"])
def test_sparse_y_is_refused_by_every_entry(kind):
    X, y = _data()
    Y = _column(y, kind)
    model = LogisticRegression(penalty="l2").fit(X, y)
    calls = [
        lambda: LogisticRegression().fit(X, Y),
        lambda: LogisticRegression().partial_fit(X, Y, classes=[0.0, 1.0]),
        lambda: model.score(X, Y),
        lambda: LogisticRegression().fit(X, y).inference(X, Y),
        lambda: logistic.path(X, Y),
    ]
    for call in calls:
        with pytest.raises(DataValidationError, match=r"^y is a scipy sparse .*toarray"):
            call()


@pytest.mark.parametrize("name", ["sample_weight", "offset"])
def test_sparse_weights_and_offsets_are_refused_by_name(name):
    X, y = _data()
    W = _column(np.ones_like(y), "csr_matrix")
    model = LogisticRegression(penalty="l2").fit(X, y)
    calls = [
        lambda: LogisticRegression().fit(X, y, **{name: W}),
        lambda: LogisticRegression().partial_fit(X, y, classes=[0.0, 1.0], **{name: W}),
    ]
    if name == "sample_weight":
        calls.append(lambda: model.score(X, y, sample_weight=W))
    else:
        calls.append(lambda: model.predict_proba(X, offset=W))
    for call in calls:
        with pytest.raises(DataValidationError, match=rf"^{name} is a scipy sparse .*toarray"):
            call()
