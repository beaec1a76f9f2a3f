"""Inference on a model file whose ``model.fitted.tol`` is null, which the
schema accepts (a ``partial_fit`` stream's file holds it; streams get no
inference: tests/test_partial_fit_inference_refused.py): the default
tolerance bounds the check that the data are the training rows.

Reproduction (a security reviewer's): ``logistic margins`` on a CLI model file
whose ``model.fitted.tol`` was set to null (checksum recomputed) ended in
``internal error: TypeError`` (exit 1).
"""

from __future__ import annotations

import hashlib
import json

from conftest import data_path, fit_ucla_model, run_cli
from logistic.io import _canonical

UCLA = data_path("ucla-admissions", "binary.csv")


def test_margins_of_a_file_with_a_null_tolerance(tmp_path, capsys):
    path = fit_ucla_model(tmp_path)
    capsys.readouterr()
    code, expected, err = run_cli(capsys, ["margins", path, UCLA])
    assert code == 0, err
    doc = json.loads(path.read_text())
    doc["model"]["fitted"]["tol"] = None  # the schema's "number or null"
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    code, out, err = run_cli(capsys, ["margins", path, UCLA])
    assert code == 0, err
    assert out == expected
