"""Comparisons in formulas (``I(sepal_length > 5.8)``) in the commands
around a fit: what ``margins`` refuses and the remedy it names, which must
be one the model takes.
"""

from __future__ import annotations

from conftest import data_path, run_cli

IRIS = data_path("iris", "iris.csv")


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
