"""``random_state`` takes a ``numpy.random.RandomState`` (scikit-learn's
convention, ``sklearn.utils.check_random_state``): drawn from as a Generator on
its bit generator, so equal seeds give equal fits and a fit advances it."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression

sklearn = pytest.importorskip("sklearn")
from sklearn.utils import check_random_state  # noqa: E402


def _data(K: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (np.arange(300) % K) if K > 2 else (X[:, 0] + rng.logistic(size=300) > 0)
    return X, np.asarray(y, dtype=int)


@pytest.mark.parametrize("K", [2, 3])
def test_random_state_instance_is_accepted_and_reproducible(K: int) -> None:
    # scikit-learn's own convention accepts it
    assert isinstance(
        check_random_state(np.random.RandomState(0)), np.random.RandomState
    )
    X, y = _data(K)
    kw = {"penalty": "l2", "solver": "sgd", "max_iter": 20, "tol": 0.0}
    with pytest.warns(Warning):  # max_iter reached
        a = LogisticRegression(random_state=np.random.RandomState(5), **kw).fit(X, y)
    with pytest.warns(Warning):
        b = LogisticRegression(random_state=np.random.RandomState(5), **kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    rs = np.random.RandomState(5)
    before = rs.get_state()[1].copy()
    with pytest.warns(Warning):
        LogisticRegression(random_state=rs, **kw).fit(X, y)
    assert not np.array_equal(rs.get_state()[1], before)  # drawn from, as sklearn


def test_random_state_instance_in_partial_fit() -> None:
    X, y = _data()
    est = LogisticRegression(
        penalty="l2", alpha=0.01, random_state=np.random.RandomState(0)
    )
    est.partial_fit(X, y, classes=[0, 1])
    assert est.coef_.shape == (1, 4)
