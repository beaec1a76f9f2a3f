"""A model file's dtypes of the other byte order (``"coef_dtype": ">f8"``,
``"classes": {"dtype": ">i8"}``, as ``dtype.str`` spells them on a
big-endian machine) load as this machine's: the numbers are decimal text,
so the file is valid, and no loaded array is big-endian
(``io._fields.native_dtype``). Spellings that are no dtype are refused
naming the field, where ``np.dtype`` raised a bare TypeError.

Reference: UCLA's admissions logit in R, ``glm(admit ~ gre + gpa +
factor(rank), family = binomial)`` (stats.oarc.ucla.edu/r/dae/logit-regression):
intercept -3.989979, gre 0.002264, gpa 0.804038, rank2 -0.675443,
rank3 -1.340204, rank4 -1.551464; and the decimal numbers of the file as
``json`` reads them.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import logistic
from conftest import rewrite_model_file
from logistic import ModelFormatError

R_COEF = [0.002264, 0.804038, -0.675443, -1.340204, -1.551464]
R_INTERCEPT = -3.989979


@pytest.fixture
def ucla_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    X, y, _ = logistic.datasets.load_ucla_admissions()
    model = logistic.LogisticRegression(penalty=None, tol=1e-10).fit(X, y.astype(int))
    return logistic.save(model, tmp_path / "little.json"), X


def _big_endian(doc):
    doc["model"]["coef_dtype"] = ">f8"
    doc["model"]["classes"]["dtype"] = ">i8"


def test_a_big_endian_file_loads_in_native_byte_order(ucla_file, tmp_path):
    path, X = ucla_file
    big = tmp_path / "big.json"
    big.write_bytes(path.read_bytes())
    rewrite_model_file(big, _big_endian)
    doc = json.loads(big.read_text())
    assert doc["model"]["coef_dtype"] == ">f8"  # the edit is in the file
    model = logistic.load(big)
    for array in (model.coef_, model.intercept_, model.classes_):
        assert array.dtype.isnative, array.dtype
    assert model.coef_.dtype == np.float64 and model.classes_.dtype == np.int64
    assert model.classes_.tolist() == [0, 1]
    # the file's decimal numbers, bit for bit, and R's fit to its 6 decimals
    assert np.array_equal(model.coef_.ravel(), np.array(doc["model"]["coef"]))
    np.testing.assert_allclose(model.coef_.ravel(), R_COEF, rtol=0, atol=5e-6)
    np.testing.assert_allclose(model.intercept_, [R_INTERCEPT], rtol=0, atol=5e-6)
    little = logistic.load(path)
    assert np.array_equal(model.predict_proba(X), little.predict_proba(X))
    assert model.predict(X).dtype.isnative


def test_a_big_endian_file_saves_again_as_this_machines_file(ucla_file, tmp_path):
    path, _ = ucla_file
    big = tmp_path / "big.json"
    big.write_bytes(path.read_bytes())
    rewrite_model_file(big, _big_endian)
    again = logistic.save(logistic.load(big), tmp_path / "again.json")
    once = logistic.save(logistic.load(path), tmp_path / "once.json")
    assert again.read_bytes() == once.read_bytes()
    native = np.dtype(np.float64).str  # '<f8' on the machines we test on
    assert json.loads(again.read_text())["model"]["coef_dtype"] == native


def test_big_endian_float32_and_k_class_files(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 3)).astype(np.float32)
    y = np.array(["ant", "bee", "cat"])[rng.integers(0, 3, 90)]
    k = logistic.save(logistic.LogisticRegression().fit(X, y), tmp_path / "k.json")
    written = json.loads(k.read_text())["model"]
    assert written["classes"]["dtype"] == np.dtype("U3").str

    def edit(doc):
        doc["model"]["coef_dtype"] = ">" + doc["model"]["coef_dtype"][1:]
        doc["model"]["classes"]["dtype"] = ">U3"

    model = logistic.load(rewrite_model_file(k, edit))
    assert model.coef_.dtype == np.dtype(written["coef_dtype"]).newbyteorder("=")
    assert model.coef_.dtype.isnative and model.intercept_.dtype.isnative
    assert model.classes_.dtype == np.dtype("U3") and model.classes_.dtype.isnative
    assert np.array_equal(
        model.coef_, np.array(written["coef"], dtype=model.coef_.dtype)
    )
    assert model.predict(X).dtype.isnative


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("coef_dtype", "<<f8"),  # np.dtype's bare TypeError before
        ("coef_dtype", "f8 "),
        ("coef_dtype", ">f2"),
        ("classes", "<i8\n"),  # the text check's refusal (a control character)
        ("classes", "<<i8"),
    ],
)
def test_a_spelling_that_is_no_allowed_dtype_is_refused_naming_the_field(
    ucla_file, field, value
):
    path, _ = ucla_file

    def edit(doc):
        if field == "classes":
            doc["model"]["classes"]["dtype"] = value
        else:
            doc["model"][field] = value

    rewrite_model_file(path, edit)
    where = "model.classes.dtype" if field == "classes" else "model.coef_dtype"
    with pytest.raises(ModelFormatError, match=rf"field '{where}'") as err:
        logistic.load(path)
    assert str(path) in str(err.value)


def test_model_from_dict_refuses_a_classes_dtype_with_a_line_break():
    # no text check before it: re.match's '$' let '<i8\n' reach np.dtype
    from logistic import io as lio

    X, y, _ = logistic.datasets.load_ucla_admissions()
    section = lio.model_to_dict(logistic.LogisticRegression().fit(X, y))
    section["classes"]["dtype"] = "<i8\n"
    with pytest.raises(ModelFormatError, match="field 'model.classes.dtype'"):
        lio.model_from_dict(section, "m.json")
