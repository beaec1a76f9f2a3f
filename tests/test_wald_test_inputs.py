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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((R, [np.nan, 0.0]), r"^q must hold finite numbers; got nan in restriction 0"),
        ((R, [0.0, np.inf]), r"^q must hold finite numbers; got inf in restriction 1"),
        (
            (np.where(R == 1.0, np.nan, R),),
            r"^R must hold finite numbers; got nan in restriction 0 \(0-based\), "
            r"column 'x1'",
        ),
        # an integer beyond float64 in R or q: "OverflowError: int too large
        # to convert to float", naming neither
        (
            ([[0, 0, 10**400, 0]],),
            r"^R must hold finite numbers; got inf in restriction 0 \(0-based\), "
            r"column 'x2'",
        ),
        ((R, [0, -(10**400)]), r"^q must hold finite numbers; got -inf in restriction 1"),
        (("x1 = 1e400",), r"^the number '1e400' in hypothesis"),
        (("1e999 * x1 = 0",), r"^the number '1e999' in hypothesis"),
    ],
)
def test_a_restriction_that_is_not_finite_is_refused_naming_it(results, args, said):
    """A NaN or infinite entry of R or q gave a NaN or infinite statistic (or
    numpy's "SVD did not converge" from the rank check, for R); a number in a
    text hypothesis beyond float64 overflowed to inf (statistic inf, p 0)."""
    with pytest.raises(InvalidParameterError, match=said):
        results.wald_test(*args)
