"""``conf_int(method="profile", terms=...)`` refuses a ``terms`` that is
neither a term (name or position) nor a list of them, naming ``terms`` and the
value received.

Reproduction: ``res.conf_int(method="profile", terms=1.5)`` said
"TypeError: 'float' object is not iterable", and ``terms=np.array(1)``
numpy's "iteration over a 0-d array": neither named the parameter. A set of
names is a list of them, as before.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError


@pytest.fixture(scope="module")
def res():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] + rng.normal(size=100) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression().fit(X, y).inference(X, y)


@pytest.mark.parametrize(
    ("terms", "shown"),
    [(1.5, "1.5"), (np.array(1), "array(1)"), (float("nan"), "nan")],
)
def test_a_terms_that_is_no_term_nor_a_list_is_refused_naming_it(res, terms, shown):
    with pytest.raises(InvalidParameterError) as got:
        res.conf_int(method="profile", terms=terms)
    assert str(got.value) == (
        f"terms: {shown} is not a term; expected one of ['Intercept', 'x1', 'x2', 'x3']"
    )


def test_a_position_beyond_float64_is_shown_shortened(res):
    with pytest.raises(InvalidParameterError) as got:
        res.conf_int(method="profile", terms=10**400)
    assert str(got.value) == (
        "terms: position 100000000000000000… (401 digits) is out of range for 4 terms"
    )


def test_a_set_of_names_still_selects_them(res):
    ci = np.asarray(res.conf_int(method="profile", terms={"x1"}))
    assert np.all(np.isfinite(ci[1])) and np.all(np.isnan(ci[[0, 2, 3]]))
