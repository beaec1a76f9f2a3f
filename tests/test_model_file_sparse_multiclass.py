"""Compact K-class model files (format 1.5, ``logistic.io._compact``): a wide
K-class model with few non-zero coefficients stores ``model.coef`` as K
sparse objects (indices and values, row k for ``classes[k]``), and its
positional names as the rule; every other K-class file is written as
before, byte for byte.

Reference files: ``tests/fixtures/wide_l1_k3.svm`` (150 rows, 1024 hashed
0/1 columns, 3 classes drawn from a softmax of 30 columns) and
``wide_l1_k3_format1_2.json``, written by ``logistic fit wide_l1_k3.svm
--penalty l1 --C 0.5`` of the build before K-class compact files
(``SOURCE_DATE_EPOCH=1796601600``; a dense format 1.2 file). That build's
``fista`` left 1 525 of the 3 072 coefficients at ``-0.0`` (its proximal
map's ``sign(x)·0``), which a file keeps as written; the next build's fit
was the same bits with those zeros ``+0.0``, and fista's Lipschitz halving
since moves its values by 5.9e-9 at most. The non-zero pattern and values are
checked against scikit-learn's ``saga`` fit of the same penalty.
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
from _traced_peak import peaks_until
from conftest import rewrite_model_file, run_cli
from logistic import ModelFormatError
from logistic import io as lio
from logistic.io import _compact

FIXTURES = Path(__file__).parent / "fixtures"
DENSE = FIXTURES / "wide_l1_k3_format1_2.json"
DATA = FIXTURES / "wide_l1_k3.svm"
EPOCH = "1796601600"  # SOURCE_DATE_EPOCH the fixture was written under
P = 1024


def _this_builds_fit() -> logistic.LogisticRegression:
    """The fixture's model with its ``-0.0`` cleared: what this build's fit
    of the same data gives (``test_logistic_fit_writes_k_sparse_rows``)."""
    model = logistic.load(DENSE)
    model.coef_ = model.coef_ + 0.0
    return model


@pytest.fixture
def compact(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return logistic.save(_this_builds_fit(), tmp_path / "compact.json")


def _dense_coef() -> np.ndarray:
    return np.array(json.loads(DENSE.read_text())["model"]["coef"])


# -- writing and round trip ------------------------------------------------------------
def test_logistic_fit_writes_k_sparse_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA, tmp_path / DATA.name)
    code, _, err = run_cli(
        capsys, ["fit", DATA.name, "--penalty", "l1", "--C", "0.5", "-o", "m.json"]
    )
    assert code == 0, err
    path = tmp_path / "m.json"
    doc = json.loads(path.read_text())
    dense = _dense_coef()
    assert doc["format_version"] == "1.5"
    assert doc["encoding"]["feature_names"] == {"generated": "x", "count": P}
    rows = doc["model"]["coef"]
    assert [row["indices"] for row in rows] == [np.flatnonzero(r).tolist() for r in dense]
    assert sum(len(row["indices"]) for row in rows) == 36
    # the values are the fixture's to the solver's tolerance, not its bits:
    # fista's Lipschitz halving (a later build) reaches the optimum in 41
    # iterations, not 210, and 5.9e-9 from the fixture's point at most
    # (the fixture is checked against scikit-learn's saga at 1e-5 below)
    for row, r in zip(rows, dense, strict=True):
        np.testing.assert_allclose(row["values"], r[r != 0], rtol=0, atol=1e-7)
    fit = logistic.load(path)
    np.testing.assert_allclose(fit.coef_, dense, rtol=0, atol=1e-7)
    assert not np.signbit(fit.coef_[fit.coef_ == 0]).any()  # no -0.0 left
    np.testing.assert_allclose(
        fit.intercept_, logistic.load(DENSE).intercept_, rtol=0, atol=1e-7
    )
    assert path.stat().st_size < DENSE.stat().st_size / 2  # its history is most of it


def test_the_stored_l1_fit_agrees_with_scikit_learn():
    from sklearn.datasets import load_svmlight_file
    from sklearn.linear_model import LogisticRegression as SkLogistic

    X, y = load_svmlight_file(str(DATA), n_features=P)
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    ours = _dense_coef()
    # scikit-learn's multinomial C·Σ loss + ‖W‖₁ is ours at alpha = 1/(C·n),
    # the intercepts unpenalized as ours (measured: 1.7e-6 apart)
    sk = SkLogistic(l1_ratio=1.0, C=0.5, solver="saga", tol=1e-8, max_iter=20_000)
    sk.fit(X, y)
    assert np.array_equal(sk.coef_ != 0, ours != 0)
    np.testing.assert_allclose(ours, sk.coef_, rtol=0, atol=1e-5)


def test_each_row_is_two_lines_and_a_second_save_has_the_same_bytes(compact, tmp_path):
    lines = compact.read_text().splitlines()
    for row in _dense_coef():
        at = np.flatnonzero(row).tolist()
        assert f'        "indices": {json.dumps(at)},' in lines
        assert f'        "values": {json.dumps(row[at].tolist())}' in lines
    again = logistic.save(logistic.load(compact), tmp_path / "again.json")
    assert again.read_bytes() == compact.read_bytes()


def test_the_dense_file_of_the_build_before_saves_again_byte_for_byte(
    tmp_path, monkeypatch
):
    # its -0.0 are coefficients as written: 1 558 of 3 072 stored, more than
    # a third, so it stays the format 1.2 file it was
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = logistic.save(logistic.load(DENSE), tmp_path / "again.json")
    assert again.read_bytes() == DENSE.read_bytes()
    assert json.loads(again.read_text())["format_version"] == "1.2"


def test_a_narrow_or_dense_k_class_model_is_written_as_before(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, 60)
    doc = json.loads(
        logistic.save(logistic.LogisticRegression().fit(X, y), tmp_path / "k.json")
        .read_text()
    )
    assert doc["format_version"] == "1.2"
    assert all(isinstance(row, list) for row in doc["model"]["coef"])
    m = _this_builds_fit()
    m.coef_ = rng.normal(size=(3, P))  # every coefficient stored
    doc = json.loads(logistic.save(m, tmp_path / "d.json").read_text())
    assert doc["format_version"] == "1.2"
    assert doc["encoding"]["feature_names"] == [f"x{j}" for j in range(1, P + 1)]


def test_the_reference_parametrization_keeps_its_row_of_zeros(tmp_path):
    # an unpenalized fit's first row and intercept are exactly 0: an empty
    # sparse object, read back as the zeros the parametrization requires
    coef = np.zeros((3, 2048))
    coef[1, [4, 900]] = [0.5, -1.25]
    coef[2, [7]] = [2.0]
    m = logistic.LogisticRegression(penalty=None)
    m.coef_, m.intercept_ = coef, np.array([0.0, 0.25, -0.5])
    m.classes_, m.n_features_in_, m.n_iter_ = np.array(["a", "b", "c"]), 2048, np.array([3])
    path = logistic.save(m, tmp_path / "r.json")
    doc = json.loads(path.read_text())
    assert doc["model"]["parametrization"] == "reference"
    assert doc["model"]["coef"][0] == {"indices": [], "values": []}
    back = logistic.load(path)
    assert np.array_equal(back.coef_, coef) and list(back.classes_) == ["a", "b", "c"]
    rewrite_model_file(
        path, lambda d: d["model"]["coef"][0].update(indices=[3], values=[0.5])
    )
    with pytest.raises(ModelFormatError, match=r"row 0 .* must be 0 in the reference"):
        lio.read_model_file(path)


# -- the command line --------------------------------------------------------------------
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_predict_and_evaluate_of_a_compact_file_match_the_dense_file(
    compact, tmp_path, monkeypatch, capsys, command
):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / DATA.name
    shutil.copy(DATA, data)
    outs = []
    for name, model in (("dense", DENSE), ("compact", compact)):
        extra = ["-o", f"{name}.csv"] if command == "predict" else ["--json"]
        code, out, err = run_cli(capsys, [command, model, data, *extra])
        assert code == 0, err
        outs.append(out if command == "evaluate" else Path(f"{name}.csv").read_bytes())
    assert outs[0] == outs[1]


# -- hostile files: each refusal names its field ---------------------------------------
def _row(k, **changes):
    def edit(doc):
        doc["model"]["coef"][k].update(changes)

    return edit


def _set_row(k, value):
    def edit(doc):
        doc["model"]["coef"][k] = value

    return edit


def _drop_class(doc):
    doc["model"]["coef"].pop()
    doc["model"]["intercept"].pop()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_row(1, indices=[5, 5], values=[1.0, 2.0]), r"'model\.coef\[1\]\.indices' must be strictly increasing: 5 at position 1 comes twice \(a duplicate\)"),
        (_row(2, indices=[9, 3], values=[1.0, 2.0]), r"'model\.coef\[2\]\.indices' must be strictly increasing: 3 at position 1 comes after a larger one"),
        (_row(2, indices=[1024], values=[1.0]), r"'model\.coef\[2\]\.indices' holds 1024 outside \[0, 1024\)"),
        (_row(0, indices=[-1], values=[1.0]), r"'model\.coef\[0\]\.indices' holds -1 outside"),
        (_row(0, indices=["3"], values=[1.0]), r"'model\.coef\[0\]\.indices' must hold integers only, got '3' at position 0"),
        (_row(0, indices=[True], values=[1.0]), r"'model\.coef\[0\]\.indices' must hold integers only"),
        (_row(1, indices=[3], values=["1"]), r"'model\.coef\[1\]\.values' must hold numbers only"),
        (_row(1, indices=[3], values=[10**400]), r"'model\.coef\[1\]\.values' holds non-finite values"),
        (_row(1, indices=[3, 4], values=[1.0]), r"'model\.coef\[1\]\.indices' and 'model\.coef\[1\]\.values' have different lengths \(2 and 1\)"),
        (_row(1, shape=[3]), r"'model\.coef\[1\]' must be a list of 1024 numbers or an object of 'indices' and 'values' only \(missing \[\], unknown \['shape'\]\)"),
        (lambda d: d["model"]["coef"][2].pop("values"), r"'model\.coef\[2\]' .* \(missing \['values'\]"),
        (_set_row(1, [0.0] * 1024), r"'model\.coef\[1\]' is a list but 'model\.coef\[0\]' is stored compactly; a K-class coef is K sparse objects or K lists of 1024 numbers, not a mix"),
        (_set_row(0, [0.0] * 1024), r"'model\.coef\[0\]' is a list but 'model\.coef\[1\]' is stored compactly"),
        (_set_row(1, 0.5), r"'model\.coef\[1\]' is a float but the other rows of 'model\.coef' are a K-class model's; each of its 3 rows is a list of 1024 numbers or a sparse object"),
        (_set_row(2, None), r"'model\.coef\[2\]' is a NoneType but the other rows"),
        (_drop_class, r"'model\.coef' holds 2 rows; a K-class model has 3 to 1000"),
        (lambda d: d["model"]["intercept"].pop(), r"'model\.intercept' must be a list of 3 numbers \(one per row of 'model\.coef'\), got 2"),
        (lambda d: d.update(format_version="1.4"), r"'format_version' is 1\.4 but 'model\.coef' is stored compactly \(format 1\.5 or later\)"),
        (lambda d: d["model"].update(coef_dtype="<f4"), r"'model\.coef' holds values that are not exact '<f4'"),
        (lambda d: d["model"].update(coef={"indices": [0], "values": [1.0]}), r"'model\.coef' is one sparse object, which only a binary model's coefficients are"),
    ],
)  # fmt: skip
def test_hostile_k_class_rows_are_refused_naming_the_field(compact, edit, message):
    rewrite_model_file(compact, edit)
    with pytest.raises(ModelFormatError, match=message):
        lio.read_model_file(compact)


def test_a_number_among_dense_k_class_rows_is_named_by_position(tmp_path):
    # the K-class layout of the build before (dense format 1.2): a row that
    # is a number was refused as "'model.coef' must be a list of 1024
    # numbers, got 3", a binary model's message for a file of 3 classes
    path = tmp_path / "dense.json"
    shutil.copy(DENSE, path)
    rewrite_model_file(path, _set_row(1, 0.5))
    with pytest.raises(ModelFormatError, match=r"'model\.coef\[1\]' is a float but"):
        lio.read_model_file(path)


def test_readers_before_this_build_refuse_the_file_never_misread_it(compact):
    # builds reading format 1.2 to 1.5 take a coef of lists for K classes and
    # a coef of numbers (or, from 1.5, one object) for two: a list of objects
    # is neither, so each refuses it on 'model.coef' (logistic 0.1.0 of the
    # build before: "field 'model.coef' must be a list of 1024 numbers, got 3")
    coef = json.loads(compact.read_text())["model"]["coef"]
    assert isinstance(coef, list) and len(coef) == 3
    assert all(isinstance(row, dict) for row in coef)


def test_k_rows_beyond_memory_are_refused_before_allocating(compact, monkeypatch):
    # a file of a few kilobytes claiming the largest width a file may have,
    # 3 rows: 3 x 5e7 x 8 B = 1.1 GiB of coefficients, weighed with the
    # names (5e7 x 72 B = 3.4 GiB) before anything is built
    n = lio.MAX_FEATURES

    def widen(doc):
        doc["model"]["n_features_in"] = n
        doc["encoding"].update(n_features=n, feature_names={"generated": "x", "count": n})

    raw = rewrite_model_file(compact, widen).read_bytes()
    monkeypatch.setattr(_compact, "fits_memory", lambda size: size < 2**30)

    def refused() -> None:
        with pytest.raises(
            ModelFormatError,
            match=r"compact fields expand to 4\.5 GiB in all \('model\.coef' 1\.1 "
            r"GiB, 'encoding\.feature_names' 3\.4 GiB\)",
        ):
            lio.read_model_bytes(raw, "m.json")

    _, peaks = peaks_until(refused, 2**26)
    assert min(peaks) < 2**26, peaks
    rows = [{"indices": [], "values": []}] * 3
    with pytest.raises(
        ModelFormatError,
        match=r"field 'model\.coef' expands to 3 rows of 50,000,000 features \(1\.1 GiB\)",
    ):
        _compact.rows_from_dict(rows, n, "m.json")


def test_more_rows_than_classes_allowed_are_refused_unbuilt(compact):
    # 1 001 empty rows of 1024: the row count is refused before any row is read
    def edit(doc):
        doc["model"]["coef"] = [{"indices": [], "values": []}] * 1001
        doc["model"]["intercept"] = [0.0] * 1001

    rewrite_model_file(compact, edit)
    with pytest.raises(ModelFormatError, match=r"'model\.coef' holds 1001 rows"):
        lio.read_model_file(compact)


_ANY = st.one_of(
    st.integers(-3, 1030),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)
_VALID_INDICES = st.lists(st.integers(0, P - 1), unique=True, max_size=5).map(sorted)
_VALID = _VALID_INDICES.flatmap(
    lambda at: st.tuples(
        st.just(at), st.lists(st.floats(-1e300, 1e300), min_size=len(at), max_size=len(at))
    )
)
_ROW = st.one_of(_VALID, st.tuples(st.lists(_ANY, max_size=4), st.lists(_ANY, max_size=4)))


@functools.cache
def _compact_text() -> str:
    with tempfile.TemporaryDirectory() as folder:
        return logistic.save(_this_builds_fit(), Path(folder) / "c.json").read_text()


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(_ROW, min_size=3, max_size=3))
def test_any_k_sparse_rows_load_exactly_or_are_refused(rows):
    # the valid file with its three rows replaced (checksum recomputed):
    # either a field's ModelFormatError, or the coefficients the rows state
    doc = json.loads(_compact_text())
    doc["model"]["coef"] = [{"indices": i, "values": v} for i, v in rows]
    doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
    try:
        coef = lio.read_model_bytes(json.dumps(doc).encode(), "fuzz.json").model.coef_
    except ModelFormatError:
        return
    expected = np.zeros((3, P))
    for k, (indices, values) in enumerate(rows):
        expected[k, np.array(indices, dtype=int)] = values
    assert np.array_equal(coef, expected)
