"""A model file's ``covariance.matrix`` is checked at load: finite,
symmetric, with non-negative variances. A hand-edited file (its checksum
recomputed, as anyone can) must not load a negative variance (``summary``
would show a standard error of 0 and z = nan) or an asymmetric matrix; every
model the library writes still loads."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from conftest import data_path
from logistic import LogisticRegression
from logistic import io as lio
from logistic._exceptions import ModelFormatError, PerfectSeparationWarning
from logistic.cli.app import main
from logistic.tabular import fit_design, read_data


def _sealed(doc: dict, path) -> None:
    """Write ``doc`` with its checksum recomputed (sha256 of the canonical
    payload, the file format's definition)."""
    doc = {k: v for k, v in doc.items() if k != "checksum"}
    doc["checksum"] = {
        "algorithm": "sha256",
        "value": hashlib.sha256(lio._canonical(doc)).hexdigest(),
    }
    path.write_text(json.dumps(doc))


@pytest.fixture(scope="module", params=["columns", "firth", "multinomial"])
def written(request, tmp_path_factory):
    """A model file the library itself wrote, with a covariance."""
    directory = tmp_path_factory.mktemp("cov")
    out = directory / "m.json"
    if request.param == "multinomial":
        raw = read_data(data_path("iris", "iris.csv"))
        design = fit_design(
            raw, target="species", features=["sepal_width", "petal_width"]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            model = LogisticRegression().fit(design.X, design.y)
        lio.save(model, out, encoding=design.encoding)
    else:
        extra = ["--penalty", "firth"] if request.param == "firth" else []
        data = data_path("ucla-admissions", "binary.csv")
        assert (
            main(["fit", str(data), "-t", "admit", *extra, "-o", str(out), "-q"]) == 0
        )
    doc = json.loads(out.read_text())
    assert doc["covariance"] is not None
    return out, doc


def test_files_the_library_writes_load_with_their_covariance(written):
    out, doc = written
    lio.load(out)
    cov = np.array(doc["covariance"]["matrix"])
    assert np.array_equal(cov, cov.T)
    assert np.all(np.diag(cov) >= 0)


def test_negative_variance_is_refused_naming_the_entry(written, tmp_path):
    _, doc = written
    doc = json.loads(json.dumps(doc))
    doc["covariance"]["matrix"][1][1] = -0.3
    _sealed(doc, tmp_path / "neg.json")
    with pytest.raises(ModelFormatError) as err:
        lio.load(tmp_path / "neg.json")
    text = str(err.value)
    assert "covariance.matrix" in text
    assert "[1][1] = -0.3" in text
    assert ">= 0" in text


def test_asymmetric_matrix_is_refused_naming_both_entries(written, tmp_path):
    _, doc = written
    doc = json.loads(json.dumps(doc))
    m = doc["covariance"]["matrix"]
    m[0][1] = m[0][1] * 1.5 + 1e-3
    _sealed(doc, tmp_path / "asym.json")
    with pytest.raises(ModelFormatError) as err:
        lio.load(tmp_path / "asym.json")
    text = str(err.value)
    assert "covariance.matrix" in text and "not symmetric" in text
    assert f"[0][1] = {m[0][1]!r}" in text and f"[1][0] = {m[1][0]!r}" in text


def test_rounding_level_asymmetry_still_loads(written, tmp_path):
    """A file written by another tool may carry an inverse that is symmetric
    only to rounding: one ulp of asymmetry is accepted."""
    _, doc = written
    doc = json.loads(json.dumps(doc))
    m = doc["covariance"]["matrix"]
    m[0][1] = float(np.nextafter(m[0][1], np.inf))
    _sealed(doc, tmp_path / "ulp.json")
    lio.load(tmp_path / "ulp.json")


def test_cli_summary_refuses_negative_variance(tmp_path, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    out = tmp_path / "m.json"
    assert main(["fit", str(data), "-t", "admit", "-o", str(out), "-q"]) == 0
    doc = json.loads(out.read_text())
    doc["covariance"]["matrix"][2][2] = -1.0
    _sealed(doc, tmp_path / "neg.json")
    capsys.readouterr()
    assert main(["summary", str(tmp_path / "neg.json")]) == 65
    err = capsys.readouterr().err
    assert "covariance.matrix" in err and "[2][2] = -1.0" in err


def test_a_variance_negative_by_rounding_is_stored_as_zero(tmp_path):
    """A variance of -1e-18 beside variances of 1e-3 is rounding (inference
    clips it to 0): the covariance is kept with that variance 0, not dropped."""
    import logistic

    X, y, _ = logistic.datasets.load_ucla_admissions()
    model = LogisticRegression().fit(X, y)
    k = X.shape[1] + 1
    A = np.random.default_rng(0).standard_normal((k, k))
    V = A @ A.T * 1e-3
    V[2, :] = V[:, 2] = 0.0
    V[2, 2] = -1e-18
    names = ["Intercept", *(f"t{i}" for i in range(1, k))]  # labels but the intercept's
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either
        path = logistic.save(
            model, tmp_path / "m.json", covariance=V, covariance_names=names
        )
    stored = lio.read_model_file(path).covariance
    assert stored is not None and stored[2, 2] == 0.0
    np.testing.assert_array_equal(
        np.delete(np.delete(stored, 2, 0), 2, 1),
        np.delete(np.delete(0.5 * (V + V.T), 2, 0), 2, 1),
    )
    V[2, 2] = -1e-4  # clearly negative: not a covariance, and the save says so
    with pytest.warns(UserWarning, match=r"covariance not stored: its variance \[2\]"):
        path = logistic.save(
            model, tmp_path / "m2.json", covariance=V, covariance_names=names
        )
    assert lio.read_model_file(path).covariance is None


def test_older_writers_unsymmetrized_covariance_loads_as_its_mean():
    """A 3-class iris fit saved by commit 307be620 (``logistic.save`` of
    ``LogisticRegression().fit(iris X, species)``: a nearly separated fit),
    whose writer stored the inverse information as computed, 1.03e-4 away from
    symmetric (relative to sqrt(V[i][i] V[j][j])): it loaded there and loads
    here, its covariance read as the mean of V and V^T (what a file written
    now holds), its coefficients bit for bit. It was refused as 'edited or
    damaged'."""
    path = (
        Path(__file__).parent
        / "fixtures"
        / "iris_multinomial_unsymmetric_cov_307be620.json"
    )
    doc = json.loads(path.read_text())
    stored = np.array(doc["covariance"]["matrix"], dtype=float)
    assert not np.array_equal(stored, stored.T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = lio.load(path)
        cov = lio.read_model_file(path).covariance
    assert np.array_equal(cov, cov.T)
    assert np.array_equal(cov, stored / 2 + stored.T / 2)
    assert np.array_equal(np.diag(cov), np.diag(stored))
    assert np.array_equal(model.coef_, np.array(doc["model"]["coef"], dtype=float))
    assert np.array_equal(model.intercept_, np.array(doc["model"]["intercept"]))
