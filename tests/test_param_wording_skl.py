"""Parameter messages read what the user set.

* ``penalty='elasticnet'`` without ``l1_ratio`` said "Got l1_ratio=nan
  instead" (NaN is the unset marker);
* ``penalty='l1', l1_ratio=0.0`` (what scikit-learn 1.9's ``get_params()``
  of an L1 model holds) said "here penalty defaults to None";
* ``C``'s range said ``(0, inf)`` while ``C=np.inf`` is accepted, as in
  scikit-learn (``(0, inf]``);
* ``fit_intercept=0`` said "an instance of 'bool' or an instance of 'bool'"
  (Python's bool and numpy's bool_ are both named 'bool').
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    return X, (X[:, 0] + rng.normal(size=80) > 0).astype(int)


def test_set_penalty_with_a_conflicting_l1_ratio_names_both(data):
    with pytest.raises(InvalidParameterError) as exc:
        LogisticRegression(penalty="l1", l1_ratio=0.0).fit(*data)
    text = str(exc.value)
    assert "defaults to None" not in text
    assert "l1_ratio=0.0 asks for L2, penalty='l1' for L1: unset l1_ratio" in text


def test_unset_l1_ratio_with_no_penalty_still_explains_scikit_learn(data):
    with pytest.raises(InvalidParameterError, match="here penalty defaults to None"):
        LogisticRegression(l1_ratio=1.0).fit(*data)


def test_c_range_includes_infinity(data):
    with pytest.raises(InvalidParameterError, match=r"range \(0, inf\]"):
        LogisticRegression(penalty="l2", C=0).fit(*data)
    LogisticRegression(penalty="l2", C=np.inf).fit(*data)  # accepted, as the range says


def test_a_type_named_twice_is_said_once(data):
    with pytest.raises(InvalidParameterError) as exc:
        LogisticRegression(fit_intercept=0).fit(*data)
    assert str(exc.value) == (
        "The 'fit_intercept' parameter of LogisticRegression must be an instance "
        "of 'bool'. Got 0 instead."
    )
