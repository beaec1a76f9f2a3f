"""A Parquet column of categories (a pandas ``Categorical`` or an R factor,
stored as an Arrow dictionary in its category order) takes its first category
as the reference level, with or without a formula.

``logistic fit data.parquet -t low`` sorted the levels as text, reference
'black', while ``--formula "low ~ ... + C(race)"`` on the same file (formulaic
reads the categories) and the DataFrame encoding of ``pd.read_parquet`` took
the category order, reference 'white'. The reference: statsmodels'
``smf.logit`` with ``C(race, Treatment('white'))``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")


@pytest.fixture
def parquet(workdir):
    pytest.importorskip("pyarrow")
    frame = pd.read_csv(LBW)[["low", "age", "lwt", "race", "smoke"]]
    frame["race"] = pd.Categorical(
        frame["race"].map({1: "white", 2: "black", 3: "other"}),
        categories=["white", "black", "other"],
    )
    frame.to_parquet(workdir / "d.parquet")
    return frame


def _coefficients(workdir, capsys, *options):
    argv = ["fit", "d.parquet", *options, "-o", "m.json", "-q", "--force"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    model = json.loads((workdir / "m.json").read_text())
    return dict(zip(model["encoding"]["feature_names"], model["model"]["coef"], strict=True))


def test_parquet_categories_keep_their_order(workdir, capsys, parquet):
    smf = pytest.importorskip("statsmodels.formula.api")
    columns = _coefficients(workdir, capsys, "-t", "low")
    assert [n for n in columns if n.startswith("race")] == ["race[T.black]", "race[T.other]"]
    formula = _coefficients(workdir, capsys, "--formula", "low ~ age + lwt + C(race) + smoke")
    ref = smf.logit("low ~ age + lwt + C(race, Treatment('white')) + smoke", parquet)
    params = ref.fit(disp=0).params
    for level in ("black", "other"):
        expected = params[f"C(race, Treatment('white'))[T.{level}]"]
        np.testing.assert_allclose(columns[f"race[T.{level}]"], expected, rtol=1e-6)
        np.testing.assert_allclose(formula[f"C(race)[T.{level}]"], expected, rtol=1e-6)
