"""Model files (logistic.io): round trip, corruption, versions, limits, atomic writes.

RELIABILITY rows P01-P07 and C17/C19 (library side).
"""

from __future__ import annotations

import json
import os
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistic
from logistic import (
    IntegrityError,
    LogisticRegression,
    ModelFormatError,
    UnsupportedVersionError,
    VersionMismatchWarning,
)
from logistic import io as lio


def _fitted(coef, intercept, classes=None, names=None) -> LogisticRegression:
    """A model with given fitted state (no fit: exercises extreme values)."""
    m = LogisticRegression()
    coef = np.asarray(coef, dtype=np.float64)
    m.coef_ = coef.reshape(1, -1)
    m.intercept_ = np.array([intercept], dtype=np.float64)
    m.classes_ = np.array([0, 1]) if classes is None else classes
    m.n_features_in_ = coef.size
    if names is not None:
        m.feature_names_in_ = np.array(names, dtype=object)
    m.n_iter_ = np.array([3])
    m.converged_ = True
    m.solver_ = "newton"
    m.history_ = [{"iter": 0, "objective": 0.69, "grad_max_norm": 0.1}]
    return m


@pytest.fixture
def ucla_model() -> LogisticRegression:
    X, y, _ = logistic.datasets.load_ucla_admissions()
    return LogisticRegression().fit(X, y)


def _rewrite(path: Path, edit) -> None:
    """Edit a model file's JSON and recompute its checksum (a *valid* file)."""
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = (
        __import__("hashlib").sha256(lio._canonical(doc)).hexdigest()
    )
    path.write_text(json.dumps(doc))


# -- round trip (P02) ---------------------------------------------------------------
def test_ucla_round_trip_predicts_identically(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    m2 = logistic.load(p)
    X, _, _ = logistic.datasets.load_ucla_admissions()
    assert np.array_equal(m2.coef_, ucla_model.coef_)
    assert np.array_equal(m2.intercept_, ucla_model.intercept_)
    assert np.array_equal(m2.predict_proba(X), ucla_model.predict_proba(X))
    assert m2.get_params() == ucla_model.get_params()
    assert m2.solver_ == ucla_model.solver_ and m2.converged_ == ucla_model.converged_
    assert len(m2.history_) == len(ucla_model.history_)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    coef=st.lists(finite, min_size=1, max_size=8),
    intercept=finite,
    classes=st.sampled_from(
        [
            np.array([0, 1]),
            np.array([-1, 1]),
            np.array([0.0, 1.0]),
            np.array(["no", "yes"]),
            np.array([False, True]),
            np.array(["a", "b"], dtype=object),
        ]
    ),
    named=st.booleans(),
)
def test_round_trip_property(tmp_path, coef, intercept, classes, named):
    # bitwise: -0.0, subnormals, ±1e300 all survive (shortest repr round-trips)
    names = [f"f{i}" for i in range(len(coef))] if named else None
    m = _fitted(coef, intercept, classes, names)
    p = tmp_path / "m.json"
    logistic.save(m, p)
    m2 = logistic.load(p)
    assert m2.coef_.tobytes() == m.coef_.tobytes()
    assert m2.intercept_.tobytes() == m.intercept_.tobytes()
    assert m2.classes_.dtype == np.asarray(classes).dtype
    assert list(m2.classes_) == list(classes)
    if named:
        assert list(m2.feature_names_in_) == names
    X = np.random.default_rng(0).normal(size=(5, len(coef)))
    # huge coefficients can put a logit beyond float64: both models refuse alike
    got, expected = _scores(m2, X), _scores(m, X)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))


def _scores(model, X):
    """(decision_function, predict) of X, or the text of the NumericalError."""
    try:
        with np.errstate(all="ignore"):
            return model.decision_function(X), model.predict(X)
    except logistic.NumericalError as exc:
        return str(exc)


def test_extreme_values_bitwise(tmp_path):
    coef = [-0.0, 5e-324, -1e300, 1e-310, 0.1 + 0.2]
    m = _fitted(coef, -0.0)
    m2 = logistic.load(logistic.save(m, tmp_path / "m.json"))
    assert m2.coef_.tobytes() == np.array([coef]).tobytes()
    assert np.signbit(m2.intercept_[0])


def test_encoding_covariance_training_round_trip(ucla_model, tmp_path):
    half = np.arange(36.0).reshape(6, 6) / 7
    cov = half + half.T + 10 * np.eye(6)  # symmetric, variances > 0: a covariance
    names = ["Intercept", "a", "b", "c", "d", "e"]
    cols = ["gre", "gpa", "rank2", "rank3", "rank4"]
    enc = {
        "kind": "columns",
        "target": "admit",
        "label": {"column": "admit", "negative": "no", "positive": "yes"},
        "weights": None,
        "offset": None,
        "columns": [{"name": c, "kind": "numeric"} for c in cols],
        "feature_names": cols,
    }
    p = logistic.save(
        ucla_model,
        tmp_path / "m.json",
        encoding=enc,
        covariance=cov,
        covariance_names=names,
        training={"rows_read": 400},
    )
    mf = lio.read_model_file(p)
    assert mf.encoding == enc
    assert np.array_equal(mf.covariance, cov) and mf.covariance_names == names
    written = dict(mf.training)
    assert "python" in written.pop("environment")  # what wrote it, beside
    assert written == {"rows_read": 400}


def test_refuses_unfitted_and_nonfinite(tmp_path):
    with pytest.raises(ValueError, match="unfitted"):
        logistic.save(LogisticRegression(), tmp_path / "m.json")
    from sklearn.exceptions import NotFittedError  # what scikit-learn tooling catches

    with pytest.raises(NotFittedError, match="unfitted"):
        logistic.save(LogisticRegression(), tmp_path / "m.json")
    with pytest.raises(ValueError, match="non-finite"):
        logistic.save(_fitted([np.inf], 0.0), tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


# -- corruption (P04) ------------------------------------------------------------------
def test_truncated_at_many_offsets(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    raw = p.read_bytes()
    q = tmp_path / "t.json"
    for cut in range(1, len(raw) - 2, max(1, len(raw) // 150)):
        q.write_bytes(raw[:cut])
        with pytest.raises(ModelFormatError):
            lio.load(q)
        if cut > len(b'{\n  "format": "logistic-model"'):  # how save starts a file
            with pytest.raises(IntegrityError):
                lio.load(q)


def test_bit_flips_never_load_silently(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    raw = bytearray(p.read_bytes())
    rng = np.random.default_rng(1)
    q = tmp_path / "f.json"
    start = raw.index(b'"model"')
    for pos in rng.integers(start, len(raw) - 2, size=80):
        flipped = bytearray(raw)
        flipped[pos] ^= 1 << int(rng.integers(0, 7))
        q.write_bytes(bytes(flipped))
        try:
            m = lio.load(q)
        except ModelFormatError:
            continue
        # a flip in insignificant whitespace may still load: then it is identical
        assert np.array_equal(m.coef_, ucla_model.coef_)


def test_edited_coefficient_fails_checksum(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    doc = json.loads(p.read_text())
    doc["model"]["coef"][0] += 1.0
    p.write_text(json.dumps(doc))
    with pytest.raises(IntegrityError, match="checksum"):
        lio.load(p)


def test_trailing_garbage_and_zero_fill(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    raw = p.read_bytes()
    p.write_bytes(raw + b"garbage")
    with pytest.raises(IntegrityError):
        lio.load(p)
    p.write_bytes(b"\0" * len(raw))
    with pytest.raises(ModelFormatError, match="not a logistic model file"):
        lio.load(p)


# -- foreign and malicious files (P01) -------------------------------------------------
class _Payload:
    def __init__(self, sentinel: str) -> None:
        self.sentinel = sentinel

    def __reduce__(self):
        return (open, (self.sentinel, "w"))


def test_pickle_payload_is_not_executed(tmp_path):
    sentinel = tmp_path / "pwned"
    p = tmp_path / "m.json"
    p.write_bytes(pickle.dumps(_Payload(str(sentinel))))
    with pytest.raises(ModelFormatError, match="not a logistic model file"):
        lio.load(p)
    assert not sentinel.exists()


@pytest.mark.parametrize("text", ['{"a": 1}', "[1, 2]", '"x"', "not json", "{}"])
def test_foreign_json(tmp_path, text):
    p = tmp_path / "m.json"
    p.write_text(text)
    with pytest.raises(ModelFormatError, match="not a logistic model file"):
        lio.load(p)


def test_injected_estimator_class_is_refused(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, lambda d: d["model"].update(estimator="os.system"))
    with pytest.raises(ModelFormatError, match="unknown estimator 'os.system'"):
        lio.load(p)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_our_errors(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fz") / "m.json"
    p.write_bytes(data)
    with pytest.raises(ModelFormatError):
        lio.load(p)


# -- versions (P05) --------------------------------------------------------------------
def test_newer_major_version_refused(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, lambda d: d.update(format_version="2.0", library_version="9.0.0"))
    with pytest.raises(
        UnsupportedVersionError,
        match=r"written by logistic 9.0.0 \(format 2.0\); .* reads format <= 1",
    ):
        lio.load(p)


def test_newer_minor_and_other_library_version_warns(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, lambda d: d.update(format_version="1.7", library_version="0.0.1"))
    with pytest.warns(
        VersionMismatchWarning, match=r"format 1\.7, newer than .*the file's is 0\.0\.1"
    ):
        m = lio.load(p)
    assert np.array_equal(m.coef_, ucla_model.coef_)
    with pytest.raises(ModelFormatError, match="strict"):
        lio.load(p, strict=True)


def test_unknown_fields_error_only_in_strict_mode(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, lambda d: d.update(extra_field=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lio.load(p)
    with pytest.raises(ModelFormatError, match="unknown top-level"):
        lio.load(p, strict=True)


# -- semantic validation (P06) ---------------------------------------------------------
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["model"]["coef"].pop(), "model.coef' must be a list of 5"),
        (lambda d: d["model"].update(coef="abc"), "model.coef' must be a list"),
        (lambda d: d["model"]["classes"].update(values=[0, 1, 2]), "2 distinct labels"),
        (lambda d: d["model"]["classes"].update(values=[1, 1]), "2 distinct labels"),
        (
            lambda d: d["model"]["classes"].update(dtype="<U999999"),
            "not an allowed dtype",
        ),
        (lambda d: d["model"]["classes"].update(dtype="V8"), "not an allowed dtype"),
        (lambda d: d["model"].update(n_features_in=10**12), "outside"),
        (lambda d: d["model"].update(coef_dtype="O"), "float64 or float32"),
        (lambda d: d["model"].update(feature_names=[1, 2]), "feature_names"),
        (lambda d: d["model"].pop("intercept"), "model.intercept"),
        (lambda d: d["model"]["params"].update(class_weight=[1, 2]), "class_weight"),
        (lambda d: d.update(covariance={"matrix": [[1.0]]}), "covariance.matrix"),
    ],
)
def test_semantic_validation(ucla_model, tmp_path, edit, message):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, edit)
    with pytest.raises(ModelFormatError, match=message):
        lio.load(p)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["model"]["classes"].update(dtype="<U1", values=["ab", "ac"]),
            r"\['ab', 'ac'\] do not fit dtype '<U1' exactly",
        ),
        (
            lambda d: d["model"]["classes"].update(dtype="<i1", values=[1.2, 1.7]),
            "do not match dtype '<i1'",
        ),
        (
            lambda d: d["model"]["classes"].update(dtype="<i1", values=[0, 300]),
            "do not fit dtype '<i1' exactly",
        ),
        (
            lambda d: d["model"]["classes"].update(dtype="|b1", values=[0, 1]),
            "do not match dtype",
        ),
        (
            lambda d: d["model"]["classes"].update(dtype="object", values=[0, "1"]),
            "2 distinct labels of one kind",
        ),
        (
            lambda d: d["model"]["params"].update(fit_intercept="no"),
            r"'model\.params\.fit_intercept': The 'fit_intercept' parameter",
        ),
        (lambda d: d["model"]["params"].update(max_iter=-3), "model.params.max_iter"),
        (lambda d: d["model"]["params"].update(solver="pwn"), "model.params.solver"),
        (
            lambda d: d["model"]["params"].update(class_weight={"pairs": [[0, "x"]]}),
            "model.params.class_weight' is not a valid mapping",
        ),
        (lambda d: d["model"]["history"].append("x"), r"model\.history\[6\]"),
        (
            lambda d: d["model"]["history"][0].update(objective="low"),
            r"model\.history\[0\]\.objective' must be a number",
        ),
        (lambda d: d["model"]["fitted"].update(converged="yes"), "fitted.converged"),
        (lambda d: d["model"]["fitted"].update(objective=[1]), "fitted.objective"),
        (lambda d: d["model"].update(n_iter=2**70), "model.n_iter"),
        (lambda d: d["model"]["coef"].__setitem__(0, 10**400), "non-finite"),
        (lambda d: d["model"].update(coef_dtype="<f4"), "not exact '<f4'"),
        (lambda d: d.update(created=["x"]), "field 'created'"),
        (lambda d: d.update(library_version=None), "field 'library_version'"),
        (
            lambda d: d.update(
                covariance={"matrix": [[1.0] * 6] * 6, "names": [1] * 6}
            ),
            "covariance.names",
        ),
        (lambda d: d.update(training={"warnings": "x"}), "training.warnings"),
        (lambda d: d.update(training={"rows_read": "400"}), "training.rows_read"),
        (lambda d: d.update(training={"statistics": {"aic": "x"}}), "statistics.aic"),
    ],
)
def test_every_model_field_is_checked(ucla_model, tmp_path, edit, message):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, edit)
    with pytest.raises(ModelFormatError, match=message):
        lio.load(p)


def test_five_thousand_digit_integer_is_a_format_error(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    text = p.read_text().replace('"n_iter": ', '"n_iter": ' + "9" * 5000 + "0 * ", 1)
    p.write_text(text.replace("0 * ", "", 1))
    with pytest.raises(ModelFormatError, match="more than 4300 digits"):
        lio.load(p)


def test_utf8_byte_order_mark_is_accepted(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert np.array_equal(lio.load(p).coef_, ucla_model.coef_)


# -- the encoding section (P06) --------------------------------------------------------
@pytest.fixture(scope="module")
def formula_model(tmp_path_factory) -> Path:
    from conftest import fit_ucla_model

    return fit_ucla_model(tmp_path_factory.mktemp("formula"))


def _edited(model: Path, tmp_path: Path, edit) -> Path:
    p = tmp_path / "m.json"
    p.write_bytes(model.read_bytes())
    _rewrite(p, edit)
    return p


def _enc(edit):
    return lambda d: edit(d["encoding"])


ENCODING_CASES = [
    (_enc(lambda e: e.pop("feature_names")), "encoding.feature_names"),
    (_enc(lambda e: e.pop("kind")), "encoding.kind"),
    (_enc(lambda e: e.update(kind="pickle")), "encoding.kind"),
    (_enc(lambda e: e.pop("target")), "encoding.target"),
    (_enc(lambda e: e.update(target=7)), "encoding.target"),
    (_enc(lambda e: e["label"].pop("positive")), "encoding.label.positive"),
    (_enc(lambda e: e["label"].update(negative=[0])), "encoding.label.negative"),
    (_enc(lambda e: e["label"].update(negative=1.0)), "same negative and positive"),
    (_enc(lambda e: e.update(label="admit")), "encoding.label"),
    (_enc(lambda e: e.update(offset=3)), "encoding.offset"),
    (_enc(lambda e: e["feature_names"].pop()), "encoding.feature_names"),
    (_enc(lambda e: e.update(intercept="yes")), "encoding.intercept"),
    (_enc(lambda e: e.update(variables="gre")), "encoding.variables"),
    (_enc(lambda e: e["variables"].remove("rank")), "lacks column"),
    (_enc(lambda e: e.pop("terms")), "encoding.terms"),
    (_enc(lambda e: e["terms"].append([{"factor": "zz", "reduced": False}])), "zz"),
    (
        _enc(lambda e: e["terms"][0][0].update(reduced="no")),
        r"encoding\.terms\[0\]\[0\]\.reduced",
    ),
    (_enc(lambda e: e["terms"][0][0].update(reduced=True)), "numeric factor"),
    (
        _enc(lambda e: e["factors"]["C(rank)"]["levels"].append(2)),
        "same level twice",
    ),
    (
        _enc(lambda e: e["factors"]["C(rank)"].update(levels=[1, 2, 3, 5])),
        "do not produce the stored feature_names",
    ),
    (_enc(lambda e: e["factors"]["C(rank)"].update(column=None)), "column name"),
    # the optional reference of a factor coded with every level: one of its levels
    (
        _enc(lambda e: e["factors"]["C(rank)"].update(reference=7)),
        r"encoding\.factors\.C\(rank\)\.reference' is 7; expected a level",
    ),
    (
        _enc(lambda e: e["factors"]["C(rank)"].update(reference="1")),
        "expected a level",  # text '1' is not the number 1
    ),
    (
        _enc(lambda e: e["factors"]["C(rank)"].update(reference=True)),
        "expected a level",  # true is not the number 1
    ),
    (
        _enc(lambda e: e["factors"]["C(rank)"].update(reference={"op": "eval"})),
        "expected a level",
    ),
    (
        # C(rank) is reduced (T.2, T.3, T.4 against 1): no second reference
        _enc(lambda e: e["factors"]["C(rank)"].update(reference=2)),
        r"is true for 'C\(rank\)', whose stored reference is only for a factor",
    ),
    (
        _enc(lambda e: e["factors"]["C(rank)"].update(contrast="sum")),
        r"must have the keys kind, column, levels \(and optionally reference\)",
    ),
    (
        _enc(lambda e: e["factors"]["gre"]["expr"].update(op="eval")),
        r"encoding\.factors\.gre\.expr\.op' is 'eval'",
    ),
    (
        _enc(lambda e: e["factors"]["gre"]["expr"].update(extra=1)),
        "must have exactly the keys",
    ),
    (
        _enc(lambda e: e["factors"]["gre"].update(expr={"op": "number", "value": 1})),
        "reads no column",
    ),
    (
        _enc(
            lambda e: e["factors"]["gre"].update(
                expr={
                    "op": "center",
                    "arg": {"op": "column", "name": "gre"},
                    "center": "x",
                }
            )
        ),
        "must be a finite number",
    ),
    (lambda d: d["model"].update(feature_names=["a", "b", "c", "d", "e"]), "differ"),
    # label values: an integer wider than int64 (no column holds one; pyarrow
    # could not write it back as a label)
    (_enc(lambda e: e["label"].update(positive=10**30)), "within 64 bits"),
    (_enc(lambda e: e["label"].update(negative=-(2**63) - 1)), "within 64 bits"),
    # a binary label mapping goes with the classes 0 and 1 it decodes
    (
        lambda d: d["model"]["classes"].update(values=[-1.0, 1.0]),
        r"model\.classes' must be the codes 0 and 1 of 'encoding\.label'",
    ),
]


@pytest.mark.parametrize(("edit", "message"), ENCODING_CASES)
def test_every_encoding_field_is_checked(formula_model, tmp_path, edit, message):
    p = _edited(formula_model, tmp_path, edit)
    with pytest.raises(ModelFormatError, match=message):
        lio.load(p)


@pytest.mark.parametrize(("edit", "message"), ENCODING_CASES[:6])
def test_cli_exits_65_on_a_bad_encoding(formula_model, workdir, capsys, edit, message):
    from conftest import data_path, run_cli

    p = _edited(formula_model, workdir, edit)
    data = data_path("ucla-admissions", "binary.csv")
    code, _, err = run_cli(capsys, ["predict", p, data])
    assert (
        code == 65
        and err.startswith(f"error: model file {p}: ")
        and "\n" not in err[:-1]
    )
    assert "KeyError" not in err and "internal error" not in err


def _legacy(edit):
    def apply(d):
        d["format_version"] = "1.0"
        enc = d["encoding"]
        enc.pop("factors")
        enc.pop("terms")
        enc["rhs"] = "1 + gre + gpa + C(rank)"
        enc["state"] = {
            "encoder_state": {
                "gre": {"kind": "numerical"},
                "gpa": {"kind": "numerical"},
                "C(rank)": {"kind": "categorical", "categories": [1, 2, 3, 4]},
            },
            "transform_state": {},
        }
        edit(enc)

    return apply


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda e: e.update(rhs="1 + gre +"), "cannot be migrated safely"),
        (lambda e: e.update(rhs="1 + gre + gpa + C(rank"), "unbalanced brackets"),
        (lambda e: e.update(rhs="1 + gre + gpa + C(rank, levels=[1])"), "no options"),
        (lambda e: e.update(rhs="1 + gre + np.log(gpa) + C(rank)"), "no usable stored"),
        (lambda e: e.update(rhs=["1"]), "must be text"),
        # a text of 10 001 characters was told "it must be text"
        (lambda e: e.update(rhs="1 + " + "x" * 10_000), "10004 characters long"),
        (lambda e: e.update(state=None), "not formulaic's stored state"),
        (lambda e: e["state"]["encoder_state"].pop("C(rank)"), "no usable stored"),
        (lambda e: e.update(rhs="1 + gre + C(rank) + gpa"), "does not match the names"),
    ],
)
def test_format_1_0_formula_text_is_migrated_or_refused(
    formula_model, tmp_path, edit, message
):
    good = _edited(formula_model, tmp_path, _legacy(lambda e: None))
    mf = lio.read_model_file(good)
    assert mf.encoding["terms"] == lio.read_model_file(formula_model).encoding["terms"]
    bad = _edited(formula_model, tmp_path, _legacy(edit))
    with pytest.raises(ModelFormatError, match=r"field 'encoding\.rhs'.*" + message):
        lio.load(bad)


def test_save_refuses_an_encoding_load_would_refuse(ucla_model, tmp_path):
    with pytest.raises(ModelFormatError, match="encoding.kind"):
        logistic.save(ucla_model, tmp_path / "m.json", encoding={"kind": "magic"})
    assert not (tmp_path / "m.json").exists()


def test_nonfinite_literal_refused(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    text = p.read_text()
    doc = json.loads(text)
    first = repr(doc["model"]["coef"][0])
    p.write_text(text.replace(first, "NaN", 1))
    with pytest.raises(ModelFormatError):
        lio.load(p)


# -- resource limits (P07) -------------------------------------------------------------
def test_size_limit_checked_before_reading(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    with pytest.raises(ModelFormatError, match="more than the limit") as err:
        lio.load(p, max_bytes=100)
    # it said "pass max_bytes=", which no command-line option takes
    assert "larger models load in Python: logistic.load(path, max_bytes=N)" in str(
        err.value
    )


def test_deep_nesting_is_a_format_error(tmp_path):
    p = tmp_path / "m.json"
    p.write_text(
        '{"format": "logistic-model", "x": ' + "[" * 100000 + "]" * 100000 + "}"
    )
    with pytest.raises(ModelFormatError):
        lio.load(p)


# -- atomic writes (P03, C17, C19) -----------------------------------------------------
def test_failed_replace_leaves_old_file_and_no_temp(ucla_model, tmp_path, monkeypatch):
    p = tmp_path / "m.json"
    p.write_text("old content")
    monkeypatch.setattr(
        os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space"))
    )
    with pytest.raises(OSError, match="No space"):
        logistic.save(ucla_model, p)
    assert p.read_text() == "old content"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["m.json"]


def test_exception_while_writing_leaves_nothing(tmp_path):
    p = tmp_path / "out.bin"

    def writer(fh):
        fh.write(b"partial")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        lio.atomic_write_bytes(p, writer)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_false_refuses_and_keeps_bytes(ucla_model, tmp_path):
    p = tmp_path / "m.json"
    p.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        logistic.save(ucla_model, p, overwrite=False)
    assert p.read_bytes() == b"keep me"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["m.json"]


def test_a_missing_or_file_directory_is_named_not_the_temporary(ucla_model, tmp_path):
    # the error names the folder and the file asked for, never the hidden
    # temporary file beside it that the write would have used
    with pytest.raises(FileNotFoundError) as missing:
        logistic.save(ucla_model, tmp_path / "nodir" / "m.json")
    text = str(missing.value)
    assert f"directory {tmp_path / 'nodir'} does not exist" in text
    assert missing.value.filename == str(tmp_path / "nodir" / "m.json")
    assert ".tmp" not in text
    (tmp_path / "f.csv").write_text("x\n")
    with pytest.raises(NotADirectoryError) as blocked:
        logistic.save(ucla_model, tmp_path / "f.csv" / "m.json")
    assert f"{tmp_path / 'f.csv'} is not a directory" in str(blocked.value)
    assert ".tmp" not in str(blocked.value)


def test_file_mode_follows_umask(ucla_model, tmp_path):
    old = os.umask(0o022)
    try:
        p = logistic.save(ucla_model, tmp_path / "m.json")
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644


def test_core_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, logistic; bad = [m for m in ('pyarrow', 'typer', 'rich', "
        "'matplotlib', 'formulaic') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- committed fixture of format 1 (P05, P10) ------------------------------------------
FIXTURE = Path(__file__).parent / "fixtures" / "ucla_formula_format1.json"


def test_committed_format1_file_still_loads():
    # written by `logistic fit binary.csv --formula "admit ~ gre + gpa + C(rank)"`
    # with logistic 0.1.0 (format 1.0); R's estimates from the dataset README
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        mf = lio.read_model_file(FIXTURE, strict=False)
    r = [0.002264, 0.804038, -0.675443, -1.340204, -1.551464]
    assert np.allclose(mf.model.coef_.ravel(), r, atol=5e-7, rtol=0)
    assert mf.model.intercept_[0] == pytest.approx(-3.989979, abs=5e-7)
    assert mf.encoding["formula"] == "admit ~ gre + gpa + C(rank)"
    assert mf.covariance_names[0] == "Intercept"
    assert np.sqrt(mf.covariance[0, 0]) == pytest.approx(1.139951, abs=5e-7)


FIXTURE_1_1 = Path(__file__).parent / "fixtures" / "ucla_formula_format1_1.json"


def test_committed_format1_1_file_loads_and_rebuilds_the_design():
    # written by `logistic fit tests/data/ucla-admissions/binary.csv --formula
    # "admit ~ gre + gpa + C(rank)" -o tests/fixtures/ucla_formula_format1_1.json`
    # (format 1.1: the formula stored as factors and terms)
    from conftest import data_path
    from logistic.tabular import apply_design, read_data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VersionMismatchWarning)
        new, old = lio.read_model_file(FIXTURE_1_1), lio.read_model_file(FIXTURE)
    assert (
        new.format_version == "1.1"
        and "rhs" not in json.loads(FIXTURE_1_1.read_text())["encoding"]
    )
    assert new.encoding["factors"] == old.encoding["factors"]
    assert new.encoding["terms"] == old.encoding["terms"]
    r = [0.002264, 0.804038, -0.675443, -1.340204, -1.551464]
    assert np.allclose(new.model.coef_.ravel(), r, atol=5e-7, rtol=0)
    raw = read_data(data_path("ucla-admissions", "binary.csv"))
    design = apply_design(raw, new.encoding, with_target=True)
    X = design.named_X()
    assert np.allclose(
        new.model.predict_proba(X), old.model.predict_proba(X), rtol=1e-6, atol=0
    )


@pytest.mark.slow
def test_sigkill_during_repeated_saves_never_leaves_a_partial_file(tmp_path):
    # C20/P03: a process saving in a loop is killed at random moments; the target
    # is always a complete, loadable file (a stray temporary file is allowed)
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "m.json"
    code = (
        "import sys, logistic\n"
        "X, y, _ = logistic.datasets.load_ucla_admissions()\n"
        "m = logistic.LogisticRegression().fit(X, y)\n"
        "logistic.save(m, sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    logistic.save(m, sys.argv[1])\n"
    )
    rng = np.random.default_rng(7)
    for _ in range(5):
        p = subprocess.Popen(
            [sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True
        )
        assert p.stdout.readline().strip() == "ready"
        time.sleep(float(rng.uniform(0.0, 0.3)))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        m = lio.load(target)  # never IntegrityError: old or new complete file
        assert m.coef_.shape == (1, 5)
        for stray in tmp_path.iterdir():
            assert stray == target or (
                stray.name.startswith(".m.json.") and stray.name.endswith(".tmp")
            )


# -- fitted attributes a loaded model has (an ML engineer's trial: AttributeError) ---
@pytest.mark.parametrize("classes", [2, 3])
def test_load_restores_every_documented_fitted_attribute(tmp_path, classes):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((300, 4))
    y = rng.integers(0, classes, 300)
    m = LogisticRegression(penalty="l2", solver="lbfgs").fit(X, y)
    m2 = logistic.load(logistic.save(m, tmp_path / "m.json"))
    fitted = {k for k in vars(m) if k.endswith("_") and not k.startswith("_")}
    assert fitted <= set(vars(m2))
    assert m2.n_passes_ == m.n_passes_ and isinstance(m2.n_passes_, int)
    assert m2.grad_max_norm_ == m.grad_max_norm_
    assert m2.encoding_ is None and m2.fit_statistics_ is None


def test_load_of_a_file_without_last_state_reads_the_history(ucla_model, tmp_path):
    p = logistic.save(ucla_model, tmp_path / "m.json")

    def drop(doc):
        del doc["model"]["fitted"]["n_passes"], doc["model"]["fitted"]["grad_max_norm"]

    _rewrite(p, drop)
    m2 = logistic.load(p)
    assert m2.n_passes_ == ucla_model.n_passes_
    assert m2.grad_max_norm_ == ucla_model.grad_max_norm_
    _rewrite(p, lambda doc: doc["model"].update(history=[]))
    m3 = logistic.load(p)
    assert m3.n_passes_ is None and m3.grad_max_norm_ is None


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", 2**63])
def test_load_refuses_a_bad_pass_count(ucla_model, tmp_path, bad):
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, lambda doc: doc["model"]["fitted"].update(n_passes=bad))
    with pytest.raises(lio.ModelFormatError, match=r"model\.fitted\.n_passes"):
        logistic.load(p)


@pytest.mark.parametrize("field", ["n_features_in", "n_iter"])
def test_a_huge_count_is_shown_without_a_silent_cut(ucla_model, tmp_path, field):
    # 10**30 was shown as its first 20 digits, 10000000000000000000, which
    # reads as 1e19: the message now says how many digits the number has
    p = logistic.save(ucla_model, tmp_path / "m.json")
    _rewrite(p, lambda d: d["model"].update({field: 10**30}))
    with pytest.raises(ModelFormatError) as info:
        lio.load(p)
    message = str(info.value)
    assert f"field 'model.{field}' = 100000000000000000… (31 digits) is outside" in (
        message
    )
    assert "10000000000000000000 " not in message
