"""Formula mistakes are named in the user's terms.

``--formula "~ x"`` said "cannot be parsed: 'SimpleFormula' object has no
attribute 'lhs'", an internal attribute; ``C(g, Treatment(reference='zz'))``
with no level ``zz`` gave formulaic's "Value `'zz'` for
`TreatmentContrasts.base` is not among the provided levels". They now say
that the target is missing, and which levels the column has.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import run_cli


def _data(path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=120), "g": rng.choice(["a", "b", "c"], 120),
         "y": rng.integers(0, 2, 120)}
    )
    frame.to_csv(path, index=False)


def test_a_formula_without_a_target(workdir, capsys):
    _data(workdir / "d.csv")
    code, out, err = run_cli(capsys, ["fit", "d.csv", "--formula", "~ x", "-o", "m.json"])
    assert code == 2, err
    assert "has no target on the left of '~'" in err and "lhs" not in err, err


def test_a_reference_level_that_the_column_lacks(workdir, capsys):
    _data(workdir / "d.csv")
    formula = "y ~ x + C(g, Treatment(reference='zz'))"
    code, out, err = run_cli(capsys, ["fit", "d.csv", "--formula", formula, "-o", "m.json"])
    assert code == 65, err
    assert "reference level 'zz' is not one of the column's levels ['a', 'b', 'c']" in err
    assert "TreatmentContrasts" not in err


def test_an_existing_reference_level_still_fits(workdir, capsys):
    _data(workdir / "d.csv")
    formula = "y ~ x + C(g, Treatment(reference='b'))"
    code, out, err = run_cli(capsys, ["fit", "d.csv", "--formula", formula, "-o", "m.json"])
    assert code == 0, err
    assert "[T.a]" in out and "[T.c]" in out


def test_a_syntax_error_names_the_text(workdir, capsys):
    """``y ~ __import__('os').system('echo hi')`` said only "invalid syntax
    (<unknown>, line 1)"; the text that is not a term is named (nothing runs)."""
    _data(workdir / "d.csv")
    formula = "y ~ __import__('os').system('echo hi')"
    code, out, err = run_cli(capsys, ["fit", "d.csv", "--formula", formula, "-o", "m.json"])
    assert code == 2, err
    assert "\".system('echo hi')\" is not a term (invalid syntax)" in err, err
