"""Hand-written hostile compact model files (format 1.5, ``logistic.io._compact``):
each edit below is one an attacker could make to the text of a valid file,
with the checksum recomputed where the edit leaves valid JSON, so that the
field checks (not the checksum) must stop it. Each test asserts the refusal
naming the field, or the exact load the file states.

The valid file is the wide fixture ``wide_l1_format1_1.json`` (written by
the build before format 1.5; 1024 columns, 28 non-zero) saved again by this
build. Predictions are checked against ``scipy.special.expit`` of that
fixture's dense coefficients on the data scikit-learn's
``load_svmlight_file`` reads.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit
from sklearn.datasets import load_svmlight_file

import logistic
from _traced_peak import peaks_until
from logistic import ModelFormatError, UnsupportedVersionError
from logistic import io as lio

FIXTURES = Path(__file__).parent / "fixtures"
WIDE = FIXTURES / "wide_l1_format1_1.json"


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> str:
    """The text of the wide fixture saved by this build (format 1.5)."""
    folder = tmp_path_factory.mktemp("compact")
    return logistic.save(logistic.load(WIDE), folder / "c.json").read_text()


def _resum(raw: str) -> bytes:
    """``raw`` with its checksum recomputed from the document Python's json
    reads from it (so an edit that stays valid JSON meets the field checks)."""
    doc = json.loads(raw)
    old = doc["checksum"]["value"]
    return raw.replace(old, hashlib.sha256(lio._canonical(doc)).hexdigest()).encode()


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _load(raw: bytes) -> lio.ModelFile:
    return lio.read_model_bytes(raw, "hostile.json")


FIRST = '"indices": [53, '  # the fixture's first stored position
VALUES = '"values": [-0.0222676323467712, '  # the first coefficient's


@pytest.mark.parametrize(
    ("index", "message"),
    [
        ("9223372036854775807", r"holds 9223372036854775807 outside \[0, 1024\)"),  # 2**63 - 1
        ("9223372036854775808", r"holds 9223372036854775808 outside \[0, 1024\)"),  # 2**63
        ("-9223372036854775809", r"holds -9223372036854775809 outside"),
        ("1.0", r"must hold integers only, got 1\.0 at position 0"),
        ("1e0", r"must hold integers only, got 1\.0 at position 0"),
        ("-0.0", r"must hold integers only, got -0\.0 at position 0"),
        ("true", r"must hold integers only, got True"),
        ('"1"', r"must hold integers only, got '1'"),
        ("[1]", r"must hold integers only, got \[1\]"),
        ("null", r"must hold integers only, got None"),
    ],
)  # fmt: skip
def test_a_hostile_index_is_refused_naming_the_field(text, index, message):
    raw = _edit(text, FIRST, f'"indices": [{index}, 53, ')
    raw = _edit(raw, VALUES, VALUES.replace("[", "[0.25, "))
    with pytest.raises(ModelFormatError, match=r"'model\.coef\.indices' " + message):
        _load(_resum(raw))


def test_negative_zero_as_an_index_is_the_integer_zero(text):
    # JSON's -0 is an integer (RFC 8259 section 6: int("-0") == 0): position 0
    raw = _edit(text, FIRST, '"indices": [-0, 53, ')
    raw = _edit(raw, VALUES, VALUES.replace("[", "[0.25, "))
    coef = _load(_resum(raw)).model.coef_.ravel()
    expected = np.array(json.loads(WIDE.read_text())["model"]["coef"])
    expected[0] = 0.25
    assert np.array_equal(coef, expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", r"field 'model\.coef\.values\[0\]' holds a non-finite number"),
        ("Infinity", r"field 'model\.coef\.values\[0\]' holds a non-finite number"),
        ("-Infinity", r"field 'model\.coef\.values\[0\]' holds a non-finite number"),
        ("1e999", r"field 'model\.coef\.values\[0\]' holds a non-finite number"),
    ],
)
def test_a_non_finite_token_among_the_values_is_named(text, value, message):
    # Python's json reads NaN and Infinity (JSON has neither): the loader must
    # name the field before the checksum (which cannot be computed of them)
    raw = _edit(text, FIRST, '"indices": [0, 53, ')
    raw = _edit(raw, VALUES, VALUES.replace("[", f"[{value}, ")).encode()
    with pytest.raises(ModelFormatError, match=message):
        _load(raw)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"0.25"', r"'model\.coef\.values' must hold numbers only"),
        ("true", r"'model\.coef\.values' must hold numbers only"),
        ("[0.25]", r"'model\.coef\.values' must hold numbers only"),
        ("null", r"'model\.coef\.values' must hold numbers only"),
    ],
)
def test_a_value_that_is_no_number_is_refused(text, value, message):
    raw = _edit(text, FIRST, '"indices": [0, 53, ')
    raw = _edit(raw, VALUES, VALUES.replace("[", f"[{value}, "))
    with pytest.raises(ModelFormatError, match=message):
        _load(_resum(raw))


RULE = '"feature_names": {\n      "generated": "x",\n      "count": 1024\n    }'


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("9223372036854775808", r"'encoding\.feature_names\.count' must be the number of features \(1024\), got 9223372036854775808"),
        ("0", r"'encoding\.feature_names\.count' must be the number of features \(1024\), got 0"),
        ("-1024", r"got -1024"),
        ("1024.0", r"got 1024\.0"),
        ('"1024"', r"got '1024'"),
        ("true", r"got True"),
        ("[1024]", r"got \[1024\]"),
    ],
)  # fmt: skip
def test_a_hostile_count_is_refused_naming_the_field(text, count, message):
    raw = _edit(text, RULE, RULE.replace("1024", count))
    with pytest.raises(ModelFormatError, match=message):
        _load(_resum(raw))


def test_a_width_of_zero_with_a_count_of_zero_loads_empty(text):
    doc = json.loads(text)
    doc["model"].update(n_features_in=0, coef={"indices": [], "values": []})
    doc["encoding"].update(n_features=0, feature_names={"generated": "x", "count": 0})
    model = _load(_resum(json.dumps(doc))).model
    assert model.coef_.shape == (1, 0) and model.n_features_in_ == 0


def test_a_rule_beside_an_explicit_list_must_name_the_same_features(text):
    doc = json.loads(text)
    doc["model"]["feature_names"] = [f"x{j}" for j in range(1, 1025)]
    names = _load(_resum(json.dumps(doc))).model.feature_names_in_
    assert list(names) == [f"x{j}" for j in range(1, 1025)]  # what the rule says
    doc["model"]["feature_names"] = [f"v{j}" for j in range(1, 1025)]
    with pytest.raises(
        ModelFormatError,
        match=r"fields 'model\.feature_names' and 'encoding\.feature_names' differ",
    ):
        _load(_resum(json.dumps(doc)))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["model"].update(n_features_in=1000), r"'encoding\.feature_names\.count' must be the number of features \(1000\), got 1024"),
        (lambda d: d["model"].update(n_features_in=2000), r"'encoding\.feature_names\.count' must be the number of features \(2000\), got 1024"),
        (lambda d: d["encoding"].update(n_features=2000), r"'encoding\.n_features' must be 1024"),
        (lambda d: d["model"].update(feature_names={"generated": "x", "count": 1023}), r"'model\.feature_names\.count' must be the number of features \(1024\), got 1023"),
    ],
)  # fmt: skip
def test_a_width_that_differs_between_fields_is_refused(text, edit, message):
    doc = json.loads(text)
    edit(doc)
    with pytest.raises(ModelFormatError, match=message):
        _load(_resum(json.dumps(doc)))


def _widened(text: str, n: int) -> bytes:
    """The fixture claiming ``n`` features, with the rule in both name fields."""
    doc = json.loads(text)
    rule = {"generated": "x", "count": n}
    doc["model"].update(n_features_in=n, feature_names=rule)
    doc["encoding"].update(n_features=n, feature_names=dict(rule))
    return _resum(json.dumps(doc))


def test_a_file_whose_fields_together_exceed_the_budget_is_refused(text, monkeypatch):
    # 5 000 000 features, a rule in both name fields: coef 40 MB, the names
    # 5e6 x BYTES_PER_NAME (72) = 360 MB + the model's array 40 MB, the
    # encoding's list 40 MB. With 1.5 GB allowed each field alone passes
    # (4 x 360 MB), the 480 MB file does not (4 x 480 MB): refused unbuilt.
    from logistic.io import _compact

    raw = _widened(text, 5_000_000)
    monkeypatch.setattr(_compact, "fits_memory", lambda size: size < 1.5e9)

    def refused() -> pytest.ExceptionInfo[ModelFormatError]:
        with pytest.raises(ModelFormatError) as caught:
            _load(raw)
        return caught

    caught, peaks = peaks_until(refused, 2**24)
    assert min(peaks) < 2**24, peaks
    assert re.search(
        r"compact fields expand to 458 MiB in all \('model\.coef' 38 MiB, "
        r"'model\.feature_names' 381 MiB, 'encoding\.feature_names' 38 MiB\), "
        r"more than 1/4 of the memory",
        str(caught.value),
    ), caught.value


def test_a_rule_in_both_fields_makes_the_names_once(text):
    # 2**20 features, as `logistic fit` of hashed LibSVM data writes them: the
    # two fields' names are x1 ... x1048576 (LibSVM's 1-based feature ids),
    # the encoding's the very strings of the model's
    n = 2**20
    mf = _load(_widened(text, n))
    names, listed = mf.model.feature_names_in_, mf.encoding["feature_names"]
    assert len(names) == len(listed) == n
    assert (names[0], names[1023], names[-1]) == ("x1", "x1024", "x1048576")
    assert all(a is b for a, b in zip(names[::4096], listed[::4096], strict=True))
    coef = mf.model.coef_.ravel()
    expected = np.array(json.loads(WIDE.read_text())["model"]["coef"])
    assert np.array_equal(coef[:1024], expected) and not coef[1024:].any()


def test_a_compact_coef_in_a_k_class_file_is_refused_as_such(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, 60)
    path = logistic.save(logistic.LogisticRegression().fit(X, y), tmp_path / "k.json")
    doc = json.loads(path.read_text())
    doc["format_version"] = "1.5"
    doc["model"]["coef"] = {"indices": [0], "values": [1.0]}
    with pytest.raises(
        ModelFormatError,
        match=r"field 'model\.coef' is one sparse object, which only a binary "
        r"model's coefficients are; .* whose coef is a list of one list of 4 "
        r"numbers, or one sparse object, per class",
    ):
        _load(_resum(json.dumps(doc)))


def test_a_compact_file_claiming_another_format(text):
    with pytest.raises(
        ModelFormatError,
        match=r"'format_version' is 1\.4 but 'model\.coef' is stored compactly",
    ):
        _load(_resum(_edit(text, '"format_version": "1.5"', '"format_version": "1.4"')))
    with pytest.raises(UnsupportedVersionError, match=r"format 2\.0"):
        _load(_resum(_edit(text, '"format_version": "1.5"', '"format_version": "2.0"')))


def test_a_key_named_twice_is_refused_not_taken_last(text):
    # Python's json keeps the last value, other readers the first
    raw = _edit(text, FIRST, '"indices": [1], "indices": [53, ').encode()
    with pytest.raises(ModelFormatError, match=r"names the key 'indices' twice"):
        _load(raw)


def test_deep_nesting_inside_the_indices_is_refused(text):
    raw = _edit(text, FIRST, '"indices": [' + "[" * 100_000 + "53, ").encode()
    with pytest.raises(ModelFormatError, match=r"nests its JSON too deeply"):
        _load(raw)


def test_bytes_that_are_not_utf8_are_refused(text):
    from logistic import IntegrityError

    raw = _edit(text, RULE, RULE.replace('"x"', '"\xe9"')).encode("latin-1")
    with pytest.raises(IntegrityError, match=r"'utf-8' codec can't decode byte 0xe9"):
        _load(raw)
    with pytest.raises(ModelFormatError, match=r"is not a logistic model file"):
        _load(text.encode("utf-16"))  # a byte order mark of UTF-16, then NULs


def test_a_file_past_the_read_limit_is_refused_unread(tmp_path):
    # 600 MB (sparse on disk) starting as a model file does: refused on its
    # size before any of it is read
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.write(b'{"format": "logistic-model", "format_version": "1.5"')
        fh.truncate(600 * 2**20)

    def refused() -> None:
        with pytest.raises(
            ModelFormatError,
            match=r"is 629145600 bytes, more than the limit of 536870912 bytes "
            r"\(larger models load in Python: logistic\.load\(path, max_bytes=N\)\)",
        ):
            logistic.load(path)

    _, peaks = peaks_until(refused, 2**20)
    assert min(peaks) < 2**20, peaks


def test_predict_of_a_loaded_compact_model_on_csr_and_dense(text, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(text)
    model = logistic.load(path)
    X, _ = load_svmlight_file(
        str(FIXTURES / "wide_l1.svm"), n_features=1024, zero_based=False
    )
    dense = json.loads(WIDE.read_text())["model"]
    expected = expit(X @ np.array(dense["coef"]) + dense["intercept"])
    for data in (X.tocsr(), X.toarray()):
        np.testing.assert_allclose(
            model.predict_proba(data)[:, 1], expected, rtol=1e-12, atol=0
        )
        np.testing.assert_array_equal(
            model.predict(data), model.classes_[(expected > 0.5).astype(int)]
        )
    assert re.search(r'"format_version": "1\.5"', text)
