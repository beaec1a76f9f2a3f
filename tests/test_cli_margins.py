"""``logistic margins MODEL DATA``: marginal effects on the training data.

References: the library's ``InferenceResults.get_margeff`` on the same rows
(``logistic.load(model).inference(X, y, ...)``; itself equal to statsmodels'
``get_margeff``, tests/test_margins.py), and statsmodels' ``Logit(...)
.get_margeff`` computed here for the Spector data (tests/data/spector, from
the statsmodels package) and for UCLA admissions (tests/data/ucla-admissions).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from conftest import data_path
from logistic.cli.app import main
from test_inference import spector

UCLA = data_path("ucla-admissions", "binary.csv")
FORMULA = "admit ~ gre + gpa + C(rank)"
RANKS = ["C(rank)[T.r2]", "C(rank)[T.r3]", "C(rank)[T.r4]"]


def fit(data, model, *options):
    assert main(["fit", str(data), "-o", str(model), "-q", *options]) == 0


def margins_json(capsys, model, data, *options):
    capsys.readouterr()
    assert main(["margins", str(model), str(data), "--json", "-q", *options]) == 0
    return json.loads(capsys.readouterr().out)


def columns(doc, key):
    """A column of the JSON rows; null (JSON has no NaN: a p-value of an
    effect without variance, an aliased column's numbers) as NaN."""
    return np.array([np.nan if row[key] is None else row[key] for row in doc["effects"]])


@pytest.fixture(scope="module")
def ucla_files(tmp_path_factory):
    """UCLA admissions with rank as text, integer weights, an offset and
    clusters; a formula model and a weighted model with an offset."""
    tmp = tmp_path_factory.mktemp("margins")
    d = pd.read_csv(UCLA)
    d["rank"] = "r" + d["rank"].astype(str)
    rng = np.random.default_rng(17)
    d["w"] = rng.integers(1, 4, size=len(d))
    d["off"] = np.round(rng.normal(scale=0.3, size=len(d)), 6)
    d["cl"] = "c" + (np.arange(len(d)) % 23).astype(str)
    path = tmp / "ucla.csv"
    d.to_csv(path, index=False)
    plain, weighted = tmp / "plain.json", tmp / "weighted.json"
    fit(path, plain, "--formula", FORMULA)
    fit(path, weighted, "--target", "admit", "--features", "gre,gpa,rank",
        "--weights", "w", "--offset", "off")  # fmt: skip
    return path, d, plain, weighted


def design(d, names):
    """The model's columns built independently of the CLI's encoder."""
    X = pd.DataFrame({"gre": d.gre * 1.0, "gpa": d.gpa * 1.0})
    for level in ("r2", "r3", "r4"):
        for name in names:
            if name.endswith(f"[T.{level}]"):
                X[name] = (d["rank"] == level) * 1.0
    return X[list(names)]


@pytest.mark.parametrize(
    "options, margeff",
    [
        ([], {}),
        (["--dummy"], {"dummy": True}),
        (["--method", "eyex", "--at", "mean"], {"method": "eyex", "at": "mean"}),
        (["--method", "eydx", "--dummy", "--at", "mean"],
         {"method": "eydx", "dummy": True, "at": "mean"}),
        (["--method", "dyex", "--at", "median"], {"method": "dyex", "at": "median"}),
        (["--at-value", "gpa=3.5", "--at-value", "C(rank)[T.r2]=1"],
         {"atexog": {"gpa": 3.5, "C(rank)[T.r2]": 1.0}}),
        (["--dummy", "--categorical", "columns", "--level", "0.9"],
         {"dummy": True, "categorical": "columns"}),
    ],
)  # fmt: skip
def test_effects_equal_the_library(ucla_files, capsys, options, margeff):
    path, d, plain, _ = ucla_files
    doc = margins_json(capsys, plain, path, *options)
    model = logistic.load(plain)
    X = design(d, model.feature_names_in_)
    expected = model.inference(X, d.admit).get_margeff(**margeff)
    level = 0.9 if "--level" in options else 0.95
    assert [r["term"] for r in doc["effects"]] == ["gre", "gpa", *RANKS]
    np.testing.assert_allclose(columns(doc, "effect"), expected.margeff, rtol=1e-10)
    np.testing.assert_allclose(
        columns(doc, "std_error"), expected.margeff_se, rtol=1e-8
    )
    np.testing.assert_allclose(columns(doc, "p_value"), expected.pvalues, rtol=1e-7)
    ci = np.asarray(expected.conf_int(1 - level))
    np.testing.assert_allclose(columns(doc, "ci_low"), ci[:, 0], rtol=1e-8)
    assert doc["level"] == level and doc["nobs"] == 400
    assert doc["method"] == margeff.get("method", "dydx")
    assert list(columns(doc, "discrete")) == [False, False] + [bool(
        margeff.get("dummy"))] * 3  # fmt: skip


def test_dummy_effects_equal_statsmodels_on_spector(tmp_path, capsys):
    """The acceptance case from the command line: statsmodels' Logit on Spector,
    average effects with PSI as a discrete change, and at the means."""
    X, y = spector()
    data = tmp_path / "spector.csv"
    pd.concat([X, y], axis=1).to_csv(data, index=False)
    model = tmp_path / "spector.json"
    fit(data, model, "--target", "GRADE")
    ref = sm.Logit(y.to_numpy(float), sm.add_constant(X.to_numpy())).fit(disp=0)
    for at in ("overall", "mean"):
        doc = margins_json(capsys, model, data, "--dummy", "--at", at)
        me = ref.get_margeff(at=at, dummy=True)
        np.testing.assert_allclose(columns(doc, "effect"), me.margeff, rtol=1e-6)
        np.testing.assert_allclose(columns(doc, "std_error"), me.margeff_se, rtol=1e-6)
        assert list(columns(doc, "discrete")) == [False, False, True]


def test_ucla_dummy_columns_equal_statsmodels(ucla_files, capsys):
    path, d, plain, _ = ucla_files
    doc = margins_json(capsys, plain, path, "--dummy", "--categorical", "columns")
    X = design(d, ["gre", "gpa", *RANKS])
    ref = sm.Logit(d.admit.to_numpy(float), sm.add_constant(X.to_numpy())).fit(
        method="newton", tol=1e-12, disp=0
    )
    me = ref.get_margeff(dummy=True)
    np.testing.assert_allclose(columns(doc, "effect"), me.margeff, rtol=1e-6)
    np.testing.assert_allclose(columns(doc, "std_error"), me.margeff_se, rtol=1e-6)


@pytest.mark.parametrize(
    "cov_type, extra", [("HC1", []), ("cluster", ["--cluster", "cl"])]
)
def test_weights_offset_and_robust_covariances(ucla_files, capsys, cov_type, extra):
    path, d, _, weighted = ucla_files
    doc = margins_json(capsys, weighted, path, "--dummy", "--cov-type", cov_type,
                       *extra)  # fmt: skip
    model = logistic.load(weighted)
    X = design(d, model.feature_names_in_)
    groups = d.cl.to_numpy() if cov_type == "cluster" else None
    res = model.inference(X, d.admit, d.w.to_numpy(float), d.off.to_numpy(),
                          cov_type=cov_type, groups=groups)  # fmt: skip
    expected = res.get_margeff(dummy=True)
    np.testing.assert_allclose(columns(doc, "effect"), expected.margeff, rtol=1e-10)
    np.testing.assert_allclose(
        columns(doc, "std_error"), expected.margeff_se, rtol=1e-8
    )
    assert doc["nobs"] == pytest.approx(d.w.sum())
    assert doc["cov_type"] == cov_type
    assert doc["cluster"] == ("cl" if extra else None)


def test_text_table_and_csv_output(ucla_files, capsys, tmp_path):
    path, _, plain, _ = ucla_files
    capsys.readouterr()
    assert main(["margins", str(plain), str(path), "--dummy", "-q"]) == 0
    out = capsys.readouterr().out
    assert "Method: dydx    At: overall" in out
    assert "C(rank)[T.r4] (d)" in out and "[0.025" in out
    doc = margins_json(capsys, plain, path, "--dummy")
    out_file = tmp_path / "me.csv"
    args = ["margins", str(plain), str(path), "--dummy", "-q", "-o", str(out_file)]
    assert main(args) == 0
    assert capsys.readouterr().out == ""
    table = pd.read_csv(out_file)
    assert list(table.columns) == [
        "term", "effect", "std_error", "z", "p_value", "ci_low", "ci_high",
        "discrete", "aliased",
    ]  # fmt: skip
    np.testing.assert_allclose(table.effect, columns(doc, "effect"), rtol=1e-12)
    assert list(table.discrete) == [0, 0, 1, 1, 1]
    assert main(args) == 73  # exists: --force to overwrite
    assert main([*args, "--force", "--json"]) == 0
    assert json.loads(out_file.read_text())["effects"] == doc["effects"]


def run_error(capsys, *args):
    capsys.readouterr()
    code = main(["margins", *map(str, args), "-q"])
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return code, err


def test_unknown_at_value_column_is_a_usage_error(ucla_files, capsys):
    path, _, plain, _ = ucla_files
    code, err = run_error(capsys, plain, path, "--at-value", "rnk=2")
    assert code == 2
    assert err.startswith("error: --at-value names 'rnk', which is not a feature")
    assert "C(rank)[T.r2]" in err and "set by its level, e.g. rank=r2" in err
    code, err = run_error(capsys, plain, path, "--at-value", "rank=2")  # no level 2
    said = "--at-value sets rank to '2', which is not one of its levels (r1 (the "
    assert code == 2 and said + "reference), r2, r3, r4)" in err, err
    code, err = run_error(capsys, plain, path, "--at-value", "gpa=high")
    assert code == 2 and "--at-value gpa=VALUE needs a finite number" in err
    # a number as the data readers read one: ASCII digits, no '_', 'inf' or 'nan'
    for text in ("1_0", "\u0663", "inf", "nan", "1e999"):
        code, err = run_error(capsys, plain, path, "--at-value", f"gpa={text}")
        assert code == 2 and "--at-value gpa=VALUE needs a finite number" in err, text


def test_other_data_than_the_training_file_is_refused(ucla_files, capsys, tmp_path):
    path, d, plain, _ = ucla_files
    other = tmp_path / "other.csv"
    d.iloc[::2].to_csv(other, index=False)
    code, err = run_error(capsys, plain, other)
    assert code == 65
    assert f"{other} is not the data {plain} was fitted on" in err


def test_penalized_model_is_refused(ucla_files, capsys, tmp_path):
    path, _, _, _ = ucla_files
    model = tmp_path / "pen.json"
    fit(path, model, "--formula", FORMULA, "--penalty", "l2")
    code, err = run_error(capsys, model, path)
    assert code == 2
    assert f"error: {model} is a penalized model (--penalty l2)" in err


def test_firth_model_is_accepted_with_the_nonrobust_covariance(
    ucla_files, capsys, tmp_path
):
    path, d, _, _ = ucla_files
    model = tmp_path / "firth.json"
    fit(path, model, "--formula", FORMULA, "--penalty", "firth")
    doc = margins_json(capsys, model, path)
    loaded = logistic.load(model)
    X = design(d, loaded.feature_names_in_)
    expected = loaded.inference(X, d.admit).get_margeff()
    np.testing.assert_allclose(
        columns(doc, "std_error"), expected.margeff_se, rtol=1e-8
    )
    code, err = run_error(capsys, model, path, "--cov-type", "HC0")
    assert code == 2 and "support --cov-type nonrobust only" in err


def test_grouped_model_takes_nonrobust_only(tmp_path, capsys):
    """A grouped-count model gets its effects on one row per trial
    (tests/test_cli_margins_grouped.py checks the numbers); a robust
    covariance is refused."""
    data = tmp_path / "g.csv"
    data.write_text("x,k,n\n0.1,2,5\n0.5,3,6\n-0.3,1,7\n0.9,4,5\n-1.2,1,8\n")
    model = tmp_path / "g.json"
    fit(data, model, "-t", "k", "--trials", "n")
    doc = margins_json(capsys, model, data)
    assert doc["nobs"] == 31 and [e["term"] for e in doc["effects"]] == ["x"]
    code, err = run_error(capsys, model, data, "--cov-type", "HC0")
    assert code == 2 and "fitted on grouped counts" in err


@pytest.mark.parametrize(
    "options, message",
    [
        (["--method", "dxdy"], "--method must be one of dydx, eyex, dyex, eydx"),
        (["--at", "means"], "--at must be one of overall, mean, median, zero"),
        (["--cov-type", "cluster"], "--cov-type cluster and --cluster COL go"),
        (["--cluster", "cl"], "--cov-type cluster and --cluster COL go"),
        (["--level", "95"], "--level must be in (0, 1)"),
        (["--method", "eyex", "--dummy"],
         "--method eyex is not defined for discrete changes (--dummy)"),
        (["--at", "zero", "--dummy"], "--at zero is not allowed with discrete"),
    ],
)  # fmt: skip
def test_bad_options_are_usage_errors(ucla_files, capsys, options, message):
    path, _, plain, _ = ucla_files
    code, err = run_error(capsys, plain, path, *options)
    assert code == 2 and message in err, err


def test_missing_cluster_column_names_it(ucla_files, capsys):
    path, _, plain, _ = ucla_files
    code, err = run_error(capsys, plain, path, "--cov-type", "cluster",
                          "--cluster", "nope")  # fmt: skip
    assert code == 65 and "'nope'" in err


def test_library_atexog_reads_numbers_by_the_readers_rule():
    # atexog's text values follow the rule the CLI's --at-value and the data
    # readers apply (ASCII digits; Python's float also took "1_0" and "inf");
    # numbers and numeric text still agree with each other
    import pandas as pd

    from logistic import InvalidParameterError, LogisticRegression, datasets

    X, y, names = datasets.load_ucla_admissions()
    X = pd.DataFrame(X, columns=names)
    res = LogisticRegression().fit(X, y).inference(X, y)
    as_text = res.get_margeff(atexog={"gpa": "3.5"}).margeff
    as_number = res.get_margeff(atexog={"gpa": 3.5}).margeff
    assert list(as_text) == list(as_number)
    for text in ("1_0", "\u0663", "inf", "nan"):
        with pytest.raises(InvalidParameterError, match=r"atexog\['gpa'\] must be"):
            res.get_margeff(atexog={"gpa": text})
