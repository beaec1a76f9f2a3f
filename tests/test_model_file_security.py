"""Hostile model files: formulas never run code; every field checked; odd file types.

RELIABILITY rows P01 (code in a model file), P06 (schema), P07 (FIFOs and
devices), decision 9. A payload in these files would create a sentinel file
if anything evaluated it; every test asserts the sentinel is absent. Each
file has a *valid* checksum (recomputed after the edit), so only the schema
stands between the payload and an evaluator.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import warnings
from pathlib import Path

import numpy as np
import pytest

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import ModelFormatError, VersionMismatchWarning
from logistic import io as lio
from logistic.tabular import apply_design, fit_design, read_data

FIXTURE = Path(__file__).parent / "fixtures" / "ucla_formula_format1.json"


def _payloads(sentinel: Path) -> dict[str, str]:
    """Python that would create ``sentinel``: with quotes, without, without braces."""
    s = str(sentinel)
    chars = "+".join(f"chr({ord(c)})" for c in s)
    return {
        "quoted": f'{{__import__("os").system("touch {s}")}}',
        "unquoted": f"{{open({chars},chr(119))}}",
        "bare call": f"__import__(chr(111)+chr(115)).system(chr(116)+{chars})",
        "dunder walk": "{().__class__.__base__.__subclasses__()}",
    }


def _write(doc: dict, path: Path) -> Path:
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc, indent=2))
    return path


def _legacy_evil(directory: Path, payload: str) -> Path:
    """The committed format-1.0 file with ``payload`` appended to its formula text."""
    doc = json.loads(FIXTURE.read_text())
    doc["encoding"]["rhs"] += " + " + payload
    return _write(doc, directory / "evil.json")


def _current_evil(model: Path, directory: Path, edit) -> Path:
    doc = json.loads(model.read_text())
    edit(doc["encoding"], doc)
    return _write(doc, directory / "evil.json")


def _tampered_terms(sentinel: Path) -> dict[str, object]:
    """Edits of a current (format 1.1) file that would need an evaluator."""
    payload = _payloads(sentinel)["quoted"]

    def op(enc, doc):
        enc["factors"]["gre"]["expr"] = {"op": "__import__", "arg": payload}

    def expr_text(enc, doc):
        enc["factors"]["gre"]["expr"] = payload

    def legacy_rhs_beside_terms(enc, doc):
        enc.pop("terms")
        enc.pop("factors")
        enc["rhs"] = "1 + gre + " + payload
        enc["state"] = {"encoder_state": {}, "transform_state": {}}

    def formula_text(enc, doc):
        enc["formula"] = "admit ~ gre + " + payload

    def kind(enc, doc):
        enc["factors"]["gre"]["kind"] = "python"

    return {
        "unknown op": op,
        "expression as text": expr_text,
        "legacy text": legacy_rhs_beside_terms,
        "display formula": formula_text,
        "unknown kind": kind,
    }


@pytest.fixture(scope="module")
def ucla_model(tmp_path_factory) -> Path:
    return fit_ucla_model(tmp_path_factory.mktemp("model"))


# -- the library: load, read_model_file, apply_design ---------------------------------
@pytest.mark.parametrize("name", list(_payloads(Path("x"))))
def test_library_load_refuses_legacy_formula_injection(tmp_path, name):
    sentinel = tmp_path / "PWNED"
    evil = _legacy_evil(tmp_path, _payloads(sentinel)[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        with pytest.raises(ModelFormatError, match=r"field 'encoding\.rhs'"):
            logistic.load(evil)
        with pytest.raises(ModelFormatError, match="cannot be migrated safely"):
            lio.read_model_file(evil)
    assert not sentinel.exists()


@pytest.mark.parametrize("name", list(_tampered_terms(Path("x"))))
def test_library_load_refuses_tampered_terms(ucla_model, tmp_path, name):
    sentinel = tmp_path / "PWNED"
    evil = _current_evil(ucla_model, tmp_path, _tampered_terms(sentinel)[name])
    with pytest.raises(ModelFormatError, match=r"field 'encoding\."):
        logistic.load(evil)
    assert not sentinel.exists()


def test_apply_design_checks_an_encoding_it_is_handed(ucla_model, tmp_path):
    # a caller that skips load() and hands apply_design a hostile encoding
    sentinel = tmp_path / "PWNED"
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    encoding = lio.read_model_file(ucla_model).encoding
    for edit in _tampered_terms(sentinel).values():
        bad = json.loads(json.dumps(encoding))
        edit(bad, {})
        if bad.get("formula", "").startswith("admit ~ gre + {"):
            continue  # display text only: apply_design never reads it
        with pytest.raises(ModelFormatError):
            apply_design(raw, bad)
    assert not sentinel.exists()


def test_library_predict_path_after_migration_matches_r(tmp_path):
    # the committed format-1.0 file migrates to terms and predicts as before
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        mf = lio.read_model_file(FIXTURE)
    assert "rhs" not in mf.encoding and "state" not in mf.encoding
    assert mf.encoding["factors"]["C(rank)"] == {
        "kind": "categorical",
        "column": "rank",
        "levels": [1, 2, 3, 4],
    }
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    design = apply_design(raw, mf.encoding, with_target=True)
    fresh = fit_design(raw, target=None, formula="admit ~ gre + gpa + C(rank)")
    assert (design.X == fresh.X).all()
    proba = mf.model.predict_proba(design.named_X())[:, 1]
    assert 0.0 < proba.min() < proba.max() < 1.0


# -- the CLI: predict, evaluate, report, summary --------------------------------------
def _commands(model: Path, data: Path) -> dict[str, list[str]]:
    return {
        "predict": ["predict", model, data, "-o", "p.csv"],
        "evaluate": ["evaluate", model, data],
        "report": ["report", model, data, "-o", "r.html"],
        "summary": ["summary", model],
    }


def _assert_refused(capsys, argv, sentinel, workdir):
    before = {p.name for p in workdir.iterdir()}
    code, out, err = run_cli(capsys, argv)
    assert code == 65, err
    assert err.startswith("error: model file ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""
    assert not sentinel.exists()
    assert {p.name for p in workdir.iterdir()} == before


@pytest.mark.parametrize("command", ["predict", "evaluate", "report", "summary"])
@pytest.mark.parametrize("name", list(_payloads(Path("x"))))
def test_cli_refuses_legacy_formula_injection(workdir, capsys, command, name):
    sentinel = workdir / "PWNED"
    data = shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "d.csv")
    evil = _legacy_evil(workdir, _payloads(sentinel)[name])
    _assert_refused(capsys, _commands(evil, Path(data))[command], sentinel, workdir)


@pytest.mark.parametrize("command", ["predict", "evaluate", "report"])
@pytest.mark.parametrize("name", list(_tampered_terms(Path("x"))))
def test_cli_refuses_tampered_terms(ucla_model, workdir, capsys, command, name):
    sentinel = workdir / "PWNED"
    data = shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "d.csv")
    evil = _current_evil(ucla_model, workdir, _tampered_terms(sentinel)[name])
    _assert_refused(capsys, _commands(evil, Path(data))[command], sentinel, workdir)


@pytest.mark.parametrize("name", list(_payloads(Path("x"))))
def test_fit_refuses_code_in_the_formula(workdir, capsys, name):
    sentinel = workdir / "PWNED"
    data = shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "d.csv")
    formula = "admit ~ gre + " + _payloads(sentinel)[name]
    code, _, err = run_cli(capsys, ["fit", data, "--formula", formula, "-o", "m.json"])
    assert code == 2 and err.startswith("error: --formula ") and err.count("\n") == 1
    assert not sentinel.exists() and not (workdir / "m.json").exists()


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("admit ~ {gre + 1}", r"\{\.\.\.\} blocks run Python code"),
        ("admit ~ np.linalg.inv(gre)", r"calls np\.linalg\.inv\(\)"),
        ("admit ~ exp10(gre)", r"calls exp10\(\)"),
        ("admit ~ I(gre.real)", "attribute expressions are not allowed"),
        ("admit ~ C(rank, levels=[4, 3])", "no options"),
        ("admit ~ gre:2", "a number can only be the intercept"),
        ("admit ~ gre + admit", "the target 'admit' cannot also be a feature"),
    ],
)
def test_fit_refuses_terms_outside_the_grammar(formula, message):
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    # the formula's grammar: a bad option value (exit 2), whatever the data
    with pytest.raises(logistic.InvalidParameterError, match=message):
        fit_design(raw, target=None, formula=formula)


@pytest.mark.parametrize(
    "formula",
    [
        "admit ~ gre + gpa + C(rank)",
        "admit ~ center(gre) + scale(gpa) + I(gre ** 2 / 1000) + np.log(gpa)",
        "admit ~ C(rank) * gpa",
        "admit ~ C(rank):gre - 1",
        "admit ~ log(gre) + np.sqrt(gpa) + exp(-gpa)",
    ],
)
def test_allowed_formulas_round_trip_through_a_model_file(tmp_path, capsys, formula):
    data = data_path("ucla-admissions", "binary.csv")
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "--formula", formula, "-o", model])
    assert code == 0, err
    mf = lio.read_model_file(model)
    raw = read_data(data)
    fresh = fit_design(raw, target=None, formula=formula)
    again = apply_design(raw, mf.encoding)
    assert again.feature_names == fresh.feature_names
    assert (again.X == fresh.X).all()  # bit for bit: one code path
    assert mf.model.fit_intercept is not formula.endswith("- 1")


# -- odd files -------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_model_file_fails_at_once(workdir, capsys):
    os.mkfifo(workdir / "m.json")
    with pytest.raises(OSError, match="is a FIFO"):
        logistic.load(workdir / "m.json")
    code, _, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 66 and "FIFO" in err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_symlink_to_a_device_is_refused_without_reading(workdir, capsys):
    (workdir / "m.json").symlink_to("/dev/zero")
    assert stat.S_ISCHR(os.stat(workdir / "m.json").st_mode)
    with pytest.raises(OSError, match="character device"):
        logistic.load(workdir / "m.json")
    data = shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "d.csv")
    code, _, err = run_cli(capsys, ["predict", "m.json", data])
    assert code == 66 and "character device" in err


# -- K-class files: labels, levels and the new fields are data -------------------------
@pytest.fixture(scope="module")
def iris_file(tmp_path_factory) -> Path:
    from logistic import LogisticRegression
    from logistic._exceptions import PerfectSeparationWarning

    raw = read_data(data_path("iris", "iris.csv"))
    design = fit_design(raw, target="species", features=["sepal_width", "petal_width"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = LogisticRegression().fit(design.X, design.y)
    path = tmp_path_factory.mktemp("k") / "k.json"
    return logistic.save(model, path, encoding=design.encoding)


def _multiclass_edits(sentinel: Path) -> dict[str, tuple[object, bool]]:
    """Edits of a K-class file putting code where data goes: (edit, loads)."""
    code = _payloads(sentinel)["quoted"]

    def levels(doc):
        doc["encoding"]["label"]["levels"][1] = code

    def classes(doc):
        doc["encoding"]["label"] = None
        doc["model"]["classes"] = {"dtype": "object", "values": ["a", code, "c"]}

    def parametrization(doc):
        doc["model"]["parametrization"] = code

    def statistics(doc):
        doc["training"]["fit_statistics"]["kind"] = code

    def totals(doc):
        doc["training"]["fit_statistics"]["class_totals"] = [code] * 3

    def covariance_names(doc):
        doc["covariance"]["names"][0] = code

    return {
        "a level": (levels, True),
        "a class label": (classes, True),
        "parametrization": (parametrization, False),
        "statistics kind": (statistics, False),
        "class totals": (totals, False),
        "covariance name": (covariance_names, True),
    }


@pytest.mark.parametrize("name", list(_multiclass_edits(Path("x"))))
def test_multiclass_fields_hold_data_never_code(iris_file, tmp_path, name):
    sentinel = tmp_path / "PWNED"
    edit, loads = _multiclass_edits(sentinel)[name]
    doc = json.loads(iris_file.read_text())
    edit(doc)
    evil = _write(doc, tmp_path / "evil.json")
    if loads:  # a label or a name: inert text
        model = logistic.load(evil)
        X = np.array([[3.0, 0.2], [3.0, 2.0]])
        assert model.predict_proba(X).shape == (2, 3)
        assert _plain_labels(model)
    else:
        with pytest.raises(ModelFormatError, match=f"model file {evil}: field '"):
            logistic.load(evil)
    assert not sentinel.exists()


def _plain_labels(model) -> bool:
    """Every label of ``model`` is a plain string or number."""
    return all(isinstance(c, (str, int, float, np.number)) for c in model.classes_)
