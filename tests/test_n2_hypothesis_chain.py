"""Chained equalities in text hypotheses: ``"a = b = c = 0"``.

R's ``car::linearHypothesis`` users write a chain; statsmodels' text
constraints do not take it. ``e0 = e1 = ... = em`` is the ``m``
restrictions ``e_j - e_{j+1} = 0``: ``"rank2 = rank3 = rank4 = 0"`` is
``rank2 - rank3 = 0, rank3 - rank4 = 0, rank4 = 0``. The references are
statsmodels' ``Logit`` ``wald_test(use_f=False)`` of that explicit list
(Newton to 1e-12) on the UCLA admissions data.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression, datasets
from logistic._exceptions import InvalidParameterError
from logistic.inference import parse_constraints

sm = pytest.importorskip("statsmodels.api", reason="references come from statsmodels")
pd = pytest.importorskip("pandas")

FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


@pytest.fixture(scope="module")
def ucla():
    X, y, names = datasets.load_ucla_admissions()
    X = pd.DataFrame(X, columns=names)
    ours = LogisticRegression(tol=1e-10).fit(X, y).inference(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(**FIT)
    return ours, ref


def _sm_chi2(ref, text):
    out = ref.wald_test(text, use_f=False, scalar=True)
    return float(out.statistic), int(out.df_denom), float(out.pvalue)


@pytest.mark.parametrize(
    ("chain", "explicit"),
    [
        ("rank2 = rank3 = rank4 = 0", "rank2 = rank3, rank3 = rank4, rank4 = 0"),
        ("rank2 = rank3 = rank4", "rank2 = rank3, rank3 = rank4"),
        ("2*rank2 = rank3 + 1 = rank4", "2*rank2 = rank3 + 1, rank3 + 1 = rank4"),
    ],
)
def test_chain_equals_statsmodels_on_the_explicit_list(ucla, chain, explicit):
    ours, ref = ucla
    result = ours.wald_test(chain)
    stat, df, pvalue = _sm_chi2(ref, explicit.replace(" 1 ", " 1.0 "))
    assert result.df == df == chain.count("=")
    assert result.statistic == pytest.approx(stat, rel=1e-6)
    assert result.pvalue == pytest.approx(pvalue, rel=1e-5, abs=1e-300)


def test_chain_matrix_is_consecutive_differences():
    names = ["Intercept", "a", "b", "c"]
    R, q = parse_constraints("a = b = c = 0", names)
    np.testing.assert_array_equal(R, [[0, 1, -1, 0], [0, 0, 1, -1], [0, 0, 0, 1]])
    np.testing.assert_array_equal(q, [0, 0, 0])
    R, q = parse_constraints("a + 1 = 2 = b", names)  # a = 1, b = 2
    np.testing.assert_array_equal(R, [[0, 1, 0, 0], [0, 0, -1, 0]])
    np.testing.assert_array_equal(q, [1, -2])


@pytest.mark.parametrize("bad", ["a = b = ", "a = 1 = 2", "a == b", "= a = b"])
def test_malformed_chains_are_refused(bad):
    with pytest.raises(InvalidParameterError):
        parse_constraints(bad, ["Intercept", "a", "b"])


def test_quoted_names_may_hold_separators():
    """`=`, `,` and `;` inside backticks belong to the name (a column such as
    ``dose=high`` or ``x, y``), not to the hypothesis' structure."""
    names = ["Intercept", "dose=high", "x, y", "a;b"]
    R, q = parse_constraints("`dose=high` = `x, y`; `a;b` = 1", names)
    np.testing.assert_array_equal(R, [[0, 1, -1, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(q, [0, 1])
    with pytest.raises(InvalidParameterError, match="unknown quoted term"):
        parse_constraints("`dose=high = 0", names)  # unclosed quote


def test_quoted_separator_names_equal_statsmodels(ucla):
    """The UCLA fit with columns renamed to hold separators: the same Wald
    test as statsmodels' on the original names."""
    _, ref = ucla
    X, y, names = datasets.load_ucla_admissions()
    renamed = {"rank2": "rank=2", "rank3": "rank,3", "rank4": "rank;4"}
    X = pd.DataFrame(X, columns=[renamed.get(n, n) for n in names])
    ours = LogisticRegression(tol=1e-10).fit(X, y).inference(X, y)
    result = ours.wald_test("`rank=2` = `rank,3` = `rank;4` = 0")
    stat, df, pvalue = _sm_chi2(ref, "rank2 = rank3, rank3 = rank4, rank4 = 0")
    assert result.df == df == 3
    assert result.statistic == pytest.approx(stat, rel=1e-6)
