"""``wald_test_terms`` tests a term's columns jointly: a factor's one-hot
columns, and the columns of an interaction with a factor (``a:C(x)``,
``C(x):C(z)``), for two classes and for K classes across the K−1 equations.
Reference: statsmodels' ``wald_test_terms`` of the same formula (binary) and
``MNLogit.wald_test`` of the term's coefficients (K classes)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import logistic
from conftest import data_path, run_cli
from logistic.inference._hypothesis import term_of


@pytest.fixture(scope="module")
def ucla(tmp_path_factory):
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    rng = np.random.default_rng(1)
    frame["region"] = np.where(rng.random(len(frame)) < 0.5, "a", "b")
    frame["g3"] = pd.cut(frame.gre, [0, 500, 650, 900], labels=["lo", "mid", "hi"])
    frame["g3"] = frame["g3"].astype(str)
    path = tmp_path_factory.mktemp("terms") / "u.csv"
    frame.to_csv(path, index=False)
    return frame, path


def _fit(capsys, path, formula):
    out = path.with_name("m.json")
    argv = ["fit", path, "--formula", formula, "-o", out, "--force", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    return logistic.load(out).inference()


@pytest.mark.parametrize(
    "formula", ["admit ~ C(region)*C(rank) + gpa", "admit ~ gpa*C(rank)"]
)
def test_binary_terms_match_statsmodels(ucla, capsys, formula):
    frame, path = ucla
    ours = _fit(capsys, path, formula).wald_test_terms()
    ref = smf.logit(formula, frame).fit(disp=0).wald_test_terms(scalar=True)
    table = ref.summary_frame()
    assert set(ours) == set(table.index)
    for term, row in table.iterrows():
        assert ours[term].df == row["df constraint"]
        assert ours[term].statistic == pytest.approx(row["chi2"], rel=1e-6)


def test_a_factor_is_one_term_across_the_equations(ucla, capsys):
    frame, path = ucla
    formula = "rank ~ gpa + C(g3)"
    res = _fit(capsys, path, formula)
    tests = res.wald_test_terms()
    assert list(tests) == ["gpa", "C(g3)", "Intercept"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = smf.mnlogit(formula, frame).fit(disp=0, maxiter=200)
    names = [str(name) for _, name in ref.cov_params().index]
    R = np.eye(len(names))[[i for i, n in enumerate(names) if n.startswith("C(g3)")]]
    expected = ref.wald_test(R, scalar=True)
    assert tests["C(g3)"].df == 6
    assert tests["C(g3)"].statistic == pytest.approx(expected.statistic, rel=1e-5)
    R = np.eye(len(names))[[i for i, n in enumerate(names) if n == "gpa"]]
    assert tests["gpa"].statistic == pytest.approx(
        ref.wald_test(R, scalar=True).statistic, rel=1e-5
    )


@pytest.mark.parametrize(
    ("column", "term"),
    [
        ("gpa", "gpa"),
        ("C(rank)[T.2]", "C(rank)"),
        ("gpa:C(rank)[T.2]", "gpa:C(rank)"),
        ("C(region)[T.b]:C(rank)[T.3]", "C(region):C(rank)"),
        ("C(x)[T.a:b]", "C(x)"),  # a level holding ':' stays whole
        ("x[T.a(b]:z", "x:z"),  # and one holding an unbalanced parenthesis
        ("x[T.a)b]:z[T.c]", "x:z"),
        ("gre:gpa", "gre:gpa"),
        ("I(gre / 100)", "I(gre / 100)"),
    ],
)
def test_term_of_a_column(column, term):
    assert term_of(column) == term
