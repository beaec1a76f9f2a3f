"""Every reader of a model file reads ``training.fit_statistics.centred``
(format 1.6, ``io._centred``) as :func:`logistic.load` does.

The field was checked only where ``load`` rebuilt a binary model's fit
statistics: ``read_model_file`` (what the command line reads) took a
damaged field of a Firth fit as it was, so ``logistic predict`` of a file
that ``load`` refuses printed predictions (exit 0); and a K-class file, or
one without a covariance, loaded with any value there (``"garbage"``), and
a binary one wrote it back on a re-save as a file of format 1.6.

The reference for each refused file is :func:`logistic.load`'s refusal of
it, and the model it was edited from is a Firth fit on a column 3e9 from 0
(``tests/test_model_file_centred.py``, whose covariance statsmodels and
numpy-centred refits check there).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression, ModelFormatError, load, save
from logistic.io import read_model_file
from test_firth_centred import _data
from test_model_file_fuzz import _sealed

pytestmark = pytest.mark.filterwarnings(
    "ignore:60 rows have non-integer sample weights"
)

FIELD = "training.fit_statistics.centred"


@pytest.fixture(scope="module")
def firth(tmp_path_factory):
    """A plain Firth fit (no FLIC or FLAC: the command line builds its
    statistics for those only) on named columns, its file, and its rows."""
    X, y, w, offset, _ = _data(1e8, seed=5)
    X = pd.DataFrame(X + np.array([-3e9, 0.0]), columns=["x1", "x2"])
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, offset=offset
    )
    directory = tmp_path_factory.mktemp("readers")
    save(model, directory / "m.json")
    X.to_csv(directory / "X.csv", index=False)
    return json.loads((directory / "m.json").read_text()), directory / "X.csv"


def _write(doc, path):
    path.write_bytes(_sealed(doc))
    return path


def _doubled(doc):
    """The field's ``hessian`` doubled: a field of another fit's covariance."""
    doc = json.loads(json.dumps(doc))
    field = doc["training"]["fit_statistics"]["centred"]
    field["hessian"] = [[2 * v for v in row] for row in field["hessian"]]
    return doc


def test_read_model_file_refuses_what_load_refuses(firth, tmp_path):
    path = _write(_doubled(firth[0]), tmp_path / "bad.json")
    with pytest.raises(ModelFormatError, match="centred' gives the covariance entry"):
        load(path)
    with pytest.raises(ModelFormatError, match="centred' gives the covariance entry"):
        read_model_file(path)


@pytest.mark.parametrize("command", ["predict", "summary"])
def test_the_cli_refuses_a_damaged_field_of_a_firth_fit(
    firth, tmp_path, capsys, command
):
    doc, data = firth
    path = _write(_doubled(doc), tmp_path / "bad.json")
    args = [command, path] + ([data] if command == "predict" else [])
    code, _, err = run_cli(capsys, args)
    assert code == 65 and FIELD in err, (code, err)
    # the file as saved: the same commands read it
    code, _, err = run_cli(
        capsys, [command, _write(doc, tmp_path / "m.json")] + args[2:]
    )
    assert code == 0, err


def test_the_field_without_a_covariance_is_refused(firth, tmp_path):
    doc = json.loads(json.dumps(firth[0]))
    doc["covariance"] = None
    path = _write(doc, tmp_path / "no_cov.json")
    with pytest.raises(
        ModelFormatError, match=f"'{FIELD}' is given, but the file holds no binary"
    ):
        load(path)
    del doc["training"]["fit_statistics"]["centred"]
    assert load(_write(doc, path)).coef_.shape == (1, 2)  # loads without it


def test_the_field_in_a_k_class_file_is_refused(firth, tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(90, 2)), np.repeat([0, 1, 2], 30)
    save(LogisticRegression().fit(X, y), tmp_path / "k.json")
    doc = json.loads((tmp_path / "k.json").read_text())
    doc["format_version"] = "1.6"
    doc["training"]["fit_statistics"]["centred"] = "garbage"
    with pytest.raises(
        ModelFormatError, match=f"'{FIELD}' is given, but the file holds no binary"
    ):
        load(_write(doc, tmp_path / "k.json"))


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_a_fit_whose_covariance_is_not_written_writes_no_field(tmp_path):
    # columns at 1e-200 scale: the slopes' variances overflow float64 (about
    # 1e400), so the file keeps no covariance; the field beside none would
    # be refused on load, so it is not written
    X, y, _, _, raw = _data(0.0, seed=5)
    X = raw * 1e-200 + np.array([-3e-191, 0.0])
    model = LogisticRegression(penalty="firth").fit(X, y)
    save(model, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["covariance"] is None
    assert "centred" not in doc["training"].get("fit_statistics", {})
    assert doc["format_version"] == "1.1"  # a Firth file as before the field
    np.testing.assert_array_equal(load(tmp_path / "m.json").coef_, model.coef_)
