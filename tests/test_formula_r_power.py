"""R's power ``I(x^2)`` in a formula is answered with ``I(x**2)``.

In R (``?formula``, ``?I``) ``I(gpa^2)`` is the square of gpa; in the Python
expression a formula term is read as, ``^`` is exclusive or. The refusal
named the operator ("BitXor") and the allowed ones; it now gives the
spelling, which is checked to be the square: the fit equals statsmodels'
``smf.logit("admit ~ gre + I(gpa**2)")``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


def test_r_power_names_python_power(workdir, capsys):
    argv = ["fit", UCLA, "--formula", "admit ~ gre + I(gpa^2)", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 2, err
    assert "R's I(x^2) is I(x**2)" in err, err


def test_the_spelling_named_is_the_square(workdir, capsys):
    smf = pytest.importorskip("statsmodels.formula.api")
    formula = "admit ~ gre + I(gpa**2)"
    argv = ["fit", UCLA, "--formula", formula, "-o", "m.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    coef = json.loads((workdir / "m.json").read_text())["model"]["coef"]
    ref = smf.logit(formula, pd.read_csv(UCLA)).fit(disp=0).params
    np.testing.assert_allclose(coef, ref.iloc[1:], rtol=1e-6)
