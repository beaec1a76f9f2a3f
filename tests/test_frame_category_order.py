"""A pandas ``category`` column's reference level is its first category.

Ordering the categories is how a pandas user chooses the reference level
(R's ``relevel``, Stata's ``ib2.race``): ``pd.get_dummies(drop_first=True)``,
statsmodels' formulas and R drop the first category. The DataFrame encoding
sorted the levels as text instead, whatever the category order, so
``Categorical(race, categories=["white", "black", "other"])`` had reference
'black', and categories of numbers ``[2, 10, 30]`` had reference '10' (text
order), where the CLI's ``C(race)`` on the same numbers takes 2. The
references: statsmodels' ``smf.logit`` with ``C(race, Treatment(...))`` on
the MASS birthwt data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import LogisticRegression

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
OTHERS = ["age", "lwt", "smoke", "ht", "ui"]


@pytest.fixture(scope="module")
def lbw():
    return pd.read_csv(LBW)


def _fit(frame, race):
    X = frame[OTHERS].astype(float).assign(race=race)
    return LogisticRegression().fit(X, frame["low"])


def test_text_categories_in_their_order(lbw):
    smf = pytest.importorskip("statsmodels.formula.api")
    names = lbw["race"].map({1: "white", 2: "black", 3: "other"})
    race = pd.Categorical(names, categories=["white", "black", "other"])
    model = _fit(lbw, race)
    assert list(model.feature_names_in_[-2:]) == ["race[T.black]", "race[T.other]"]
    formula = "low ~ age + lwt + smoke + ht + ui + C(race, Treatment(1))"
    ref = smf.logit(formula, lbw).fit(disp=0)  # 1 = white, then 2, 3
    np.testing.assert_allclose(model.coef_.ravel()[-2:], ref.params.iloc[1:3], rtol=1e-7)
    # pandas' own encoding of the same column drops the same level
    dummies = pd.get_dummies(race, drop_first=True)
    assert list(dummies.columns) == ["black", "other"]


def test_number_categories_in_numeric_order(lbw):
    smf = pytest.importorskip("statsmodels.formula.api")
    codes = lbw["race"].map({1: 2, 2: 10, 3: 30})
    model = _fit(lbw, pd.Categorical(codes))
    assert list(model.feature_names_in_[-2:]) == ["race[T.10]", "race[T.30]"]
    ref = smf.logit("low ~ age + lwt + smoke + ht + ui + C(race)", lbw).fit(disp=0)
    np.testing.assert_allclose(model.coef_.ravel()[-2:], ref.params.iloc[1:3], rtol=1e-7)
    # predictions take the levels as text, from a category or a number column
    np.testing.assert_allclose(
        model.predict_proba(lbw[OTHERS].assign(race=codes)),
        model.predict_proba(lbw[OTHERS].assign(race=pd.Categorical(codes))),
    )
