"""``C(x, Treatment(ref))`` whose ``ref`` is of another type than the levels.

The reference check took a level that only *prints* like ``ref`` as a match
(``Treatment('3')`` of the numbers 1-4, ``Treatment(2)`` of the text levels
``'1'``, ``'2'``, ``'x'``), so formulaic, which compares with ``==``, then
failed with its own "Value `'3'` for `TreatmentContrasts.base` is not among
the provided levels", naming neither the column's levels nor the spelling
that works; and ``Treatment(3.0)`` of the numbers 1-4, which formulaic and
patsy take (``3.0 == 3``), was refused. Now numbers match numbers by value,
and a level that only prints the same is refused naming how to write it.
Reference values: statsmodels' ``smf.logit`` with ``C(rank, Treatment(3))``
on the UCLA admissions data.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


def test_a_text_reference_of_number_levels_names_the_number(tmp_path, capsys):
    formula = "admit ~ gre + gpa + C(rank, Treatment('3'))"
    code, _, err = run_cli(
        capsys, ["fit", UCLA, "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert "reference level '3' is not one of the column's levels [1, 2, 3, 4]" in err
    assert "write Treatment(3)" in err
    assert "TreatmentContrasts" not in err


def test_a_number_reference_of_text_levels_names_the_text(tmp_path, capsys):
    frame = pd.read_csv(UCLA)
    frame["rank"] = frame["rank"].astype(str)
    frame.loc[0, "rank"] = "x"  # text levels '1' ... '4', 'x'
    frame.to_csv(tmp_path / "d.csv", index=False)
    formula = "admit ~ gre + C(rank, Treatment(2))"
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.csv", "--formula", formula, "-o", tmp_path / "m.json"]
    )
    assert code == 65, err
    assert "reference level 2 is not one of the column's levels" in err
    assert "the level '2' is text: write Treatment('2')" in err
    assert "TreatmentContrasts" not in err


def test_a_float_reference_of_integer_levels_is_that_level(tmp_path, capsys):
    import statsmodels.formula.api as smf

    model = tmp_path / "m.json"
    formula = "admit ~ gre + gpa + C(rank, Treatment(3.0))"
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", model])
    assert code == 0, err
    ref = smf.logit("admit ~ gre + gpa + C(rank, Treatment(3))", pd.read_csv(UCLA))
    params = ref.fit(disp=0).params
    doc = json.loads(model.read_text())
    names = doc["model"]["feature_names"]
    assert names[2:] == [f"C(rank, Treatment(3.0))[T.{k}]" for k in (1, 2, 4)]
    coef = np.asarray(doc["model"]["coef"], dtype=float).ravel()
    expected = [params["gre"], params["gpa"]] + [
        params[f"C(rank, Treatment(3))[T.{k}]"] for k in (1, 2, 4)
    ]
    np.testing.assert_allclose(coef, expected, rtol=1e-6)
