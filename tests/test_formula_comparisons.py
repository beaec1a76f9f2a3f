"""Comparisons in formulas: ``I(gre > 600)``, ``I(rank == 1)``.

A comparison is an indicator, 1.0 where it holds, as formulaic's column of
it (and patsy's ``I(gre > 600)[T.True]``); it is stored as a node of the
closed grammar (``{"op": "gt", "left": ..., "right": ...}``), never as
text. References: statsmodels' ``smf.logit`` with the same formula (patsy
reads the comparison as a True/False factor, the same column), and its
predictions averaged for predictive margins.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic.io._term_ops import BINARY, compared_columns
from logistic.io._terms import TermError, evaluate, parse_factor

UCLA = data_path("ucla-admissions", "binary.csv")
FORMULA = "admit ~ I(gre > 600) + gpa + I(rank == 1)"


@pytest.mark.parametrize(
    ("text", "op", "expected"),
    [
        ("I(x > 2)", "gt", [0, 0, 1, np.nan]),
        ("I(x >= 2)", "ge", [0, 1, 1, np.nan]),
        ("I(x < 2)", "lt", [1, 0, 0, np.nan]),
        ("I(x <= 2)", "le", [1, 1, 0, np.nan]),
        ("I(x == 2)", "eq", [0, 1, 0, np.nan]),
        ("I(x != 2)", "ne", [1, 0, 1, np.nan]),
        ("I(2 < x)", "lt", [0, 0, 1, np.nan]),
    ],
)
def test_each_comparison_is_an_indicator_nan_kept(text, op, expected):
    node = parse_factor(text)["expr"]
    assert node["op"] == op
    x = np.array([1.0, 2.0, 3.0, np.nan])
    values, _ = evaluate(node, lambda name: x)
    np.testing.assert_array_equal(values, expected)  # NaN stays NaN, not 0


def test_comparisons_combine_as_numbers():
    node = parse_factor("I((x > 1) * (x < 3) + 2 * (x == 3))")["expr"]
    values, _ = evaluate(node, lambda name: np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(values, [0.0, 1.0, 2.0])
    assert compared_columns(node) == {"x"}
    assert compared_columns(parse_factor("np.log(x)")["expr"]) == set()


@pytest.mark.parametrize("text", ["I(1 < x < 3)", "I(x is 2)", "I(x in y)"])
def test_chains_and_identity_are_refused(text):
    with pytest.raises(TermError, match="a comparison here is one of"):
        parse_factor(text)


def test_comparisons_are_all_in_the_grammar():
    assert {"gt", "ge", "lt", "le", "eq", "ne"} <= set(BINARY)


def _fit(workdir, capsys):
    argv = ["fit", UCLA, "--formula", FORMULA, "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    return json.loads((workdir / "m.json").read_text())


def test_fit_equals_statsmodels(workdir, capsys):
    smf = pytest.importorskip("statsmodels.formula.api")
    saved = _fit(workdir, capsys)
    ref = smf.logit(FORMULA, pd.read_csv(UCLA)).fit(disp=0, tol=1e-12)
    # patsy's order: its factor columns first, then gpa
    names = ["I(gre > 600)", "gpa", "I(rank == 1)"]
    ref_names = ["I(gre > 600)[T.True]", "gpa", "I(rank == 1)[T.True]"]
    assert saved["model"]["feature_names"] == names
    np.testing.assert_allclose(saved["model"]["coef"], ref.params[ref_names], rtol=1e-6)
    np.testing.assert_allclose(
        saved["model"]["intercept"], ref.params["Intercept"], rtol=1e-6
    )
    gt = saved["encoding"]["factors"]["I(gre > 600)"]["expr"]
    assert gt == {
        "op": "gt",
        "left": {"op": "column", "name": "gre"},
        "right": {"op": "number", "value": 600},
    }


def test_predict_and_summary_read_the_stored_comparison(workdir, capsys):
    smf = pytest.importorskip("statsmodels.formula.api")
    _fit(workdir, capsys)
    frame = pd.read_csv(UCLA)
    code, out, err = run_cli(capsys, ["predict", "m.json", UCLA, "-o", "-"])
    assert code == 0, err
    got = pd.read_csv(__import__("io").StringIO(out))["proba"].to_numpy()
    ref = smf.logit(FORMULA, frame).fit(disp=0, tol=1e-12).predict(frame)
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0, err
    assert "I(gre > 600)" in out and "I(rank == 1)" in out


def test_effects_of_stepped_variables_left_out_predictive_margins_given(
    workdir, capsys
):
    """gre and rank enter only through comparisons: their effects are left
    out, named; gpa's is statsmodels' get_margeff of its column (the
    comparisons' columns do not move with gpa)."""
    smf = pytest.importorskip("statsmodels.formula.api")
    _fit(workdir, capsys)
    code, out, err = run_cli(capsys, ["margins", "m.json", UCLA, "--json"])
    assert code == 0, err
    assert "the effects of 'gre', 'rank' are left out" in err, err
    assert "'I(gre > 600)' is a step in 'gre'" in err, err
    assert "--method pr --at-value gre=A,B" in err, err
    effects = {row["term"]: row for row in json.loads(out)["effects"]}
    assert list(effects) == ["gpa"]
    frame = pd.read_csv(UCLA)
    ref = smf.logit(FORMULA, frame).fit(disp=0, tol=1e-12).get_margeff()
    at = list(ref.results.model.exog_names[1:]).index("gpa")
    np.testing.assert_allclose(effects["gpa"]["effect"], ref.margeff[at], rtol=1e-6)
    np.testing.assert_allclose(
        effects["gpa"]["std_error"], ref.margeff_se[at], rtol=1e-5
    )
    only = "admit ~ I(gre > 600)"
    argv = ["fit", UCLA, "--formula", only, "-o", "one.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, _, err = run_cli(capsys, ["margins", "one.json", UCLA])
    assert code == 2 and "'I(gre > 600)' is a step in 'gre'" in err, err
    argv = ["margins", "m.json", UCLA, "--method", "pr", "--at-value",
            "gre=500,700", "--json"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    margins = [row["margin"] for row in json.loads(out)["margins"]]
    frame = pd.read_csv(UCLA)
    ref = smf.logit(FORMULA, frame).fit(disp=0, tol=1e-12)
    expected = [ref.predict(frame.assign(gre=g)).mean() for g in (500, 700)]
    np.testing.assert_allclose(margins, expected, rtol=1e-6)
