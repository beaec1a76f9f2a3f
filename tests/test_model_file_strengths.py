"""A model file's penalty settings and fitted strengths must agree.

A file whose ``model.params.penalty`` was changed to ``"l2"`` (C = 1, the
default) while its fitted strengths stayed 0 loaded, and ``logistic
summary`` said "PENALIZED estimates ... No standard errors" above a table of
standard errors: the settings say shrunk, the strengths and the covariance
say maximum likelihood. Such a file is refused at load, naming the fields.
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression
from logistic._exceptions import ModelFormatError
from logistic.io import _schema


def _saved(tmp_path, **params):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    path = tmp_path / "m.json"
    logistic.save(LogisticRegression(**params).fit(X, y), path)
    return path


def _rewrite(path, edit) -> None:
    doc = json.loads(path.read_text())
    edit(doc["model"])
    doc["checksum"]["value"] = hashlib.sha256(_schema._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    "saved, edit",
    [
        ({"penalty": None}, lambda m: m["params"].update(penalty="l2")),
        ({"penalty": None}, lambda m: m["fitted"].update(penalty_l2=0.25)),
        ({"penalty": "l2"}, lambda m: m["fitted"].update(penalty_l2=0.0)),
        ({"penalty": "l2"}, lambda m: m["fitted"].update(penalty_l2=-1.0)),
        ({"penalty": "firth"}, lambda m: m["fitted"].update(penalty_l1=0.5)),
    ],
    ids=["l2-settings-on-an-mle", "strength-without-penalty", "l2-without-strength",
         "negative", "firth-with-strength"],  # fmt: skip
)
def test_settings_and_strengths_that_disagree_are_refused(tmp_path, saved, edit):
    path = _saved(tmp_path, **saved)
    logistic.load(path)  # as written, it loads
    _rewrite(path, edit)
    with pytest.raises(ModelFormatError, match=r"model\.fitted\.penalty_l1"):
        logistic.load(path)


def test_c_inf_fits_no_penalty_and_loads(tmp_path):
    path = _saved(tmp_path, penalty="l2", C=np.inf)
    model = logistic.load(path)
    assert model.penalty_l2_ == 0.0
    assert np.all(np.isfinite(model.inference().bse))  # the MLE's standard errors


def test_files_of_earlier_settings_and_extreme_strengths_load(tmp_path):
    """Files written before alpha defaulted to None record alpha = 0 beside the
    C that set the strength; a C so large that 1/(C·Σs) rounds to 0 (or an
    alpha that underflows in an elastic net's shares) fits no penalty in
    floating point. The library wrote both: they load."""
    path = _saved(tmp_path, penalty="l2", C=1.0)
    _rewrite(path, lambda m: m["params"].update(alpha=0.0))
    assert logistic.load(path).penalty_l2_ > 0
    for params in ({"penalty": "l2", "C": 1e308},
                   {"penalty": "elasticnet", "alpha": 5e-324, "l1_ratio": 0.5}):  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            path = _saved(tmp_path, **params)
        assert logistic.load(path).penalty_l2_ == 0.0
    X, y, _ = logistic.datasets.load_ucla_admissions()  # C·Σs beyond float64
    heavy = LogisticRegression(penalty="l2", C=1e290).fit(X, y, sample_weight=np.full(400, 1e17))
    logistic.save(heavy, tmp_path / "h.json")
    assert logistic.load(tmp_path / "h.json").penalty_l2_ == 0.0
