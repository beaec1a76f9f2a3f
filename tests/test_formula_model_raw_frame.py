"""A model that ``logistic fit --formula`` wrote, loaded in Python, given the
data's raw columns.

Its features are the formula's design columns (``C(rank)[T.2]``, ...), which
``predict`` and ``inference`` do not build. Given the raw DataFrame, the error
must say that the model came from a formula, which design columns X lacks and
how to build them, not only scikit-learn's "feature names should match" or
"X has 4 features, but the model was fitted with 5". The remedy the message
names is checked to give statsmodels' predictions of the same formula
(``smf.logit("admit ~ gre + gpa + C(rank)")``, the reference).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path, fit_ucla_model

UCLA = data_path("ucla-admissions", "binary.csv")
FORMULA = "admit ~ gre + gpa + C(rank)"


@pytest.fixture
def model_file(workdir, capsys):
    path = fit_ucla_model(workdir)  # FORMULA's fit
    capsys.readouterr()  # its summary, not the tests' output
    return path


def _says_formula(info):
    text = str(info.value)
    assert f'--formula "{FORMULA}"' in text, text
    assert "'C(rank)[T.2]'" in text and "logistic.tabular.apply_design" in text, text
    assert "columns=d.feature_names" in text, text


def test_raw_columns_are_refused_naming_the_formula(model_file):
    model = logistic.load(model_file)
    frame = pd.read_csv(UCLA)
    with pytest.raises(logistic.DataValidationError) as info:
        model.predict_proba(frame[["gre", "gpa", "rank"]])
    _says_formula(info)
    with pytest.raises(logistic.DataValidationError) as info:
        model.inference(frame[["gre", "gpa", "rank"]], frame["admit"])
    _says_formula(info)


def test_the_named_remedy_gives_statsmodels_predictions(model_file):
    smf = pytest.importorskip("statsmodels.formula.api")
    from logistic.io import read_model_file
    from logistic.tabular import apply_design, read_data

    model = logistic.load(model_file)
    encoding = read_model_file(model_file).encoding
    design = apply_design(read_data(UCLA), encoding)
    X = pd.DataFrame(design.X, columns=design.feature_names)
    frame = pd.read_csv(UCLA)
    reference = smf.logit(FORMULA, frame).fit(disp=0).predict(frame)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], reference, rtol=1e-7)
