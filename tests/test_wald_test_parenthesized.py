"""statsmodels documents its text constraints with each equation in
parentheses, ``results.f_test("(x1 = 0), (x2 = 0)")``; ``wald_test`` refused
that spelling as "unknown term '(x1'". The reference statistic is
statsmodels' ``Logit(...).fit().wald_test("(x1 = 0), (x2 = 0)",
scalar=True)`` on the same data (its ``use_f=False`` chi-square)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistic import InvalidParameterError, LogisticRegression

sm = pytest.importorskip("statsmodels.api")

rng = np.random.default_rng(4)
X = pd.DataFrame(rng.normal(size=(400, 3)), columns=["x1", "x2", "x3"])
y = (X["x1"] - 0.5 * X["x2"] + rng.logistic(size=400) > 0).astype(int)


def test_parenthesized_equations_are_statsmodels_test():
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    expected = ref.wald_test("(x1 = 0), (x2 = 0)", use_f=False, scalar=True)
    res = LogisticRegression(penalty=None, tol=1e-10).fit(X, y).inference(X, y)
    got = res.wald_test("(x1 = 0), (x2 = 0)")
    assert got.df == 2
    np.testing.assert_allclose(got.statistic, float(expected.statistic), rtol=1e-6)
    plain = res.wald_test("x1 = 0, x2 = 0")
    assert got.statistic == plain.statistic
    assert res.wald_test("(x1 - x2 = 1)").statistic == res.wald_test("x1 - x2 = 1").statistic


def test_names_holding_parentheses_are_not_unwrapped():
    frame = X.rename(columns={"x1": "(a)", "x2": "(b)"})
    res = LogisticRegression(penalty=None).fit(frame, y).inference(frame, y)
    two = res.wald_test("(a) = (b)")
    assert two.df == 1
    with pytest.raises(InvalidParameterError, match="unknown term"):
        res.wald_test("((a) = 0")
