"""Model files of K > 2 classes and the command line's K-class target encoding.

``logistic.save``/``load`` of multinomial models (format 1.2, io/_multinomial):
predictions after loading equal those before, bit for bit; the statistics of
an unpenalized fit travel with the file, so ``load(path).inference()`` gives
statsmodels ``MNLogit``'s standard errors (anes96, bundled with statsmodels)
without the data; every K-class field is checked at load. Then
``tabular._labels``: K levels coded ``0 … K-1`` with a reference level first,
stored in the model file's encoding and checked there.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistic
from conftest import data_path, rewrite_model_file
from logistic import DataValidationError, LogisticRegression, ModelFormatError
from logistic import io as lio
from logistic._exceptions import PerfectSeparationWarning
from logistic.tabular import apply_design, fit_design, read_data
from logistic.tabular._labels import (
    apply_labels,
    fit_class_labels,
    fit_target_labels,
    mapping_levels,
)

SPECIES = np.array(["setosa", "versicolor", "virginica"])


@pytest.fixture(scope="module")
def iris():
    raw = read_data(data_path("iris", "iris.csv"))
    X = np.column_stack(
        [
            np.asarray(raw.table.column(c).to_numpy(), dtype=float)
            for c in raw.table.column_names[:4]
        ]
    )
    y = np.searchsorted(SPECIES, np.asarray(raw.table.column("species").to_pylist()))
    return X, y


@pytest.fixture(scope="module")
def anes96():
    sm = pytest.importorskip("statsmodels.api")
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)  # logpopul, selfLR, age, educ, income
    y = np.asarray(data.endog, dtype=float)  # party identification, 7 levels
    return X, y


_rewrite = rewrite_model_file


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        return LogisticRegression(**params).fit(X, y)


# -- round trips -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["int", "float", "str"])
@pytest.mark.parametrize(
    "params", [{}, {"penalty": "l2", "C": 1.0}, {"penalty": "l1", "C": 0.5}]
)
def test_predictions_after_load_equal_those_before(iris, tmp_path, kind, params):
    X, y = iris
    labels = {"int": y, "float": y.astype(float) * 10 - 5, "str": SPECIES[y]}[kind]
    model = _fit(X, labels, **params)
    path = logistic.save(model, tmp_path / "m.json")
    doc = json.loads(path.read_text())
    loaded = logistic.load(path)
    assert doc["format_version"] == "1.2"
    assert doc["model"]["parametrization"] == ("symmetric" if params else "reference")
    assert loaded.coef_.dtype == model.coef_.dtype and loaded.coef_.shape == (3, 4)
    assert np.array_equal(loaded.coef_, model.coef_)
    assert np.array_equal(loaded.intercept_, model.intercept_)
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert loaded.classes_.dtype == model.classes_.dtype
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(loaded.predict(X), model.predict(X))
    assert np.array_equal(loaded.decision_function(X), model.decision_function(X))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    K=st.integers(3, 6),
    numbers=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64),
        min_size=36,
        max_size=36,
    ),
    labels=st.sampled_from(["int", "str", "float"]),
)
def test_any_finite_coefficients_read_back_bit_for_bit(
    iris, tmp_path, K, numbers, labels
):
    # -0.0, subnormals and the largest floats included
    X, y = iris
    model = _fit(X[:, :2], y % K if K <= 3 else np.arange(150) % K, penalty="l2", C=1.0)
    values = np.array(numbers[: K * 3]).reshape(K, 3)
    model.coef_, model.intercept_ = values[:, :2].copy(), values[:, 2].copy()
    model.classes_ = {
        "int": np.arange(K) * 7 - 3,
        "str": np.array([f"c{k}é" for k in range(K)]),
        "float": np.arange(K) / 4.0,
    }[labels]
    loaded = logistic.load(logistic.save(model, tmp_path / "p.json"))
    assert loaded.coef_.tobytes() == model.coef_.tobytes()
    assert loaded.intercept_.tobytes() == model.intercept_.tobytes()
    assert loaded.classes_.tolist() == model.classes_.tolist()


def test_float32_coefficients_round_trip(iris, tmp_path):
    X, y = iris
    model = _fit(X.astype(np.float32), y, penalty="l2", C=1.0)
    loaded = logistic.load(logistic.save(model, tmp_path / "m.json"))
    assert loaded.coef_.dtype == model.coef_.dtype
    assert np.array_equal(loaded.coef_, model.coef_)
    X32 = X.astype(np.float32)
    assert np.array_equal(loaded.predict_proba(X32), model.predict_proba(X32))


def test_binary_files_keep_the_format_1_1_layout(iris, tmp_path):
    X, y = iris
    keep = y > 0
    model = _fit(X[keep], y[keep], penalty="l2", C=1.0)
    doc = json.loads(logistic.save(model, tmp_path / "m.json").read_text())
    section = doc["model"]
    assert doc["format_version"] == "1.1" and "parametrization" not in section
    assert isinstance(section["intercept"], float) and len(section["coef"]) == 4
    assert all(isinstance(c, float) for c in section["coef"])


def test_dataframe_names_and_text_columns_round_trip(iris, tmp_path):
    pd = pytest.importorskip("pandas")
    X, y = iris
    frame = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    frame["size"] = np.where(X[:, 0] > 5.8, "big", "small")  # a text column
    model = _fit(frame, SPECIES[y], penalty="l2", C=1.0)
    loaded = logistic.load(logistic.save(model, tmp_path / "m.json"))
    assert list(loaded.feature_names_in_) == list(model.feature_names_in_)
    assert loaded.encoding_ == model.encoding_
    assert np.array_equal(loaded.predict_proba(frame), model.predict_proba(frame))


def test_saving_a_loaded_model_writes_the_same_sections(anes96, tmp_path):
    X, y = anes96
    first = logistic.save(_fit(X, y), tmp_path / "a.json")
    second = logistic.save(logistic.load(first), tmp_path / "b.json")
    a, b = (json.loads(p.read_text()) for p in (first, second))
    assert a["model"] == b["model"]
    assert a["training"] == b["training"] and a["covariance"]["names"][:2] == [
        "1.0:x1",
        "1.0:x2",
    ]
    assert a["covariance"] == b["covariance"]  # the file's, as read


# -- inference without the data --------------------------------------------------------
def test_inference_after_load_equals_statsmodels_mnlogit(anes96, tmp_path):
    sm = pytest.importorskip("statsmodels.api")
    X, y = anes96
    model = _fit(X, y)  # unpenalized: reference parametrization
    loaded = logistic.load(logistic.save(model, tmp_path / "m.json"))
    ref = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=0
    )
    inf = loaded.inference()
    np.testing.assert_allclose(inf.bse, np.asarray(ref.bse).T, rtol=1e-6)
    np.testing.assert_allclose(
        inf.pvalues, np.asarray(ref.pvalues).T, rtol=1e-6, atol=1e-12
    )
    assert inf.llf == pytest.approx(ref.llf, rel=1e-12)
    assert inf.aic == pytest.approx(ref.aic, rel=1e-12)
    assert inf.llnull == pytest.approx(ref.llnull, rel=1e-8)
    # the fitted model's own numbers, to the rounding of one inversion
    np.testing.assert_allclose(inf.bse, model.inference().bse, rtol=1e-10)
    assert loaded.summary().as_text() == model.summary().as_text()
    for key in ("mean", "offset_mean"):  # for marginal effects at the means
        kept, read = (getattr(m.fit_statistics_, key) for m in (model, loaded))
        assert kept is not None and np.array_equal(read, kept)


def test_separation_survives_the_file(iris, tmp_path):
    # unpenalized iris is quasi-completely separated: the loaded model's
    # summary still says the MLE does not exist
    X, y = iris
    model = _fit(X, y)
    assert model.separation_ == "quasi-complete"
    loaded = logistic.load(logistic.save(model, tmp_path / "m.json"))
    assert loaded.separation_ == "quasi-complete"
    assert "Separation (quasi-complete)" in loaded.summary().as_text()


def test_penalized_file_has_no_covariance_and_no_summary(iris, tmp_path):
    X, y = iris
    path = logistic.save(_fit(X, y, penalty="l2", C=1.0), tmp_path / "m.json")
    doc = json.loads(path.read_text())
    assert doc["covariance"] is None and "fit_statistics" not in doc["training"]
    with pytest.raises(ValueError, match="needs an unpenalized fit"):
        logistic.load(path).summary()


# -- every K-class field checked (hostile files) ---------------------------------------
@pytest.fixture(scope="module")
def anes_file(anes96, tmp_path_factory):
    X, y = anes96
    return logistic.save(
        _fit(X, y), tmp_path_factory.mktemp("f") / "m.json"
    ).read_text()


def _stats(d):
    return d["training"]["fit_statistics"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["model"]["coef"].pop(), r"'model\.intercept' must be a list of 6 numbers \(one per row"),
        (lambda d: (d["model"]["coef"].pop(), d["model"]["intercept"].pop()), r"'model\.classes\.values' must hold 6"),
        (lambda d: d["model"]["coef"][1].pop(), r"'model\.coef\[1\]' must be a list of 5"),
        (lambda d: d["model"]["coef"][2].__setitem__(0, True), r"'model\.coef\[2\]' must hold numbers"),
        (lambda d: d["model"]["coef"][2].__setitem__(0, 10**400), r"'model\.coef\[2\]' holds non-finite"),
        (lambda d: d["model"].update(coef=[[0.0] * 5] * 2), r"'model\.coef' holds 2 rows"),
        (lambda d: d["model"]["intercept"].pop(), r"'model\.intercept' must be a list of 7"),
        (lambda d: d["model"].update(intercept=0.0), r"'model\.intercept' must be a list of 7"),
        (lambda d: d["model"]["intercept"].__setitem__(3, "1"), r"'model\.intercept' must hold numbers"),
        (lambda d: d["model"]["classes"]["values"].append(7.0), r"must hold 7 distinct labels"),
        (lambda d: d["model"]["classes"].update(values=[0.0, 1.0, 1.0, 3.0, 4.0, 5.0, 6.0]), r"must hold 7 distinct labels"),
        (lambda d: d["model"]["classes"].update(dtype="object", values=list("abcdefa")), r"must hold 7 distinct labels of one kind"),
        (lambda d: d["model"].update(parametrization="other"), r"'model\.parametrization' is 'other'"),
        (lambda d: d["model"].pop("parametrization"), r"'model\.parametrization' is None"),
        (lambda d: d["model"].update(parametrization="symmetric"), r"'model\.parametrization' is 'symmetric'"),
        (lambda d: d["model"].update(separation="none"), r"'model\.separation' is 'none'"),
        (lambda d: d["model"]["coef"][0].__setitem__(1, 0.5), r"row 0 and 'model\.intercept\[0\]' must be 0"),
        (lambda d: d["model"]["intercept"].__setitem__(0, 0.5), r"row 0 and 'model\.intercept\[0\]' must be 0"),
        (lambda d: d["model"].update(coef_dtype="<f4"), r"'model\.coef' holds values that are not exact"),
        (lambda d: d.update(format_version="1.1"), r"'format_version' is 1\.1 but the model has 7 classes"),
        (lambda d: d["covariance"]["matrix"].pop(), r"'covariance\.matrix' must be 36 x 36"),
        (lambda d: _stats(d).pop("kind"), r"'training\.fit_statistics' must be an object with"),
        (lambda d: _stats(d)["class_totals"].pop(), r"'training\.fit_statistics\.class_totals' must be a list of 7"),
        (lambda d: _stats(d)["class_totals"].__setitem__(0, 1.0), r"class_totals' must be 7 non-negative numbers summing"),
        (lambda d: _stats(d).update(n_samples=True), r"'training\.fit_statistics\.n_samples' must be a positive"),
        (lambda d: _stats(d).update(llf=12.5), r"'training\.fit_statistics\.llf' must be <= 0"),
        (lambda d: _stats(d).update(llf=-(10**400)), r"'training\.fit_statistics\.llf' must hold finite"),
        (lambda d: _stats(d)["mean"].__setitem__(0, 10**400), r"'training\.fit_statistics\.mean' must hold finite"),
        (lambda d: _stats(d).update(weight_sum=-1.0), r"class_totals' must be 7|weight_sum' must be positive"),
        (lambda d: _stats(d)["mean"].pop(), r"'training\.fit_statistics\.mean' must be a list of 5"),
        (lambda d: _stats(d)["offset_mean"].__setitem__(2, "x"), r"'training\.fit_statistics\.offset_mean' must hold numbers"),
    ],
)  # fmt: skip
def test_every_multiclass_field_is_checked(anes_file, tmp_path, edit, message):
    path = tmp_path / "m.json"
    path.write_text(anes_file)
    _rewrite(path, edit)
    with pytest.raises(ModelFormatError, match=message) as info:
        logistic.load(path)
    assert str(info.value).startswith(f"model file {path}: ")


def test_non_finite_values_never_reach_a_model(anes_file):
    # NaN and Infinity are not JSON: a file holding them fails its checksum,
    # and the schema refuses them when handed a section directly
    text = anes_file.replace('"coef": [\n      [\n        0.0', '"coef": [[NaN', 1)
    with pytest.raises(ModelFormatError):
        lio.read_model_bytes(text.encode(), "nan.json")
    section = json.loads(anes_file)["model"]
    section["coef"][3][2] = float("inf")
    with pytest.raises(ModelFormatError, match=r"'model\.coef\[3\]' holds non-finite"):
        lio.model_from_dict(section, "inf.json")


def test_saving_non_finite_coefficients_is_refused(iris, tmp_path):
    X, y = iris
    model = _fit(X, y, penalty="l2", C=1.0)
    model.coef_ = model.coef_.copy()
    model.coef_[1, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        logistic.save(model, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


# -- the command line's K-class target encoding ----------------------------------------
def test_levels_sorted_with_the_reference_first():
    y = np.array([10, 2, 3, 2, 10, 3])
    codes, mapping = fit_class_labels(y, "grade", "g.csv")
    assert mapping == {"column": "grade", "levels": [2, 3, 10]}  # numbers as numbers
    assert codes.tolist() == [2.0, 0.0, 1.0, 0.0, 2.0, 1.0]
    codes, mapping = fit_class_labels(y, "grade", "g.csv", reference="10")  # as text
    assert mapping["levels"] == [10, 2, 3]
    assert codes.tolist() == [0.0, 1.0, 2.0, 1.0, 0.0, 2.0]
    assert mapping_levels(mapping) == [10, 2, 3]
    assert mapping_levels({"negative": "n", "positive": "p"}) == ["n", "p"]


def test_unseen_levels_name_the_column_file_and_known_levels():
    _, mapping = fit_class_labels(
        np.array(["b", "a", "c"], dtype=object), "kind", "t.csv"
    )
    assert apply_labels(
        np.array(["c", "a"], dtype=object), mapping, "e.csv"
    ).tolist() == [2.0, 0.0]
    with pytest.raises(
        DataValidationError,
        match=r"target column 'kind' in e\.csv has values the model was not trained "
        r"on: 'z' \(n=2\) \(expected one of the 3 levels 'a', 'b', 'c'\)",
    ):
        apply_labels(np.array(["a", "z", "z"], dtype=object), mapping, "e.csv")


@pytest.mark.parametrize(
    ("values", "positive", "reference", "message"),
    [
        (["a", "b", "c"], "a", None, "--positive applies to a target of two classes"),
        (
            ["a", "b", "a"],
            None,
            "a",
            "--reference applies to a target of more than two",
        ),
        (["a", "b", "c"], None, "d", "--reference 'd' is not a value of the target"),
        ([0.5, 1.5, 2.5], None, None, "non-integral numbers"),
        (list(range(1001)), None, None, "more than the 1000 classes"),
    ],
)
def test_target_label_errors(values, positive, reference, message):
    y = np.array(values, dtype=object if isinstance(values[0], str) else None)
    with pytest.raises(DataValidationError, match=message):
        fit_target_labels(y, "y", "d.csv", positive, reference)


def test_two_values_keep_the_binary_mapping():
    codes, mapping = fit_target_labels(
        np.array(["no", "yes", "no"], dtype=object), "y", "d.csv"
    )
    assert mapping == {"column": "y", "negative": "no", "positive": "yes"}
    assert codes.tolist() == [0.0, 1.0, 0.0]


def test_file_levels_with_a_reference_fit_and_reload(iris, tmp_path):
    # species with virginica as the reference: coefficients equal a fit of
    # the same data whose labels put virginica first by hand
    raw = read_data(data_path("iris", "iris.csv"))
    design = fit_design(raw, target="species", reference="virginica")
    assert design.encoding["label"]["levels"] == ["virginica", "setosa", "versicolor"]
    X, y = iris
    by_hand = np.array([1.0, 2.0, 0.0])[y]  # setosa 1, versicolor 2, virginica 0
    assert np.array_equal(design.y, by_hand)
    model = _fit(design.X, design.y, penalty="l2", C=1.0)
    np.testing.assert_allclose(model.coef_, _fit(X, by_hand, penalty="l2", C=1.0).coef_)
    path = logistic.save(model, tmp_path / "m.json", encoding=design.encoding)
    mf = lio.read_model_file(path)
    assert mf.encoding["label"] == design.encoding["label"]
    again = apply_design(raw, mf.encoding, with_target=True)
    assert np.array_equal(again.y, design.y)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lab: lab.update(levels=["a", "b", "a"]), "holds the same level twice"),
        (lambda lab: lab.update(levels=["a", "b"]), "must be a list of 3 to 1000 values"),
        (lambda lab: lab.update(levels=["a", 1, "c"]), "values of one type"),
        (lambda lab: lab.update(levels=["a", None, "c"]), "strings, booleans, finite numbers or integers within 64 bits"),
        (lambda lab: lab.update(levels=["a", "b", "c", "d"]), "lists 4 levels but the model has 3"),
        (lambda lab: (lab.pop("levels"), lab.update(negative="a", positive="b")), "maps two values but the model has 3"),
    ],
)  # fmt: skip
def test_stored_levels_are_checked(iris, tmp_path, edit, message):
    raw = read_data(data_path("iris", "iris.csv"))
    design = fit_design(raw, target="species")
    model = _fit(design.X, design.y, penalty="l2", C=1.0)
    path = logistic.save(model, tmp_path / "m.json", encoding=design.encoding)
    _rewrite(path, lambda d: edit(d["encoding"]["label"]))
    with pytest.raises(ModelFormatError, match=message):
        logistic.load(path)
    bad = dict(design.encoding, label=dict(design.encoding["label"]))
    edit(bad["label"])
    with pytest.raises(ModelFormatError, match=message):  # nothing invalid is written
        logistic.save(model, tmp_path / "n.json", encoding=bad)
    assert not (tmp_path / "n.json").exists()


def test_levels_need_a_model_fitted_on_their_codes(iris, tmp_path):
    """A model whose classes are the levels themselves, in the encoding's
    code order (what ``logistic.load`` gives of a file written by ``fit``),
    is written with the codes; in another order it is refused."""
    X, y = iris
    raw = read_data(data_path("iris", "iris.csv"))
    design = fit_design(raw, target="species")
    model = _fit(X, SPECIES[y], penalty="l2", C=1.0)  # classes are the names
    logistic.save(model, tmp_path / "m.json", encoding=design.encoding)
    again = logistic.load(tmp_path / "m.json")
    assert again.classes_.tolist() == model.classes_.tolist()
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    other = fit_design(raw, target="species", reference="virginica")
    with pytest.raises(
        ModelFormatError, match=r"'model\.classes' must be the codes 0 … 2"
    ):
        logistic.save(model, tmp_path / "o.json", encoding=other.encoding)
