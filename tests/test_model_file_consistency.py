"""Model files whose fields contradict each other are refused at load.

Each case starts from a valid file made by a fit, edits it as an attacker
would (the JSON changed, the sha256 recomputed: a checksum authenticates
nothing) and expects :class:`ModelFormatError` naming the field
(:mod:`logistic.io._consistency` and the checks it feeds).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path
from logistic import ModelFormatError
from logistic import io as lio

UCLA = data_path("ucla-admissions", "binary.csv")


def _cli_fit(directory: Path, name: str, *args: str) -> Path:
    from logistic.cli.app import main

    out = directory / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["fit", *args, "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Valid files: a formula fit, a plain-columns fit, a K-class fit (CLI)
    and a pandas fit with text columns (Python)."""
    d = tmp_path_factory.mktemp("consistency")
    formula = "admit ~ np.log(gre) + I(gpa**2) + C(rank)"
    out = {
        "formula": _cli_fit(d, "f2.json", str(UCLA), "--formula", formula),
        "plain": _cli_fit(d, "plain.json", str(UCLA), "--target", "admit"),
        "iris": _cli_fit(
            d, "iris.json", str(data_path("iris", "iris.csv")), "--target", "species"
        ),
    }
    df = pd.read_csv(UCLA)
    df["rank_s"] = df["rank"].map({1: "one", 2: "two", 3: "three", 4: "four"})
    df["rank_c"] = pd.Categorical(df["rank"].map({1: "a", 2: "b", 3: "c", 4: "d"}))
    model = logistic.LogisticRegression(penalty="l2").fit(
        df[["gre", "gpa", "rank_s", "rank_c"]], df["admit"]
    )
    out["frame"] = logistic.save(model, d / "frame.json")
    return out


def _edited(source: Path, tmp_path: Path, edit) -> Path:
    """A copy of ``source`` edited by ``edit(doc)``, re-signed."""
    doc = json.loads(source.read_text())
    edit(doc)
    body = {k: v for k, v in doc.items() if k != "checksum"}
    canonical = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode()
    doc["checksum"] = {"algorithm": "sha256", "value": hashlib.sha256(canonical).hexdigest()}
    p = tmp_path / "edited.json"
    p.write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    return p


def _refused(path: Path, *fragments: str) -> str:
    with pytest.raises(ModelFormatError) as info:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logistic.load(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def _drop_statistics(doc: dict[str, Any]) -> None:
    doc["covariance"] = None
    doc["training"].pop("fit_statistics", None)
    doc["training"].pop("statistics", None)


# -- 1. covariance.names --------------------------------------------------------------
def test_relabelled_covariance_names_are_refused(files, tmp_path):
    def edit(doc):
        doc["covariance"]["names"] = ["gre", "gpa", "rank", "Intercept"]

    _refused(_edited(files["plain"], tmp_path, edit), "'covariance.names'", "Intercept")


def test_swapped_covariance_names_are_refused(files, tmp_path):
    def edit(doc):
        doc["covariance"]["names"] = ["Intercept", "gpa", "gre", "rank"]

    _refused(_edited(files["plain"], tmp_path, edit), "'covariance.names'")


def test_k_class_covariance_names_out_of_order_are_refused(files, tmp_path):
    def edit(doc):
        names = doc["covariance"]["names"]
        q = len(names) // 2  # two equations: swap them
        doc["covariance"]["names"] = names[q:] + names[:q]

    _refused(_edited(files["iris"], tmp_path, edit), "'covariance.names'", "1.0:")


def test_writer_orders_of_covariance_names_load(files, tmp_path):
    """The orders writers give: CLI binary and K-class files, a caller's
    intercept-last covariance without fit statistics."""
    for key in ("plain", "formula", "iris"):
        names = json.loads(files[key].read_text())["covariance"]["names"]
        assert names[0] == "Intercept" or names[0].startswith("1.0:")
        logistic.load(files[key])
    X, y, _ = logistic.datasets.load_ucla_admissions()
    model = logistic.LogisticRegression().fit(X, y)
    res = model.inference()
    perm = np.r_[1 : res.k_params, 0]
    cov = np.asarray(res.cov_params())[np.ix_(perm, perm)]
    names = [res.term_names[j] for j in perm]
    p = logistic.save(model, tmp_path / "last.json", covariance=cov, covariance_names=names)
    assert lio.read_model_file(p).covariance_names == names
    with pytest.raises(ValueError, match="order a model file does not record"):
        logistic.save(
            model, tmp_path / "bad.json", covariance=cov, covariance_names=names[::-1]
        )


def test_covariance_labels_must_name_the_intercept(tmp_path):
    """Labels of the caller's own are kept, but readers place the intercept by
    its name alone (last when no name is ``Intercept``): ``cov_params()``
    (intercept first) saved under ``c0, c1, …`` would be read with the
    intercept's variance on a slope, so the save is refused. Named, the
    stored matrix gives the fitted model's prediction standard errors."""
    X, y, _ = logistic.datasets.load_ucla_admissions()
    model = logistic.LogisticRegression().fit(X, y)
    res = model.inference()
    cov = np.asarray(res.cov_params())
    labels = [f"c{i}" for i in range(res.k_params)]
    with pytest.raises(ValueError, match="do not name the intercept; call its row 'Intercept'"):
        logistic.save(model, tmp_path / "c.json", covariance=cov, covariance_names=labels)
    assert not (tmp_path / "c.json").exists()
    labels[0] = "Intercept"
    p = logistic.save(model, tmp_path / "c.json", covariance=cov, covariance_names=labels)
    assert lio.read_model_file(p).covariance_names == labels
    got = logistic.load(p).predict_interval(X[:5])
    np.testing.assert_allclose(
        np.asarray(got, dtype=float), np.asarray(model.predict_interval(X[:5]), dtype=float),
        rtol=1e-12,
    )


# -- 2. a covariance that is not positive semidefinite ---------------------------------
@pytest.mark.parametrize(
    ("matrix", "fragments"),
    [
        (
            [
                [1.0, 0, -10.0, 0],
                [0, 1e-6, 0, 0],
                [-10.0, 0, 0.1, 0],
                [0, 0, 0, 0.01],
            ],
            ("'covariance.matrix'", "not positive semidefinite"),
        ),
        # every |correlation| < 1, yet indefinite: pairwise checks miss it
        (
            [
                [1.0, -0.6, -0.6, 0.0],
                [-0.6, 1.0, -0.6, 0.0],
                [-0.6, -0.6, 1.0, 0.0],
                [0.0, 0.0, 0.0, 1.0],
            ],
            ("not positive semidefinite",),
        ),
    ],
    ids=["a correlation beyond one", "correlations within one"],
)
def test_indefinite_covariance_is_refused(files, tmp_path, matrix, fragments):
    def edit(doc):
        doc["training"].pop("fit_statistics")
        doc["covariance"]["matrix"] = matrix

    _refused(_edited(files["plain"], tmp_path, edit), *fragments)


# -- 3. fit_statistics.theta against the coefficients ---------------------------------
def test_coefficient_contradicting_theta_is_refused(files, tmp_path):
    def edit(doc):
        doc["model"]["coef"][0] = 5.0

    _refused(
        _edited(files["formula"], tmp_path, edit),
        "'training.fit_statistics.theta'",
        "'model.coef[0]' is 5.0",
    )


def test_theta_contradicting_the_intercept_is_refused(files, tmp_path):
    def edit(doc):
        doc["training"]["fit_statistics"]["theta"][-1] += 1e-6

    _refused(_edited(files["formula"], tmp_path, edit), "'model.intercept'")


def test_theta_of_an_aliased_fit_and_of_float32_loads(tmp_path):
    """An aliased fit's coefficients are its reduced estimate, a float32
    model's its theta rounded: both load."""
    df = pd.read_csv(UCLA)
    X = df[["gre", "gpa", "rank"]].assign(g2=df["gre"] / 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aliased = logistic.LogisticRegression().fit(X, df["admit"])
        p = logistic.save(aliased, tmp_path / "aliased.json")
        assert logistic.load(p).fit_statistics_ is not None
        x32 = df[["gre", "gpa", "rank"]].to_numpy(np.float32)
        single = logistic.LogisticRegression().fit(x32, df["admit"].to_numpy())
        q = logistic.save(single, tmp_path / "f32.json")
        logistic.load(q)


def test_theta_beyond_four_units_in_the_last_place_is_refused(files, tmp_path):
    """The tolerance is 4 ulp of the coefficients (float64 here): theta moved
    by 1e-12 relative (about 4 500 ulp) is an edit, one ulp is rounding."""

    def moved(factor):
        def edit(doc):
            theta = doc["training"]["fit_statistics"]["theta"]
            theta[0] = theta[0] * factor

        return edit

    _refused(
        _edited(files["formula"], tmp_path, moved(1 + 1e-12)),
        "'training.fit_statistics.theta'",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logistic.load(_edited(files["formula"], tmp_path, moved(1 + 2**-52)))


def test_aliased_fit_coefficient_matching_neither_estimate_is_refused(tmp_path):
    """An aliased fit's coefficients must match theta or its reduced_theta:
    a coefficient edited away from both is refused."""
    df = pd.read_csv(UCLA)
    X = df[["gre", "gpa", "rank"]].assign(g2=df["gre"] / 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aliased = logistic.LogisticRegression().fit(X, df["admit"])
        p = logistic.save(aliased, tmp_path / "aliased.json")

    def edit(doc):
        doc["model"]["coef"][1] = 5.0

    _refused(_edited(p, tmp_path, edit), "'training.fit_statistics.theta'")


# -- 4. training counts ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda t: t.update(rows_used=-5), "'training.rows_used'"),
        (lambda t: t.update(rows_read=2**64), "'training.rows_read'"),
        # "500 rows used of 400": more rows used than read
        (lambda t: t.update(rows_used=500, rows_rejected=0), "'training.rows_used'"),
        # the used and rejected rows do not make the rows read
        (lambda t: t.update(rows_rejected=7), "'training.rows_rejected'"),
        (lambda t: t["statistics"].update(nobs=-3.0), "'training.statistics.nobs'"),
        (lambda t: t["statistics"].update(df_model=2.5), "'training.statistics.df_model'"),
    ],
)
def test_impossible_row_counts_are_refused(files, tmp_path, edit, field):
    _refused(_edited(files["formula"], tmp_path, lambda d: edit(d["training"])), field)


def test_positive_log_likelihood_still_loads(files, tmp_path):
    def edit(doc):
        doc["training"]["statistics"]["llf"] = 12.0  # grouped data can have llf > 0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logistic.load(_edited(files["formula"], tmp_path, edit))


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        # Σ s y of 0, or above Σ s: the null model's mean label is 0 or beyond 1,
        # and inference divided by a null log-likelihood of 0
        ("positive", 0.0, "labels.positive"),
        ("positive", 500.0, "labels.positive"),
        ("positive", -1.0, "labels.positive"),
        # Σ s of the labels is the fit's weight_sum (400 rows of weight 1)
        ("weight", 0.0, "labels.weight"),
        ("weight", 2.5, "labels.weight"),
        ("weight", -400.0, "labels.weight"),
        ("saturated", 5.0, "labels.saturated"),  # a sum of y log y: at most 0
        ("pearson", -3.0, "labels.pearson"),  # a sum of squares
    ],
)
def test_impossible_label_sums_are_refused(files, tmp_path, key, value, field):
    def edit(doc):
        doc["training"]["fit_statistics"]["labels"][key] = value

    path = _edited(files["plain"], tmp_path, edit)
    _refused(path, f"'training.fit_statistics.{field}'")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        # the mean log-loss at the fit: the log-likelihood is -weight_sum·value,
        # so -1 made it +400 (a pseudo R² above 1) and 1e308 made it -inf
        ("value", -1.0),
        ("value", 1e308),
        ("std", [-1.0, 0.5, 0.5]),  # gre, gpa, rank: standard deviations
    ],
)
def test_impossible_fit_statistics_are_refused(files, tmp_path, key, value):
    def edit(doc):
        stats = doc["training"]["fit_statistics"]
        assert not isinstance(value, list) or len(stats[key]) == len(value)
        stats[key] = value

    path = _edited(files["plain"], tmp_path, edit)
    _refused(path, f"'training.fit_statistics.{key}'")


@pytest.mark.parametrize("llnull", [0.0, 3.0])
def test_a_null_log_likelihood_of_zero_or_more_is_refused(tmp_path, llnull):
    # a fit without an intercept and with an offset keeps its null model's
    # log-likelihood; a Bernoulli log-likelihood of two classes is below 0
    df = pd.read_csv(UCLA)
    X, y = df[["gre", "gpa"]].to_numpy() / [800.0, 4.0], df["admit"].to_numpy()
    offset = np.full(len(y), -0.5)
    model = logistic.LogisticRegression(fit_intercept=False).fit(X, y, offset=offset)
    source = logistic.save(model, tmp_path / "offset.json")
    assert logistic.load(source).fit_statistics_.llnull < 0

    def edit(doc):
        doc["training"]["fit_statistics"]["llnull"] = llnull

    _refused(_edited(source, tmp_path, edit), "'training.fit_statistics.llnull'")


# -- 5. names that fit refuses ---------------------------------------------------------
def test_duplicate_encoding_column_is_refused(files, tmp_path):
    def edit(doc):
        _drop_statistics(doc)
        doc["encoding"]["columns"][1]["name"] = "gre"
        doc["model"]["feature_names"] = None  # only the encoding says it

    _refused(_edited(files["plain"], tmp_path, edit), "'encoding.columns[1].name'")


def test_duplicate_feature_names_are_refused(files, tmp_path):
    def edit(doc):
        _drop_statistics(doc)
        doc["encoding"]["columns"][1]["name"] = "gre"
        names = ["gre", "gre", "rank"]
        doc["encoding"]["feature_names"] = doc["model"]["feature_names"] = names

    _refused(_edited(files["plain"], tmp_path, edit), "'model.feature_names'", "twice")


@pytest.mark.parametrize(
    ("second", "field", "said"),
    [
        # the stored names say it
        ("C(rank)[T.2]", "'encoding.feature_names'", "'C(rank)[T.2]' twice"),
        # the terms themselves give one name twice, whatever the stored names say
        ("C(rank)[T.2 ]", "'encoding.terms'", "twice"),
    ],
)
def test_colliding_formula_levels_are_refused(files, tmp_path, second, field, said):
    def edit(doc):
        _drop_statistics(doc)
        doc["encoding"]["factors"]["C(rank)"]["levels"] = [1, 2, "2", 3, 4]
        names = [
            "np.log(gre)", "I(gpa ** 2)", "C(rank)[T.2]", second,
            "C(rank)[T.3]", "C(rank)[T.4]",
        ]  # fmt: skip
        doc["encoding"]["feature_names"] = names
        doc["model"]["feature_names"] = None
        doc["model"]["coef"].insert(2, 3.0)
        doc["model"]["n_features_in"] = 6

    _refused(_edited(files["formula"], tmp_path, edit), field, said)


def test_two_frame_specs_of_one_column_are_refused(files, tmp_path):
    def edit(doc):
        fe = doc["model"]["frame_encoding"]
        fe["columns"][3]["name"] = "rank_s"
        fe["input_columns"] = [c["name"] for c in fe["columns"]]

    _refused(
        _edited(files["frame"], tmp_path, edit),
        "'model.frame_encoding.columns[3].name'",
    )


# -- 6. frame encoding against the model's feature names --------------------------------
def test_frame_encoding_disagreeing_with_feature_names_is_refused(files, tmp_path):
    def edit(doc):
        fe = doc["model"]["frame_encoding"]
        fe["columns"][2], fe["columns"][3] = fe["columns"][3], fe["columns"][2]
        fe["input_columns"] = [c["name"] for c in fe["columns"]]
        fe["feature_names"] = [
            "gre", "gpa", "rank_c[T.b]", "rank_c[T.c]", "rank_c[T.d]",
            "rank_s[T.one]", "rank_s[T.three]", "rank_s[T.two]",
        ]  # fmt: skip

    _refused(
        _edited(files["frame"], tmp_path, edit),
        "'model.frame_encoding.feature_names'",
        "'model.feature_names'",
    )


# -- 7. format_version digits ----------------------------------------------------------
def test_full_width_format_version_is_refused(files, tmp_path):
    def edit(doc):
        doc["format_version"] = "\uff11.\uff11"

    _refused(_edited(files["plain"], tmp_path, edit), "'format_version'")


# -- 8. a formula factor's name against its expression ----------------------------------
def test_mislabelled_formula_factor_is_refused(files, tmp_path):
    def edit(doc):
        doc["encoding"]["factors"]["np.log(gre)"]["expr"] = {"op": "column", "name": "gpa"}

    _refused(
        _edited(files["formula"], tmp_path, edit),
        "'encoding.factors.np.log(gre)'",
        "'log'",
    )


def test_categorical_factor_of_another_column_is_refused(files, tmp_path):
    def edit(doc):
        doc["encoding"]["factors"]["C(rank)"]["column"] = "gre"
        doc["encoding"]["variables"] = ["gre", "gpa", "rank"]

    _refused(_edited(files["formula"], tmp_path, edit), "'encoding.factors.C(rank)'")


def test_stateful_formula_factors_load(tmp_path):
    """center()/scale() keep fitted numbers in the tree; the name has none."""
    formula = "admit ~ center(gre) + scale(gpa) + np.log(gre) + C(rank)"
    p = _cli_fit(tmp_path, "s.json", str(UCLA), "--formula", formula)
    logistic.load(p)


#: Column names a formula backquotes: read by name (numeric, and a text column
#: as categorical), inside a call, and in a treatment contrast.
_QUOTED_FORMULA = (
    "admit ~ `inc$` + np.log(`g re`) + `hi lo` + C(`r k`, Treatment(4))"
)


@pytest.fixture
def quoted_names(tmp_path) -> Path:
    """A formula fit (CLI) on columns whose names are not Python names."""
    df = pd.read_csv(UCLA)
    df["inc$"], df["g re"], df["r k"] = df["gre"] / 100, df["gpa"], df["rank"]
    df["hi lo"] = np.where(df["gre"] > 580, "hi", "lo")
    data = tmp_path / "quoted.csv"
    df[["admit", "inc$", "g re", "r k", "hi lo"]].to_csv(data, index=False)
    return _cli_fit(tmp_path, "quoted.json", str(data), "--formula", _QUOTED_FORMULA)


def test_formula_factors_of_quoted_column_names_load(quoted_names):
    """Names that do not parse as terms (``inc$``, ``hi lo``) are the columns
    they read; ``C(`r k`, Treatment(4))`` reads column ``r k``."""
    enc = lio.read_model_file(quoted_names).encoding
    assert enc["formula"] == _QUOTED_FORMULA
    assert enc["factors"]["C(`r k`, Treatment(4))"]["column"] == "r k"
    logistic.load(quoted_names)


def _log_gre(doc):
    doc["encoding"]["factors"]["inc$"]["expr"] = {
        "op": "log",
        "arg": {"op": "column", "name": "g re"},
    }


def _column(name, column):
    def edit(doc):
        doc["encoding"]["factors"][name]["column"] = column

    return edit


@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        (_log_gre, "'encoding.factors.inc$'", "expected a factor that reads the column 'inc$'"),
        (_column("hi lo", "r k"), "'encoding.factors.hi lo'", "the column 'hi lo'"),
        (
            _column("C(`r k`, Treatment(4))", "g re"),
            "'encoding.factors.C(`r k`, Treatment(4))'",
            "expected a categorical factor of column 'r k'",
        ),
    ],
    ids=["lookup-computing-log", "text-lookup-of-another-column", "treatment"],
)
def test_unparsed_factor_name_on_another_definition_is_refused(
    quoted_names, tmp_path, edit, field, expected
):
    """A factor name that is no formula term names the column it reads: one
    that computes ``np.log(`g re`)``, or reads another column, under the name
    ``inc$`` (``hi lo``) would be shown under that name by ``summary``,
    ``report`` and the formula text. A treatment contrast reads its column."""
    message = _refused(_edited(quoted_names, tmp_path, edit), field, expected)
    assert str(tmp_path / "edited.json") in message


# -- 9. the formula shown against the terms that predict ---------------------------------
def test_edited_formula_text_is_never_shown(files, tmp_path, capsys):
    """``encoding.formula`` is text only: an edit that names other terms than
    the stored ones (which predict) is not what ``summary`` shows; the
    formula shown is the one the terms render to."""
    from conftest import run_cli

    def edit(doc):
        doc["encoding"]["formula"] = "admit ~ gre + gpa"

    p = _edited(files["formula"], tmp_path, edit)
    shown = "admit ~ np.log(gre) + I(gpa ** 2) + C(rank)"
    assert lio.read_model_file(p).encoding["formula"] == shown
    code, out, err = run_cli(capsys, ["summary", p])
    assert code == 0, err
    assert f"formula: {shown}\n" in out and "gre + gpa" not in out
    code, out, err = run_cli(capsys, ["summary", p, "--json"])
    assert code == 0 and json.loads(out)["formula"] == shown, err


@pytest.mark.parametrize(
    ("formula", "shown"),
    [
        ("admit ~ C(rank) * gpa", "admit ~ C(rank) + gpa + C(rank):gpa"),
        ("admit~ 0+gre + C(rank, Treatment(4))", "admit ~ gre + C(rank, Treatment(4)) - 1"),
    ],
)
def test_formula_shown_is_the_fitted_terms(tmp_path, formula, shown):
    """What the terms render to refits to the same terms (``*`` expanded,
    ``0 +`` as ``- 1``)."""
    from logistic.tabular import fit_design, read_data

    p = _cli_fit(tmp_path, "f.json", str(UCLA), "--formula", formula)
    enc = lio.read_model_file(p).encoding
    assert enc["formula"] == shown
    again = fit_design(read_data(UCLA), target=None, formula=shown).encoding
    assert (again["factors"], again["terms"]) == (enc["factors"], enc["terms"])


# -- every valid file still loads --------------------------------------------------------
def test_valid_files_load(files):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files.values():
            lio.read_model_file(path)
            logistic.load(path)
