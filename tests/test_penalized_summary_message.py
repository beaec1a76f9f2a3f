"""``summary()`` of a penalized two-class fit says what it cannot show and
where the estimates are; it said "inference is refused for a penalized fit",
a word the caller of ``summary()`` had not used (``logistic summary`` prints
such a fit's estimates as a table, which the message now names)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import InvalidParameterError, LogisticRegression


@pytest.mark.parametrize("params", [{"penalty": "l2", "C": 0.5}, {"penalty": "l1", "C": 1.0}])
def test_summary_of_a_penalized_fit_names_the_estimates(params):
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    model = LogisticRegression(solver="newton-cd-columns" if params["penalty"] == "l1" else "auto", **params)
    model.fit(d[["gre", "gpa", "rank"]], d["admit"])
    with pytest.raises(InvalidParameterError) as err:
        model.summary()
    text = str(err.value)
    assert text.startswith(f"summary() is a table of standard errors and tests, which a penalized fit (penalty={params['penalty']!r})")
    assert "coef_ and intercept_" in text and "logistic summary MODEL" in text
    assert "penalty=None" in text and "penalty='firth'" in text


def test_an_unpenalized_summary_is_unchanged():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    model = LogisticRegression().fit(d[["gre", "gpa"]], d["admit"])
    assert "Logistic regression results" in str(model.summary())
    assert np.isfinite(model.coef_).all()
