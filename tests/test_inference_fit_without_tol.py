"""Inference on a model that records no stopping tolerance: a ``partial_fit``
stream (``tol_`` NaN in memory, null in its model file) or a model file whose
``model.fitted.tol`` is null, which the schema accepts.

Reproduction (a security reviewer's): a model from ``partial_fit`` saved
with ``logistic.save`` and read back with ``logistic.load``, then
``model.inference(X, y)``: ``TypeError: float() argument must be a string or
a real number, not 'NoneType'``; the model in memory was refused with the
limit printed as ``> nan``. ``logistic margins`` on a CLI model file whose
``model.fitted.tol`` was set to null (checksum recomputed) ended in
``internal error: TypeError`` (exit 1).
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pytest

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import LogisticRegression
from logistic.inference._checks import NotTrainingDataError
from logistic.io import _canonical

UCLA = data_path("ucla-admissions", "binary.csv")


def _stream(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 2))
    y = (X[:, 0] + rng.standard_normal(500) > 0).astype(int)
    model = LogisticRegression()
    for rows in np.array_split(np.arange(500), 5):
        model.partial_fit(X[rows], y[rows], classes=[0, 1])
    path = tmp_path / "stream.json"
    logistic.save(model, path)
    assert json.loads(path.read_text())["model"]["fitted"]["tol"] is None
    return model, logistic.load(path), X, y


def test_a_stream_is_refused_alike_in_memory_and_from_its_file(tmp_path):
    model, loaded, X, y = _stream(tmp_path)
    for m in (model, loaded):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(NotTrainingDataError, match=r"max-norm \S+ > (?!nan)\d"):
                m.inference(X, y)


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
