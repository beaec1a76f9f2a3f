"""Comparisons in formulas (``I(sepal_length > 5.8)``) in the commands
around a fit: what ``fit`` and ``margins`` refuse and the remedy they name,
which must be one the command takes.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

IRIS = data_path("iris", "iris.csv")
UCLA = data_path("ucla-admissions", "binary.csv")


def test_k_class_effects_refusal_names_a_remedy_the_model_takes(workdir, capsys):
    formula = "species ~ I(sepal_length > 5.8) + sepal_width"
    code, _, err = run_cli(
        capsys, ["fit", IRIS, "--formula", formula, "-o", "k.json", "-q"]
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, ["margins", "k.json", IRIS])
    assert code == 2
    assert "is a step in 'sepal_length'" in err, err
    assert "--method pr" not in err, err  # refused for K classes (below)
    assert "predict on the rows with 'sepal_length' set to each value" in err, err
    argv = [
        "margins",
        "k.json",
        IRIS,
        "--method",
        "pr",
        "--at-value",
        "sepal_length=5,6",
    ]
    code, _, err = run_cli(capsys, argv)
    assert code == 2 and "applies to two-class models" in err, err


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
