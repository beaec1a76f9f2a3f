"""A formula longer than a model file holds is refused before the data are
read, naming --formula and the limit; a model file holding one names its
length.

Found by a security reviewer: ``logistic fit binary.csv --formula "admit ~
gre+gre+...+gre"`` (5000 terms, 20 007 characters) fitted, then failed to
save with ``model file m.json: field 'encoding.formula' must be the
formula's text on one line, without {...} blocks`` (exit 65): the fit was
lost, and the reason given was not the length. A column name past the
limit was refused as "must be a column name".
"""

from __future__ import annotations

import hashlib
import json

import pytest

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import ModelFormatError
from logistic.io import _canonical
from logistic.io._encoding import MAX_TEXT

UCLA = data_path("ucla-admissions", "binary.csv")


def test_a_formula_too_long_to_store_is_refused_first(tmp_path, capsys):
    formula = "admit ~ " + "+".join(["gre"] * 5000)
    assert len(formula) > MAX_TEXT
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", UCLA, "--formula", formula, "-o", out])
    assert code == 2, err
    assert f"is {len(formula)} characters long" in err and str(MAX_TEXT) in err
    assert "--formula" in err and not out.exists()


def test_a_model_file_names_the_formula_length(tmp_path, capsys):
    path = fit_ucla_model(tmp_path)
    capsys.readouterr()
    doc = json.loads(path.read_text())
    doc["encoding"]["formula"] = "admit ~ " + " + ".join(["gre"] * 3000)
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFormatError, match=r"encoding\.formula.*is \d+ characters long"):
        logistic.load(path)


def test_a_column_name_too_long_to_store_names_its_length(tmp_path, capsys):
    # the same reviewer: a CSV column of a 20 000-character name was refused
    # as "must be a column name, got 'ccc..."
    data = tmp_path / "d.csv"
    rows = [f"{i % 2},{i * 0.37 % 1:.3f}" for i in range(60)]
    data.write_text("y," + "c" * 20_000 + "\n" + "\n".join(rows) + "\n")
    code, _, err = run_cli(capsys, ["fit", data, "--target", "y", "-o", tmp_path / "m.json"])
    assert code == 65, err
    assert f"is a name of 20000 characters; at most {MAX_TEXT}" in err
