"""``InferenceResults.t_test``: linear combinations of the coefficients, each
estimated and tested alone (statsmodels' ``t_test``, Stata's ``lincom``).

References: statsmodels' ``Logit(...).fit().t_test`` on the same data and
formula (its ``summary_frame``: effect, standard error, z, p, interval; a
``Logit`` tests with the normal distribution), nonrobust and ``HC0`` (its
``HC1`` for a ``Logit`` has no n/(n - k) factor; ours is R's sandwich)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import InvalidParameterError, LogisticRegression

smf = pytest.importorskip("statsmodels.formula.api")

HYPOTHESIS = "rank3 - rank4, 2*gpa - rank2 = 1"
REFERENCE = "C(rank)[T.3] - C(rank)[T.4] = 0, 2*gpa - C(rank)[T.2] = 1"


def _ucla() -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    df = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = df[["gre", "gpa"]].assign(
        **{f"rank{k}": (df["rank"] == k).astype(float) for k in (2, 3, 4)}
    )
    return X, df["admit"], df


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_rows_match_statsmodels_t_test(cov_type):
    X, y, df = _ucla()
    ref = smf.logit("admit ~ gre + gpa + C(rank)", df).fit(
        disp=0, tol=1e-12, cov_type=cov_type
    )
    expected = ref.t_test(REFERENCE).summary_frame(alpha=0.1)
    res = LogisticRegression(tol=1e-10).fit(X, y).inference(X, y, cov_type=cov_type)
    got = res.t_test(HYPOTHESIS)
    frame = got.summary_frame(alpha=0.1)
    np.testing.assert_allclose(got.effect, expected["coef"], rtol=1e-6)
    np.testing.assert_allclose(got.sd, expected["std err"], rtol=1e-6)
    np.testing.assert_allclose(got.zvalues, expected["z"], rtol=1e-6)
    np.testing.assert_allclose(got.pvalues, expected["P>|z|"], rtol=1e-6)
    bounds = expected[["Conf. Int. Low", "Conf. Int. Upp."]].to_numpy()
    np.testing.assert_allclose(got.conf_int(0.1), bounds, rtol=1e-6)
    np.testing.assert_allclose(frame[["[0.05", "0.95]"]].to_numpy(), bounds, rtol=1e-6)
    assert list(frame.index) == ["rank3 - rank4", "2*gpa - rank2 = 1"]


def test_matrix_rows_are_the_text_rows_and_may_repeat():
    X, y, _ = _ucla()
    res = LogisticRegression().fit(X, y).inference()
    names = list(res.term_names)
    R = np.zeros((3, len(names)))
    R[0, names.index("rank3")], R[0, names.index("rank4")] = 1, -1
    R[1] = R[0]  # dependent rows: each row is its own test
    R[2, names.index("gre")] = 1
    got = res.t_test(R)
    text = res.t_test("rank3 - rank4")
    assert got.effect[0] == got.effect[1] == text.effect[0]
    assert got.pvalues[0] == text.pvalues[0]
    assert got.names == ["rank3 - rank4", "rank3 - rank4", "gre"]
    # a single row's test is the Wald test of the same hypothesis
    wald = res.wald_test("rank3 - rank4")
    assert got.zvalues[0] ** 2 == pytest.approx(wald.statistic, rel=1e-12)
    assert got.pvalues[0] == pytest.approx(wald.pvalue, rel=1e-9)


def test_odds_ratios_are_exp_of_the_combination():
    X, y, _ = _ucla()
    got = LogisticRegression().fit(X, y).inference().t_test("rank3 - rank4")
    table = got.odds_ratios(0.05)
    np.testing.assert_allclose(table.odds_ratio, np.exp(got.effect))
    np.testing.assert_allclose(table.conf_int, np.exp(got.conf_int(0.05)))
    np.testing.assert_allclose(table.bse, np.exp(got.effect) * got.sd)
    assert table.term_names == ["rank3 - rank4"]
    assert "rank3 - rank4" in str(table)


def test_text_table_names_each_combination_and_its_covariance():
    X, y, _ = _ucla()
    res = LogisticRegression().fit(X, y).inference(X, y, cov_type="HC1")
    text = str(res.t_test(HYPOTHESIS))
    assert "covariance: HC1" in text
    lines = text.splitlines()
    assert any(line.startswith("rank3 - rank4 ") for line in lines)
    assert any(line.startswith("2*gpa - rank2 = 1 ") for line in lines)


def test_a_combination_of_an_aliased_column_is_refused():
    X, y, _ = _ucla()
    X = X.assign(twice=2 * X["gre"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fit's aliasing warning
        res = LogisticRegression().fit(X, y).inference(X, y)
    with pytest.raises(InvalidParameterError, match="not estimable"):
        res.t_test("twice - gpa")
    assert np.isfinite(res.t_test("gre - gpa").effect).all()


def test_bad_shapes_name_what_is_expected():
    X, y, _ = _ucla()
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError, match="6 columns"):
        res.t_test(np.ones((1, 3)))
    with pytest.raises(InvalidParameterError, match="q must have 1 entries"):
        res.t_test(np.ones(6), q=[0.0, 1.0])
    with pytest.raises(InvalidParameterError, match="unknown term"):
        res.t_test("rank5 - rank4")


def test_k_class_rows_match_statsmodels_mnlogit_t_test():
    """Three classes: ``t_test`` over the flat parameters (``param_names``,
    equation by equation), as ``wald_test``; statsmodels' ``MNLogit.t_test``
    on the same rows is the reference (its columns: constant first)."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    n = 500
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    logits = np.column_stack(
        [np.zeros(n), X @ [0.8, -0.5] + 0.3, X @ [-0.4, 0.6] - 0.2]
    )
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = (rng.uniform(size=n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    res = LogisticRegression(penalty=None, tol=1e-10).fit(X, y).inference()
    names = list(res.param_names)
    assert names == ["1:a", "1:b", "1:Intercept", "2:a", "2:b", "2:Intercept"]
    R = np.zeros((2, 6))
    R[0, [0, 3]] = 1, -1  # 1:a - 2:a
    R[1, [1, 5]] = 2, 1  # 2*1:b + 2:Intercept = 0.5
    q = np.array([0.0, 0.5])
    got = res.t_test(R, q)
    ref = sm.MNLogit(y, sm.add_constant(X.to_numpy())).fit(disp=0, method="newton")
    order = [1, 2, 0, 4, 5, 3]  # statsmodels' (const, a, b) per equation
    R_sm = np.zeros_like(R)
    R_sm[:, order] = R
    expected = ref.t_test((R_sm, q)).summary_frame(alpha=0.05)
    np.testing.assert_allclose(got.effect, expected["coef"], rtol=1e-6)
    np.testing.assert_allclose(got.sd, expected["std err"], rtol=1e-6)
    np.testing.assert_allclose(got.pvalues, expected["P>|z|"], rtol=1e-6)
    bounds = expected[["Conf. Int. Low", "Conf. Int. Upp."]].to_numpy()
    np.testing.assert_allclose(got.conf_int(0.05), bounds, rtol=1e-6)
    assert got.names == ["1:a - 2:a", "2*1:b + 2:Intercept = 0.5"]
