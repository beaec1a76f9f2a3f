"""A model file keeps an infinite hyper-parameter (``C=inf``: an unpenalized
fit), and refuses a string in any other place."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression, ModelFormatError
from logistic import io as lio
from logistic._constraints import validate_params
from logistic._exceptions import InvalidParameterError
from logistic.io import _schema


def _ucla() -> tuple[np.ndarray, np.ndarray]:
    X, y, _ = logistic.datasets.load_ucla_admissions()
    return X, y


def _rewrite(path: Path, edit) -> None:
    """Edit a model file's JSON and recompute its checksum (a valid file)."""
    doc = json.loads(path.read_text())
    edit(doc["model"]["params"])
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


def test_c_inf_round_trip_refits_unpenalized(tmp_path):
    X, y = _ucla()
    model = LogisticRegression(penalty="l2", C=np.inf).fit(X, y)
    path = logistic.save(model, tmp_path / "m.json")
    loaded = lio.load(path)
    assert loaded.get_params()["C"] == math.inf
    assert loaded.get_params() == model.get_params()
    refit = LogisticRegression(**loaded.get_params()).fit(X, y)
    # the reference: the same data fitted with no penalty at all
    plain = LogisticRegression(penalty=None).fit(X, y)
    np.testing.assert_allclose(refit.coef_, plain.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(refit.coef_, model.coef_, rtol=1e-6, atol=1e-9)
    # C=1 (what a null C reads back as) gives other coefficients
    l2 = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    assert not np.allclose(l2.coef_, plain.coef_, rtol=1e-3)


def test_tol_inf_round_trip(tmp_path):
    X, y = _ucla()
    # admitted by tol's constraint: the fit stops at its start (the file holds
    # what the fit used, so the value is given to the fit, not set after it)
    model = LogisticRegression(tol=np.inf).fit(X, y)
    loaded = lio.load(logistic.save(model, tmp_path / "m.json"))
    assert loaded.get_params()["tol"] == math.inf


def test_infinite_params_are_exactly_those_whose_constraints_admit_inf():
    constraints = LogisticRegression._parameter_constraints
    admit = set()
    for key, allowed in constraints.items():
        try:
            validate_params("LogisticRegression", {key: math.inf}, {key: allowed})
        except InvalidParameterError:
            continue
        admit.add(key)
    assert admit == set(_schema._INF_PARAMS)


def test_null_c_of_an_older_file_still_loads(tmp_path):
    X, y = _ucla()
    model = LogisticRegression(penalty="l2", C=2.0).fit(X, y)
    path = logistic.save(model, tmp_path / "m.json")
    _rewrite(path, lambda p: p.update(C=None))
    assert lio.load(path).get_params()["C"] is None


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("alpha", "inf"),
        ("max_iter", "inf"),
        ("l1_ratio", "inf"),
        ("C", "Infinity"),
        ("C", "-inf"),
        ("C", "1e999"),
        ("C", "float('inf')"),
        ("C", " inf"),
        ("tol", "nan"),
    ],
)
def test_forged_string_parameter_is_refused(tmp_path, key, text):
    X, y = _ucla()
    path = logistic.save(LogisticRegression().fit(X, y), tmp_path / "m.json")
    _rewrite(path, lambda p: p.update({key: text}))
    with pytest.raises(ModelFormatError, match=f"model.params.{key}"):
        lio.load(path)
