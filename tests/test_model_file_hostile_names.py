"""Hostile model files (checksum recomputed, as anyone can) whose name lists
repeat a name: refused when loading, naming the field, never an internal
error at predict.

Reproduction (a security reviewer's): ``logistic fit binary.csv --formula
'admit ~ gre + gpa + C(rank)' -o m.json``, then ``encoding.variables`` set
to ``["gre", "gpa", "rank", "rank"]`` with the checksum recomputed:
``logistic predict m.json binary.csv`` ended in ``internal error:
AttributeError: 'DataFrame' object has no attribute 'tolist'`` (exit 1)
instead of naming the field (exit 65).
"""

from __future__ import annotations

import hashlib
import json

import pytest

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import ModelFormatError
from logistic.io import _canonical

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def twice(tmp_path, capsys):
    path = fit_ucla_model(tmp_path)
    capsys.readouterr()
    doc = json.loads(path.read_text())
    assert doc["encoding"]["variables"] == ["gre", "gpa", "rank"]
    doc["encoding"]["variables"].append("rank")
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    return path


def test_a_formula_variable_listed_twice_is_refused_on_load(twice):
    with pytest.raises(ModelFormatError, match=r"encoding\.variables.*'rank' twice"):
        logistic.load(twice)


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_the_cli_names_the_field_not_an_internal_error(twice, tmp_path, capsys, command):
    args = [command, twice, UCLA]
    if command == "predict":
        args += ["-o", tmp_path / "p.csv"]
    code, _, err = run_cli(capsys, args)
    assert code == 65, err
    assert "internal error" not in err
    assert "encoding.variables" in err and str(twice) in err
    assert not (tmp_path / "p.csv").exists()
