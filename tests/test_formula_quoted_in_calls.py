"""Backquoted column names inside formula functions and ``I()``.

``np.log1p(`inc$`)`` and ``I(`âge`**2)`` were "not valid syntax" (formulaic
reads them), so a column whose name is not a Python name could not be
transformed. The fit equals the same formula on renamed columns, and the
model file predicts as the fit did.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic.io._terms import TermError, parse_factor


def test_parse_maps_quoted_names_back():
    spec = parse_factor("np.log1p(`inc$`) ")
    assert spec["expr"] == {"op": "log1p", "arg": {"op": "column", "name": "inc$"}}
    spec = parse_factor("center(`âge x`)")
    assert spec["expr"]["arg"] == {"op": "column", "name": "âge x"}
    assert spec["expr"]["source"] == "center(`âge x`)"
    assert parse_factor("C(`w c`)") == {"kind": "categorical", "column": "w c", "levels": None}
    with pytest.raises(TermError, match="not valid syntax"):
        parse_factor("np.log(`inc$)")


def test_fit_equals_the_renamed_columns_fit(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 300
    d = pd.DataFrame({"inc$": rng.uniform(1, 50, n), "âge": rng.uniform(20, 60, n)})
    d["y"] = (rng.random(n) < 1 / (1 + np.exp(-(np.log1p(d["inc$"]) - 0.001 * d["âge"] ** 2)))).astype(int)
    odd, plain = tmp_path / "odd.csv", tmp_path / "plain.csv"
    d.to_csv(odd, index=False)
    d.rename(columns={"inc$": "inc", "âge": "age"}).to_csv(plain, index=False)
    runs = {}
    for path, formula in (
        (odd, "y ~ np.log1p(`inc$`) + I(`âge`**2) + center(`inc$`)"),
        (plain, "y ~ np.log1p(inc) + I(age**2) + center(inc)"),
    ):
        out = tmp_path / (path.stem + ".json")
        code, _, err = run_cli(capsys, ["fit", path, "--formula", formula, "-o", out, "-q"])
        assert code == 0, err
        runs[path.stem] = json.loads(out.read_text())["model"]
        code, printed, err = run_cli(capsys, ["predict", out, path, "-o", "-", "-q"])
        assert code == 0, err
        runs[path.stem + "_proba"] = pd.read_csv(io.StringIO(printed))["proba"].to_numpy()
    np.testing.assert_allclose(runs["odd"]["coef"], runs["plain"]["coef"], rtol=1e-10)
    np.testing.assert_allclose(runs["odd_proba"], runs["plain_proba"], rtol=1e-10)
