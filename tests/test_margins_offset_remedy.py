"""Marginal effects asked of ``model.inference()`` without the training rows
suggest ``at='mean'`` only where it works without them: a fit with an offset
needs the rows for its mean offset, so the suggestion led to a second refusal
("at='mean' of a fit with an offset needs the training data")."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression

rng = np.random.default_rng(0)
X = rng.normal(size=(200, 2))
y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
OFFSET = rng.normal(size=200)


@pytest.mark.parametrize("at", ["overall", "median"])
def test_no_mean_remedy_for_a_fit_with_an_offset(at):
    res = LogisticRegression().fit(X, y, offset=OFFSET).inference()
    with pytest.raises(InvalidParameterError) as info:
        res.get_margeff(at=at)
    assert "at='mean'" not in str(info.value)
    with pytest.raises(InvalidParameterError, match="needs the training data"):
        res.get_margeff(at="mean")


@pytest.mark.parametrize("at", ["overall", "median"])
def test_the_mean_remedy_stays_where_it_works(at):
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError, match="or use at='mean'$"):
        res.get_margeff(at=at)
    assert np.isfinite(np.asarray(res.get_margeff(at="mean").margeff)).all()
