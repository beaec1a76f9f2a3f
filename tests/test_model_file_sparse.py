"""Compact model files (format 1.5, ``logistic.io._compact``): a wide binary
model with few non-zero coefficients stores them as indices and values, and
its positional names ``x1 … xp`` as a rule; every other file is written as
before, byte for byte.

Reference files: ``tests/fixtures/wide_l1_format1_1.json`` (an L1 fit on
``wide_l1.svm``, 1024 columns, 28 non-zero) and
``narrow_l2_format1_1.json`` (an L2 fit on ``narrow_l2.svm``) were written by
``logistic fit`` of the build before format 1.5 (``SOURCE_DATE_EPOCH`` set,
so ``created`` is fixed): the dense files that build wrote and that this
one must read, predict from and write again unchanged. The non-zero pattern
and values of the L1 fit are checked against scikit-learn's ``saga`` fit
of the same penalty.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logistic
from conftest import rewrite_model_file, run_cli
from logistic import ModelFormatError
from logistic import io as lio
from logistic.io import _compact

FIXTURES = Path(__file__).parent / "fixtures"
WIDE = FIXTURES / "wide_l1_format1_1.json"
NARROW = FIXTURES / "narrow_l2_format1_1.json"
EPOCH = "1796601600"  # SOURCE_DATE_EPOCH the fixtures were written under


_rewrite = rewrite_model_file


@pytest.fixture
def compact(tmp_path, monkeypatch) -> Path:
    """The wide fixture loaded and saved by this build: a format 1.5 file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return logistic.save(logistic.load(WIDE), tmp_path / "compact.json")


def _svm(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return target


# -- writing and round trip ------------------------------------------------------------
def test_a_wide_sparse_fit_is_written_compactly_and_reads_back_bit_for_bit(compact):
    dense = json.loads(WIDE.read_text())
    doc = json.loads(compact.read_text())
    coef = np.array(dense["model"]["coef"])
    assert doc["format_version"] == "1.5"
    assert doc["model"]["coef"]["indices"] == np.flatnonzero(coef).tolist()
    assert doc["model"]["coef"]["values"] == coef[coef != 0].tolist()
    assert doc["encoding"]["feature_names"] == {"generated": "x", "count": 1024}
    assert compact.stat().st_size < WIDE.stat().st_size / 4
    old, new = logistic.load(WIDE), logistic.load(compact)
    assert new.coef_.dtype == old.coef_.dtype
    assert np.array_equal(new.coef_.view(np.int64), old.coef_.view(np.int64))
    assert np.array_equal(new.intercept_, old.intercept_)
    names = lio.read_model_file(compact).encoding["feature_names"]
    assert names == [f"x{j}" for j in range(1, 1025)]  # statsmodels' x1 … xp


def test_the_stored_l1_fit_agrees_with_scikit_learn(compact):
    from sklearn.datasets import load_svmlight_file
    from sklearn.linear_model import LogisticRegression as SkLogistic

    X, y = load_svmlight_file(str(FIXTURES / "wide_l1.svm"), n_features=1024)
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    ours = logistic.load(compact).coef_.ravel()
    # scikit-learn's C·Σ loss + ‖w‖₁ is ours at alpha = 1/(C·n); saga leaves
    # the intercept unpenalized, as we do
    sk = SkLogistic(l1_ratio=1.0, C=0.4, solver="saga", tol=1e-8, max_iter=20_000)
    sk.fit(X, y)
    assert np.array_equal(np.flatnonzero(sk.coef_.ravel()), np.flatnonzero(ours))
    np.testing.assert_allclose(ours, sk.coef_.ravel(), rtol=0, atol=1e-5)


def test_the_sparse_lists_are_one_line_each_whatever_the_training_text(tmp_path):
    model = logistic.load(WIDE)
    coef = model.coef_.ravel()
    # a free-form training string spelled as the writer's marker stays itself
    training = {"note": "\x00indices", "other": ["\x00values"]}
    p = logistic.save(model, tmp_path / "m.json", training=training)
    lines = p.read_text().splitlines()
    at = np.flatnonzero(coef).tolist()
    assert f'      "indices": {json.dumps(at)},' in lines
    assert f'      "values": {json.dumps(coef[at].tolist())}' in lines
    back = lio.read_model_file(p)
    assert back.training["note"] == "\x00indices"
    assert back.training["other"] == ["\x00values"]
    assert np.array_equal(back.model.coef_, model.coef_)


def test_a_compact_file_saved_again_has_the_same_bytes(compact, tmp_path):
    again = logistic.save(logistic.load(compact), tmp_path / "again.json")
    assert again.read_bytes() == compact.read_bytes()


def test_a_compact_file_of_the_build_before_k_class_ones_saves_again_byte_for_byte(
    tmp_path, monkeypatch
):
    # wide_l1_compact_format1_5.json: written by ``logistic fit wide_l1.svm
    # --penalty l1 --C 0.5`` of the build before K-class compact files (the
    # first 1.5 writer; SOURCE_DATE_EPOCH=1796601600): the binary layout this
    # build's writer must keep, checked against that build's bytes rather
    # than against a file this build wrote
    old = FIXTURES / "wide_l1_compact_format1_5.json"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    model = logistic.load(old)
    again = logistic.save(model, tmp_path / "again.json")
    assert again.read_bytes() == old.read_bytes()
    stored = json.loads(old.read_text())["model"]["coef"]
    expected = np.zeros(1024)
    expected[stored["indices"]] = stored["values"]
    assert np.array_equal(model.coef_.ravel(), expected)


def test_a_dense_file_of_today_loads_and_saves_again_byte_for_byte(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = logistic.save(logistic.load(NARROW), tmp_path / "again.json")
    assert again.read_bytes() == NARROW.read_bytes()
    assert json.loads(again.read_text())["format_version"] == "1.1"


def test_dense_storage_is_kept_where_it_is_smaller_or_the_model_narrow(
    compact, tmp_path
):
    rng = np.random.default_rng(0)
    m = logistic.load(compact)  # its encoding, written back, holds the rule
    m.coef_ = rng.normal(size=(1, 1024))  # every coefficient non-zero
    doc = json.loads(logistic.save(m, tmp_path / "d.json").read_text())
    assert doc["format_version"] == "1.1" and isinstance(doc["model"]["coef"], list)
    # a dense file is one older readers read: the names listed again
    assert doc["encoding"]["feature_names"] == [f"x{j}" for j in range(1, 1025)]
    narrow = np.zeros((1, 1023))
    narrow[0, 5] = 1.0
    m.coef_, m.n_features_in_ = narrow, 1023
    m.feature_names_in_ = np.array([f"x{j}" for j in range(1, 1024)], dtype=object)
    section = lio.model_to_dict(m)
    assert _compact.compact_sections(section, None, None, (1, 1)) == (1, 1)
    assert isinstance(section["coef"], list)
    # K classes: dense where a third or more of the K x p are stored (here
    # 2048 of 6144, with two rows of zeros), sparse one stored value below
    k3 = logistic.LogisticRegression()
    k3.coef_ = np.zeros((3, 2048))
    k3.coef_[0] = 1.0
    k3.intercept_, k3.classes_ = np.zeros(3), np.array([0, 1, 2])
    k3.n_features_in_, k3.n_iter_ = 2048, np.array([1])
    rows = lio.model_to_dict(k3)
    assert _compact.compact_sections(rows, None, None, (1, 2)) == (1, 2)
    assert rows["coef"][0] == [1.0] * 2048 and rows["coef"][1] == [0.0] * 2048
    k3.coef_[0, 0] = 0.0  # 2047 of 6144: under a third
    rows = lio.model_to_dict(k3)
    assert _compact.compact_sections(rows, None, None, (1, 2)) == (1, 5)
    assert rows["coef"][0] == {"indices": list(range(1, 2048)), "values": [1.0] * 2047}
    assert rows["coef"][1:] == [{"indices": [], "values": []}] * 2


def test_negative_zero_is_kept_and_float32_round_trips(tmp_path):
    coef = np.zeros(2048, dtype=np.float32)
    coef[[3, 700]] = [np.float32(0.1), np.float32(-2.5)]
    coef[9] = -0.0
    m = logistic.LogisticRegression()
    m.coef_, m.intercept_ = coef.reshape(1, -1), np.array([0.5], dtype=np.float32)
    m.classes_, m.n_features_in_, m.n_iter_ = np.array([0, 1]), 2048, np.array([1])
    m.feature_names_in_ = np.array([f"x{j}" for j in range(1, 2049)], dtype=object)
    p = logistic.save(m, tmp_path / "f.json")
    doc = json.loads(p.read_text())
    assert doc["model"]["coef"]["indices"] == [3, 9, 700]
    assert doc["model"]["feature_names"] == {"generated": "x", "count": 2048}
    back = logistic.load(p)
    assert back.coef_.dtype == np.float32
    assert np.array_equal(back.coef_.view(np.int32), m.coef_.view(np.int32))
    assert list(back.feature_names_in_) == list(m.feature_names_in_)


# -- the command line --------------------------------------------------------------------
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_predict_and_evaluate_of_a_compact_file_match_the_dense_file(
    compact, tmp_path, monkeypatch, capsys, command
):
    monkeypatch.chdir(tmp_path)
    data = _svm(tmp_path, "wide_l1.svm")
    dense = tmp_path / "dense.json"
    shutil.copy(WIDE, dense)  # written by the build before format 1.5
    outs = []
    for name, model in (("dense", dense), ("compact", compact)):
        extra = ["-o", f"{name}.csv"] if command == "predict" else ["--json"]
        code, out, err = run_cli(capsys, [command, model, data, *extra])
        assert code == 0, err
        outs.append(out if command == "evaluate" else Path(f"{name}.csv").read_bytes())
    assert outs[0] == outs[1]


def test_summary_of_a_compact_file(compact, capsys):
    code, out, err = run_cli(capsys, ["summary", compact])
    assert code == 0, err
    assert "format 1.5" in out and "1025 in all" in out


def test_logistic_fit_writes_a_compact_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data = _svm(tmp_path, "wide_l1.svm")
    code, _, err = run_cli(
        capsys, ["fit", data, "--penalty", "l1", "--C", "0.4", "-o", "m.json"]
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["format_version"] == "1.5"
    assert len(doc["model"]["coef"]["indices"]) == 28  # as the fixture's fit
    assert doc["encoding"]["feature_names"] == {"generated": "x", "count": 1024}


# -- hostile files: each refusal names its field ---------------------------------------
def _edit_coef(**changes):
    changes.setdefault("values", [1.0, -2.0])  # as many as most edits' indices

    def edit(doc):
        doc["model"]["coef"].update(changes)

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_edit_coef(indices=[1.0, 5]), r"'model\.coef\.indices' must hold integers only, got 1\.0 at position 0"),
        (_edit_coef(indices=["3", 5]), r"'model\.coef\.indices' must hold integers only"),
        (_edit_coef(indices=[True, 5]), r"'model\.coef\.indices' must hold integers only"),
        (_edit_coef(indices=[7, 5]), r"'model\.coef\.indices' must be strictly increasing: 5 at position 1 comes after a larger one"),
        (_edit_coef(indices=[5, 5]), r"'model\.coef\.indices' must be strictly increasing: 5 at position 1 comes twice \(a duplicate\)"),
        (_edit_coef(indices=[-1, 5]), r"'model\.coef\.indices' holds -1 outside \[0, 1024\)"),
        (_edit_coef(indices=[5, 1024]), r"'model\.coef\.indices' holds 1024 outside \[0, 1024\)"),
        (_edit_coef(indices=[5, 10**400]), r"'model\.coef\.indices' holds 1000000000"),
        (_edit_coef(indices=[5, 6], values=[1.0, 10**400]), r"'model\.coef\.values' holds non-finite values"),
        (_edit_coef(indices=[5, 6], values=[1.0, "NaN"]), r"'model\.coef\.values' must hold numbers only"),
        (_edit_coef(indices=[5, 6, 7], values=[1.0, 2.0]), r"'model\.coef\.indices' and 'model\.coef\.values' have different lengths \(3 and 2\)"),
        (_edit_coef(indices={"0": 1}), r"'model\.coef\.indices' must be a list of integers"),
        (_edit_coef(shape=[1, 1024]), r"'model\.coef' must be a list of 1024 numbers or an object of 'indices' and 'values' only \(missing \[\], unknown \['shape'\]\)"),
        (lambda d: d["model"]["coef"].pop("values"), r"missing \['values'\]"),
        (lambda d: d.update(format_version="1.4"), r"'format_version' is 1\.4 but 'model\.coef' is stored compactly \(format 1\.5 or later\)"),
        (lambda d: d["model"].update(n_features_in=10**12), r"'model\.n_features_in' = .* is outside \[0, 50000000\]"),
        (lambda d: d["encoding"].update(feature_names={"generated": "v", "count": 1024}), r"'encoding\.feature_names' must be a list of names or the rule"),
        (lambda d: d["encoding"].update(feature_names={"generated": "x", "count": 1023}), r"'encoding\.feature_names\.count' must be the number of features \(1024\), got 1023"),
        (lambda d: d["encoding"].update(feature_names={"generated": "x", "count": True}), r"'encoding\.feature_names\.count' must be the number of features"),
        (lambda d: d["encoding"].update(feature_names={"generated": "x", "count": 1024, "start": 0}), r"'encoding\.feature_names' must be a list of names or the rule"),
        (lambda d: d["model"].update(feature_names={"generated": "x", "count": 5}), r"'model\.feature_names\.count' must be the number of features \(1024\), got 5"),
    ],
)  # fmt: skip
def test_hostile_compact_fields_are_refused_naming_the_field(compact, edit, message):
    _rewrite(compact, edit)
    with pytest.raises(ModelFormatError, match=message):
        lio.read_model_file(compact)


def test_a_rule_in_a_file_claiming_an_older_format_is_refused(tmp_path):
    p = tmp_path / "m.json"
    shutil.copy(WIDE, p)
    _rewrite(
        p,
        lambda d: d["encoding"].update(feature_names={"generated": "x", "count": 1024}),
    )
    with pytest.raises(
        ModelFormatError, match=r"'encoding\.feature_names' is stored compactly"
    ):
        lio.read_model_file(p)


def test_a_width_beyond_memory_is_refused_before_allocating(compact, monkeypatch):
    from _traced_peak import peaks_until

    # a file of a few kilobytes claiming the largest width a file may have:
    # its arrays (8 bytes a coefficient, BYTES_PER_NAME a name), together,
    # are weighed against the memory this process may use before they are
    # built (5e7 x 8 B = 381 MiB, 5e7 x 72 B = 3.4 GiB)
    n = lio.MAX_FEATURES

    def widen(doc):
        doc["model"]["n_features_in"] = n
        doc["encoding"].update(
            n_features=n, feature_names={"generated": "x", "count": n}
        )

    raw = _rewrite(compact, widen).read_bytes()
    monkeypatch.setattr(_compact, "fits_memory", lambda size: size < 2**30)

    def refused() -> None:
        with pytest.raises(
            ModelFormatError,
            match=r"compact fields expand to 3\.7 GiB in all \('model\.coef' 381 "
            r"MiB, 'encoding\.feature_names' 3\.4 GiB\)",
        ):
            lio.read_model_bytes(raw, "m.json")

    _, peaks = peaks_until(refused, 2**26)
    assert min(peaks) < 2**26, peaks
    monkeypatch.setattr(_compact, "fits_memory", lambda size: size < 2**32)
    rule = {"generated": "x", "count": n}
    with pytest.raises(
        ModelFormatError,
        match=r"'encoding\.feature_names\.count' expands to 50,000,000",
    ):
        _compact.names_from_dict(rule, n, "m.json", "encoding.feature_names")


_ANY = st.one_of(
    st.integers(-3, 1030),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.lists(st.integers(0, 3), max_size=2),
)


_VALID_INDICES = st.lists(st.integers(0, 1023), unique=True, max_size=6).map(sorted)
_VALID = _VALID_INDICES.flatmap(
    lambda at: st.tuples(
        st.just(at),
        st.lists(st.floats(-1e300, 1e300), min_size=len(at), max_size=len(at)),
    )
)
_INDICES = st.one_of(_VALID_INDICES, st.lists(_ANY, max_size=6))
_PAIRS = st.one_of(_VALID, st.tuples(_INDICES, st.lists(_ANY, max_size=6)))


@functools.cache
def _compact_text() -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = logistic.save(logistic.load(WIDE), Path(folder) / "c.json")
        return path.read_text()


@settings(max_examples=30, deadline=None)
@given(pair=_PAIRS, count=st.one_of(st.just(1024), _ANY))
def test_any_sparse_coef_or_rule_loads_exactly_or_is_refused(pair, count):
    # the valid file with the two compact fields replaced (checksum
    # recomputed, so the schema check must stop what is wrong): either the
    # ModelFormatError of a field, or a model whose coefficients are the
    # values at the indices and zeros elsewhere, as the file says
    indices, values = pair
    doc = json.loads(_compact_text())
    doc["model"]["coef"] = {"indices": indices, "values": values}
    doc["encoding"]["feature_names"] = {"generated": "x", "count": count}
    try:
        body = lio._canonical(doc)
    except (OverflowError, ValueError):  # NaN, inf: no JSON number
        return
    doc["checksum"]["value"] = hashlib.sha256(body).hexdigest()
    raw = json.dumps(doc).encode()
    try:
        coef = lio.read_model_bytes(raw, "fuzz.json").model.coef_.ravel()
    except ModelFormatError:
        return
    expected = np.zeros(1024)
    expected[np.array(indices, dtype=int)] = values
    assert np.array_equal(coef, expected) and count == 1024
