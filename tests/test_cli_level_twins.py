"""A text feature whose values differ only in case or spaces (``yes``,
``Yes``, ``yes ``) is one-hot encoded one level per spelling: the fit warns,
naming the spellings, in its output, its ``--json`` and the model file, as it
warns of a target's (it was silent, and a spelling of one row separated the
fit: "Quasi-complete separation: z = +1*b[T.Yes]", with nothing saying why)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import run_cli


def _fit(tmp_path, capsys, values):
    rng = np.random.default_rng(7)
    n = len(values)
    x = rng.normal(size=n).round(4)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x))).astype(int)
    pd.DataFrame({"x": x, "b": values, "y": y}).to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "m.json"
    args = ["fit", tmp_path / "d.csv", "-t", "y", "-o", out, "--json", "--penalty", "l2"]
    code, text, err = run_cli(capsys, args)
    assert code == 0, err
    return json.loads(text)["warnings"], json.loads(out.read_text())


def test_spellings_of_one_value_are_named(tmp_path, capsys):
    values = ["yes", "no"] * 100
    values[5], values[7] = "Yes", "yes "
    warnings, model = _fit(tmp_path, capsys, values)
    assert pd.Series(values).nunique() == 4  # four levels, as pandas counts them
    expected = (
        "column 'b': the levels 'Yes', 'yes', 'yes ' differ only in case or spaces, "
        "so each is a level of its own (a coefficient each); if they are one value, "
        "correct those values in the file"
    )
    assert expected in warnings
    assert expected in model["training"]["warnings"]


def test_distinct_levels_get_no_such_warning(tmp_path, capsys):
    warnings, _ = _fit(tmp_path, capsys, ["red", "green", "blue", "Red-ish"] * 50)
    assert not [w for w in warnings if "case or spaces" in w]
