"""``wald_test`` given an R (or q) that is no array of numbers names what R
and q must be; statsmodels' ``wald_test((R, q))`` tuple, ragged for numpy,
raised numpy's "setting an array element with a sequence" ValueError, and a
dict or other object a bare TypeError."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression

rng = np.random.default_rng(0)
X = rng.normal(size=(300, 3))
y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
R = np.array([[0.0, 1.0, -1.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
Q = np.array([0.5, 0.1])


@pytest.fixture(scope="module")
def results():
    return LogisticRegression().fit(X, y).inference(X, y)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (((R, Q),), "^R must be text or a matrix of numbers"),
        (({"x1": 1.0},), "^R must be text or a matrix of numbers"),
        ((R, "x"), "^q must be one number per restriction"),
        ((R, [1.0, [2.0, 3.0]]), "^q must be one number per restriction"),
    ],
)
def test_r_and_q_that_are_no_numbers_are_refused_by_name(results, args, said):
    with pytest.raises(InvalidParameterError, match=said) as info:
        results.wald_test(*args)
    if isinstance(args[0], tuple):
        assert "wald_test(R, q) here" in str(info.value)


def test_r_and_q_as_statsmodels_reads_them(results):
    sm = pytest.importorskip("statsmodels.api")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
        want = ref.wald_test((R, Q), scalar=True, use_f=False)
    got = results.wald_test(R, Q)
    assert got.statistic == pytest.approx(float(want.statistic), rel=1e-7)
    assert got.df == 2
