"""Comparisons in formulas (``I(sepal_length > 5.8)``) in the commands
around a fit: what ``fit`` and ``margins`` refuse and the remedy they name,
which must be one the command takes.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

IRIS = data_path("iris", "iris.csv")
UCLA = data_path("ucla-admissions", "binary.csv")


def test_k_class_effects_refusal_names_a_remedy_the_model_takes(workdir, capsys):
    formula = "species ~ I(sepal_length > 5.8)"
    code, _, err = run_cli(
        capsys, ["fit", IRIS, "--formula", formula, "-o", "k.json", "-q"]
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, ["margins", "k.json", IRIS])
    assert code == 2
    assert "is a step in 'sepal_length'" in err, err
    # the remedy named is one a K-class model takes (run below)
    assert "--method pr --at-value sepal_length=A,B" in err, err
    # beside another variable: its effects, the stepped one left out and named
    formula = "species ~ I(sepal_length > 5.8) + sepal_width"
    argv = ["fit", IRIS, "--formula", formula, "-o", "k2.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["margins", "k2.json", IRIS, "--json"])
    assert code == 0, err
    assert "the effects of 'sepal_length' are left out" in err, err
    assert "--method pr --at-value sepal_length=A,B" in err, err
    terms = {row["term"] for row in json.loads(out)["effects"]}
    assert any("sepal_width" in t for t in terms) and not any(
        "sepal_length" in t for t in terms
    ), terms
    argv = [
        "margins",
        "k.json",
        IRIS,
        "--method",
        "pr",
        "--at-value",
        "sepal_length=5,6",
    ]
    code, out, err = run_cli(capsys, argv + ["--json"])
    assert code == 0, err
    rows = json.loads(out)["margins"]
    # every class at each of the two points, each point's probabilities summing to 1
    assert len(rows) == 6
    for point in (5.0, 6.0):
        total = sum(r["margin"] for r in rows if r["at"]["sepal_length"] == point)
        assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    ("formula", "suggested"),
    [
        ("admit ~ gre > 600", "I(gre > 600)"),
        ("admit ~ gpa + rank == 1", "I(rank == 1)"),
        ("admit ~ gre >= 600 + gpa", "I(gre >= 600)"),
    ],
)
def test_a_comparison_outside_i_names_its_i_spelling(
    workdir, capsys, formula, suggested
):
    """R reads ``admit ~ gre > 600`` as a logical term; formulaic's parser
    has no operator '>', and the refusal names the spelling it takes, which
    fits."""
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])
    assert code == 2
    assert "Unknown operator" in err and f"(e.g. {suggested})" in err, err
    argv = ["fit", UCLA, "--formula", f"admit ~ {suggested}", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


@pytest.mark.parametrize(
    "formula",
    [
        "admit ~ I((gre > 600) + (gpa > 3.5))",  # formulaic: a logical or
        "admit ~ I(-(gre > 600))",  # formulaic: a logical not
        "admit ~ I((gre > 600) - (gpa > 3.5))",  # formulaic: numpy's TypeError
    ],
)
def test_arithmetic_on_two_comparisons_names_the_number_spelling(
    workdir, capsys, formula
):
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json"])
    assert code == 65, err
    assert "multiply a comparison by 1 (1*(x > 3))" in err, err


def test_the_number_spelling_fits_as_statsmodels(workdir, capsys):
    """The remedy named above: a count of two comparisons, as patsy computes
    ``1*(gre > 600) + (gpa > 3.5)`` (numbers, 0 to 2) for smf.logit."""
    smf = pytest.importorskip("statsmodels.formula.api")
    formula = "admit ~ I(1*(gre > 600) + (gpa > 3.5)) + I(-1*(rank == 1))"
    argv = ["fit", UCLA, "--formula", formula, "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    saved = json.loads((workdir / "m.json").read_text())["model"]
    ref = smf.logit(formula, pd.read_csv(UCLA)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(saved["coef"], ref.params.iloc[1:], rtol=1e-6)
    np.testing.assert_allclose(saved["intercept"], ref.params.iloc[0], rtol=1e-6)
