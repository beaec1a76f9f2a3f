"""Hypotheses on terms whose printed names hold ``=`` or ``,``: a comparison
in a formula (``I(gre >= 600)``, ``I(rank == 1)``, ``I(rank != 4)``) and a
reference level (``C(rank, Treatment(4))[T.1]``) are written as printed,
without backticks. References: the restriction matrices by definition, and
statsmodels' ``wald_test`` of the same restrictions on ``smf.logit`` fits.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic.inference import parse_constraints

UCLA = data_path("ucla-admissions", "binary.csv")
NAMES = ["Intercept", "I(gre >= 600)", "I(rank == 1)", "I(rank != 4)", "gpa"]


@pytest.mark.parametrize(
    ("text", "rows", "rhs"),
    [
        ("I(gre >= 600) = 0", [[0, 1, 0, 0, 0]], [0]),
        ("I(rank == 1) = I(rank != 4)", [[0, 0, 1, -1, 0]], [0]),
        ("I(rank == 1) - 2*I(rank != 4) = 1", [[0, 0, 1, -2, 0]], [1]),
        (
            "I(gre >= 600) = I(rank == 1) = 0",
            [[0, 1, -1, 0, 0], [0, 0, 1, 0, 0]],
            [0, 0],
        ),
        ("I(gre >= 600), gpa = 0.5", [[0, 1, 0, 0, 0], [0, 0, 0, 0, 1]], [0, 0.5]),
    ],
)
def test_names_holding_equals_signs_are_read_as_printed(text, rows, rhs):
    R, q = parse_constraints(text, NAMES)
    np.testing.assert_array_equal(R, rows)
    np.testing.assert_array_equal(q, rhs)


def test_a_double_equals_sign_between_sides_is_still_refused():
    with pytest.raises(ValueError, match="not '=='"):
        parse_constraints("I(gre >= 600) == 0", NAMES)


def test_names_holding_commas_are_read_as_printed():
    names = ["Intercept", "C(rank, Treatment(4))[T.1]", "C(rank, Treatment(4))[T.2]"]
    R, q = parse_constraints(
        "C(rank, Treatment(4))[T.1] = C(rank, Treatment(4))[T.2], "
        "C(rank, Treatment(4))[T.2] = 0",
        names,
    )
    np.testing.assert_array_equal(R, [[0, 1, -1], [0, 0, 1]])
    np.testing.assert_array_equal(q, [0, 0])


@pytest.mark.parametrize(
    ("formula", "hypothesis", "restriction"),
    [
        (
            "admit ~ I(gre >= 600) + I(rank == 1) + I(rank != 4) + gpa",
            "I(rank == 1) = I(rank != 4), I(gre >= 600) = 0",
            "I(rank == 1)[T.True] = I(rank != 4)[T.True], I(gre >= 600)[T.True] = 0",
        ),
        (
            "admit ~ C(rank, Treatment(4)) + gpa",
            "C(rank, Treatment(4))[T.1] = C(rank, Treatment(4))[T.2]",
            None,
        ),
    ],
)
def test_cli_wald_test_equals_statsmodels(
    workdir, capsys, formula, hypothesis, restriction
):
    smf = pytest.importorskip("statsmodels.formula.api")
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "--formula", formula, "-o", "m.json", "-q"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["test", "m.json", hypothesis, "--json"])
    assert code == 0, err
    got = json.loads(out)
    ref = smf.logit(formula, pd.read_csv(UCLA)).fit(disp=0, tol=1e-12)
    names = list(ref.params.index)
    if restriction is None:  # patsy's constraint text cannot hold the comma either
        R = np.zeros((1, len(names)))
        R[0, names.index("C(rank, Treatment(4))[T.1]")] = 1
        R[0, names.index("C(rank, Treatment(4))[T.2]")] = -1
        wald = ref.wald_test(R, scalar=True)
    else:
        wald = ref.wald_test(restriction, scalar=True)
    assert got["df"] == int(wald.df_denom)
    np.testing.assert_allclose(got["statistic"], wald.statistic, rtol=1e-6)
