"""``lr_test`` refuses fits whose stored statistics show other observations.

Only ``nobs`` was compared: a smaller model fitted to another response on
the same 189 rows, or with frequency weights that also sum to 189, gave a
chi-squared p-value without a word (R's ``anova.glm`` drops a model whose
response differs; Stata's ``lrtest`` refuses other samples). Data: Hosmer &
Lemeshow's low birth weight study (tests/data/lbw-hosmer-lemeshow).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError

DATA = Path(__file__).parent / "data" / "lbw-hosmer-lemeshow" / "birthwt_MASS.csv"


@pytest.fixture(scope="module")
def lbw():
    d = pd.read_csv(DATA)
    return d, d["low"].to_numpy()


def _fit(X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression().fit(X, y, **kw).inference()


def test_same_data_is_tested(lbw):
    d, y = lbw
    big = _fit(d[["age", "lwt", "smoke", "ht", "ui"]].astype(float), y)
    small = _fit(d[["age", "smoke"]].astype(float), y)
    res = big.lr_test(small)
    # statsmodels 0.15: Logit(low, [1, age, lwt, smoke, ht, ui]) against
    # Logit(low, [1, age, smoke]) on birthwt: 2 (llf - llf_r) = 15.50, df 3
    assert res.df == 3
    assert res.statistic == pytest.approx(15.50, abs=0.01)


def test_another_response_on_the_same_rows_is_refused(lbw):
    d, y = lbw
    big = _fit(d[["age", "lwt", "smoke", "ht", "ui"]].astype(float), y)
    other = _fit(d[["age", "smoke"]].astype(float), d["ht"].to_numpy() | y)
    with pytest.raises(InvalidParameterError, match=r"different data \(other labels or weights"):
        big.lr_test(other)
    with pytest.raises(InvalidParameterError, match="different data"):
        other.lr_test(big)


def test_other_weights_of_the_same_total_are_refused(lbw):
    d, y = lbw
    w = np.ones(len(y))
    w[:40], w[40:80] = 0.0, 2.0  # still 189 in all
    big = _fit(d[["age", "lwt", "smoke", "ht", "ui"]].astype(float), y)
    small = _fit(d[["age", "smoke"]].astype(float), y, sample_weight=w)
    with pytest.raises(InvalidParameterError, match="different data"):
        big.lr_test(small)


def test_other_rows_with_the_same_labels_are_refused_by_a_shared_column(lbw):
    d, y = lbw
    # ten rows of the first class replaced by copies of ten others of that
    # class: nobs, labels, weights and rows of positive weight all agree;
    # the shared column 'age' is another sample's
    negatives = np.flatnonzero(y == 0)
    rows = np.arange(len(y))
    rows[negatives[:10]] = negatives[-10:]
    other = d.iloc[rows].reset_index(drop=True)
    big = _fit(d[["age", "lwt", "smoke", "ht", "ui"]].astype(float), y)
    small = _fit(other[["age", "smoke"]].astype(float), other["low"].to_numpy())
    with pytest.raises(InvalidParameterError, match="column 'age' has weighted mean"):
        big.lr_test(small)


def test_equal_sizes_are_refused_without_a_nesting_warning(lbw):
    d, y = lbw
    a = _fit(d[["age", "lwt", "smoke"]].astype(float), y)
    b = _fit(d[["ht", "ui", "ptl"]].astype(float), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "terms of the smaller fit only"
        with pytest.raises(InvalidParameterError, match="same number of parameters"):
            a.lr_test(b)
