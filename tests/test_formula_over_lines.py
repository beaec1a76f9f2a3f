"""A formula written over several lines (a shell script's continuation, a
Python triple-quoted string), as R and patsy take it.

formulaic parses it and the fit ran to its end, then writing the model file
failed: "field 'encoding.formula' holds the control character '\\n' ...
Rename the column, recode the value or the file name", after the whole fit
and with a remedy that did not apply; ``logistic.save`` of
``tabular.fit_design``'s encoding failed the same way. The stored text is now
the formula on one line (the terms, not the text, rebuild the design).
Reference: statsmodels' ``smf.logit`` of the same formula.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import logistic
from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
FORMULA = "admit ~ gre +\n    gpa\t+ C(rank)"


def test_the_command_line_fits_and_stores_one_line(tmp_path, capsys):
    import statsmodels.formula.api as smf

    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", FORMULA, "-o", model])
    assert code == 0, err
    doc = json.loads(model.read_text())
    assert doc["encoding"]["formula"] == "admit ~ gre + gpa + C(rank)"
    ref = smf.logit(FORMULA, pd.read_csv(UCLA)).fit(disp=0).params
    np.testing.assert_allclose(np.ravel(doc["model"]["coef"])[:2], ref[["gre", "gpa"]], rtol=1e-6)


def test_fit_design_encoding_saves_and_loads(tmp_path):
    from logistic.tabular import apply_design, fit_design, read_data

    raw = read_data(str(UCLA))
    design = fit_design(raw, target=None, formula=FORMULA)
    model = logistic.LogisticRegression().fit(design.named_X(), design.y)
    path = tmp_path / "m.json"
    logistic.save(model, path, encoding=design.encoding)
    encoding = logistic.io.read_model_file(path).encoding
    again = apply_design(raw, encoding)
    np.testing.assert_array_equal(
        logistic.load(path).predict_proba(again.named_X()),
        model.predict_proba(design.named_X()),
    )
