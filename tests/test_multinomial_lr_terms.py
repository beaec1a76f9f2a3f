"""Likelihood-ratio tests of each term of a K-class fit
(``MultinomialInference.lr_test_terms``, ``logistic test --terms --lr --data``):
R's ``car::Anova`` of a ``multinom`` fit.

Reference: statsmodels' ``MNLogit`` fitted with and without each term on the
UCLA admissions data (``rank``, four classes, on ``admit``, ``gre``, ``gpa``
and a three-level factor made from ``gpa``): ``2 (llf_full - llf_reduced)`` on
``(K - 1) x columns`` degrees of freedom.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError

sm = pytest.importorskip("statsmodels.api")

UCLA = data_path("ucla-admissions", "binary.csv")


def _frame() -> pd.DataFrame:
    d = pd.read_csv(UCLA)
    band = pd.cut(d["gpa"], [0, 3.2, 3.6, 5], labels=["low", "mid", "high"])
    d["mid"] = (band == "mid").astype(float)  # the factor's two one-hot columns
    d["high"] = (band == "high").astype(float)
    return d


def _llf(d: pd.DataFrame, columns: list[str], constant: bool = True) -> float:
    X = d[columns].astype(float)
    if constant:
        X = sm.add_constant(X)
    return sm.MNLogit(d["rank"], X).fit(disp=0, method="newton", tol=1e-12,
                                        maxiter=200).llf  # fmt: skip


def test_each_term_against_statsmodels_refits():
    d = _frame()
    cols = ["admit", "gre", "mid", "high"]
    # one-hot columns named term[T.level] form one term: rename to group them
    X = d[cols].rename(columns={"mid": "band[T.mid]", "high": "band[T.high]"})
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, d["rank"])
    res = model.inference(X, d["rank"])
    tests = res.lr_test_terms()
    assert list(tests) == ["admit", "gre", "band", "Intercept"]
    full = _llf(d, cols)
    np.testing.assert_allclose(res.llf, full, rtol=1e-9)
    for term, kept, df in (
        ("admit", ["gre", "mid", "high"], 3),
        ("gre", ["admit", "mid", "high"], 3),
        ("band", ["admit", "gre"], 6),
    ):
        expected = 2 * (full - _llf(d, kept))
        assert tests[term].df == df
        np.testing.assert_allclose(tests[term].statistic, expected, rtol=1e-6)
    no_constant = 2 * (full - _llf(d, cols, constant=False))
    np.testing.assert_allclose(tests["Intercept"].statistic, no_constant, rtol=1e-6)
    assert 0 < tests["gre"].pvalue < 1


def test_one_feature_dropped_leaves_the_class_shares():
    d = _frame()
    model = LogisticRegression(penalty=None).fit(d[["gre"]], d["rank"])
    res = model.inference(d[["gre"]], d["rank"])
    tests = res.lr_test_terms()
    np.testing.assert_allclose(tests["gre"].statistic, res.llr, rtol=1e-8)


def test_needs_the_rows_and_a_nonrobust_covariance():
    d = _frame()
    X = d[["gre", "gpa"]]
    model = LogisticRegression(penalty=None).fit(X, d["rank"])
    with pytest.raises(InvalidParameterError, match=r"inference\(X, y\)"):
        model.inference().lr_test_terms()
    robust = model.inference(X, d["rank"], cov_type="HC0")
    with pytest.raises(InvalidParameterError, match="wald_test_terms"):
        robust.lr_test_terms()


def test_cli_terms_lr_of_a_k_class_model(workdir, capsys):
    d = _frame()
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "rank", "-o", "m.json", "-q"])
    assert code == 0, err
    argv = ["test", "m.json", "--terms", "--lr", "--data", UCLA, "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    got = {t["term"]: t for t in json.loads(out)["terms"]}
    full = _llf(d, ["admit", "gre", "gpa"])
    expected = 2 * (full - _llf(d, ["admit", "gpa"]))
    assert got["gre"]["df"] == 3
    np.testing.assert_allclose(got["gre"]["statistic"], expected, rtol=1e-6)


def test_a_fit_whose_separation_was_not_checked_is_tested(tmp_path):
    """A fit on a file read out of core has ``separation_ == "unchecked"``
    (its rows were never in memory for the check): that is no finding of
    separation, so its terms are tested on the rows given again, and equal
    statsmodels' ``MNLogit`` refits."""
    d = _frame()
    path = tmp_path / "ucla.csv"
    d[["admit", "gre", "gpa", "rank"]].to_csv(path, index=False)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(str(path), "rank")
    assert model.separation_ == "unchecked"
    cols = ["admit", "gre", "gpa"]
    tests = model.inference(d[cols], d["rank"]).lr_test_terms()
    full = _llf(d, cols)
    for term in cols:
        kept = [c for c in cols if c != term]
        expected = 2 * (full - _llf(d, kept))
        np.testing.assert_allclose(tests[term].statistic, expected, rtol=1e-6)


def test_cli_terms_lr_of_a_streamed_k_class_fit(workdir, capsys):
    argv = ["fit", UCLA, "-t", "rank", "--stream", "-o", "s.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    argv = ["test", "s.json", "--terms", "--lr", "--data", UCLA, "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    got = {t["term"]: t for t in json.loads(out)["terms"]}
    d = _frame()
    full = _llf(d, ["admit", "gre", "gpa"])
    expected = 2 * (full - _llf(d, ["admit", "gre"]))
    np.testing.assert_allclose(got["gpa"]["statistic"], expected, rtol=1e-6)


def test_an_unchecked_fit_of_separated_data_is_checked_on_the_rows(tmp_path):
    """Class 2 holds every row with x0 = 2 and no row with x0 = 0 (a
    quasi-complete separation by construction): a fit on the file read out
    of core could not check it, so the rows given to inference are checked
    and the tests refused (the maximum does not exist)."""
    rng = np.random.default_rng(3)
    x0 = rng.integers(0, 3, 300).astype(float)
    y = rng.integers(0, 2, 300)
    y[x0 == 2] = 2
    y[(x0 == 1) & (rng.random(300) < 0.3)] = 2
    d = pd.DataFrame({"x0": x0, "x1": rng.normal(size=300), "y": y})
    path = tmp_path / "sep.csv"
    d.to_csv(path, index=False)
    model = LogisticRegression(penalty=None).fit(str(path), "y")
    assert model.separation_ == "unchecked"
    res = model.inference(d[["x0", "x1"]], d["y"])
    with (
        pytest.warns(UserWarning, match="quasi-complete separation"),
        pytest.raises(InvalidParameterError, match=r"separated \(quasi-complete\)"),
    ):
        res.lr_test_terms()


def test_float32_data_against_statsmodels_refits():
    """float32 data (fitted to the float32 tolerance, 1e-6): the refits run
    in float64, so they reach their tolerance, and the statistics are
    statsmodels' on the same values."""
    d = _frame()
    cols = ["admit", "gre", "gpa"]
    X = d[cols].astype("float32")
    model = LogisticRegression(penalty=None).fit(X, d["rank"])
    tests = model.inference(X, d["rank"]).lr_test_terms()
    same = d.assign(**{c: X[c].astype(float) for c in cols})
    full = _llf(same, cols)
    for term in cols:
        expected = 2 * (full - _llf(same, [c for c in cols if c != term]))
        np.testing.assert_allclose(tests[term].statistic, expected, rtol=1e-5)
