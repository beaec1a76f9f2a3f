"""Issue 17's tester findings on the command line (report, evaluate, margins,
predict --interval, summary).

References computed in the tests: statsmodels' ``GLM(..., Binomial(),
freq_weights=w)`` for the fitted probabilities of a weighted fit (frequency
weights: the same model as the rows repeated ``w`` times), the
Hosmer–Lemeshow statistic by the plain loop of tests/test_goodness.py on the
repeated rows, and scikit-learn's weighted ``log_loss``. Data: the low birth
weight data (tests/data/lbw-hosmer-lemeshow), UCLA admissions
(tests/data/ucla-admissions), a9a (tests/data/a9a).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import chi2
from sklearn.metrics import log_loss

from conftest import data_path, fit_ucla_model
from logistic.cli.app import main
from test_goodness import _hl_from_groups, _stata_labels

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
UCLA = data_path("ucla-admissions", "binary.csv")
LBW_FORMULA = "low ~ age + lwt + C(race) + smoke + ptl + ht + ui"


@pytest.fixture(scope="module")
def weighted_lbw(tmp_path_factory):
    """The LBW data with integer weights, a weighted formula model, and
    statsmodels' fitted probabilities of the same weighted model."""
    tmp = tmp_path_factory.mktemp("w17")
    d = pd.read_csv(LBW)
    d["w"] = np.random.default_rng(17).integers(1, 4, size=len(d))
    path, model = tmp / "lbw_w.csv", tmp / "mw.json"
    d.to_csv(path, index=False)
    argv = ["fit", str(path), "--formula", LBW_FORMULA, "--weights", "w"]
    assert main([*argv, "-o", str(model), "-q"]) == 0
    X = pd.get_dummies(d["race"].astype(str), prefix="race", drop_first=True) * 1.0
    X = pd.concat([d[["age", "lwt", "smoke", "ptl", "ht", "ui"]] * 1.0, X], axis=1)
    glm = sm.GLM(d["low"] * 1.0, sm.add_constant(X), sm.families.Binomial(),
                 freq_weights=d["w"] * 1.0).fit(tol=1e-14)  # fmt: skip
    return tmp, path, model, d, glm.fittedvalues.to_numpy()


def _weighted_hl(d, p):
    """HL on the rows repeated w times (frequency weights), Stata's grouping."""
    yy, pp = np.repeat(d["low"].to_numpy(), d["w"]), np.repeat(p, d["w"])
    return _hl_from_groups(yy, pp, _stata_labels(pp, 10))


def ucla_encoded(d):
    """UCLA's model columns built here, independently of the CLI's encoder:
    gre, gpa and the rank levels 2-4 as C(rank)[T.k] (R's treatment coding)."""
    X = d[["gre", "gpa"]] * 1.0
    for k in (2, 3, 4):
        X[f"C(rank)[T.{k}]"] = (d["rank"] == k) * 1.0
    return X


def test_evaluate_weights_metrics_and_hl_by_the_model_weights_column(
    weighted_lbw, capsys
):
    tmp, path, model, d, p = weighted_lbw
    capsys.readouterr()
    assert main(["evaluate", str(model), str(path), "--json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["weights"] == "w"
    assert doc["sum_of_weights"] == d["w"].sum()
    ref = log_loss(d["low"], p, sample_weight=d["w"])
    assert doc["log_loss"] == pytest.approx(ref, rel=1e-6)
    stat, groups = _weighted_hl(d, p)
    hl = doc["hosmer_lemeshow"]
    assert hl["statistic"] == pytest.approx(stat, rel=1e-5)
    assert hl["df"] == groups - 2 == 8
    assert hl["pvalue"] == pytest.approx(chi2.sf(stat, 8), rel=1e-4)
    # the text output says the metrics are weighted, and gives the test too
    assert main(["evaluate", str(model), str(path), "-q"]) == 0
    out = capsys.readouterr().out
    assert "weighted by column 'w'" in out
    m = re.search(r"Hosmer-Lemeshow chi2\(8\) = ([0-9.]+), p = ([0-9.]+) \(10 groups", out)
    assert m is not None, out
    assert float(m.group(1)) == pytest.approx(stat, abs=5e-5)
    assert float(m.group(2)) == pytest.approx(chi2.sf(stat, 8), abs=5e-5)
    assert f"chi2(10), p = {chi2.sf(stat, 10):.4f})" in out  # df = groups, new rows


def test_report_is_weighted_and_has_the_influence_table(weighted_lbw):
    tmp, path, model, d, p = weighted_lbw
    out = tmp / "r.html"
    assert main(["report", str(model), str(path), "-o", str(out), "-q", "--force"]) == 0
    text = out.read_text(encoding="utf-8")
    stat, _ = _weighted_hl(d, p)
    m = re.search(r"chi2 = ([0-9.]+) on 8 degrees of freedom", text)
    assert m and float(m.group(1)) == pytest.approx(stat, abs=5e-5)
    assert "Weighted by column &#x27;w&#x27;" in text
    assert '<table id="influence">' in text  # the training rows, weighted


def test_report_hl_groups_option(weighted_lbw):
    tmp, path, model, d, p = weighted_lbw
    out = tmp / "g.html"
    argv = ["report", str(model), str(path), "-o", str(out), "-q", "--groups", "5"]
    assert main([*argv, "--force"]) == 0
    yy, pp = np.repeat(d["low"].to_numpy(), d["w"]), np.repeat(p, d["w"])
    stat, groups = _hl_from_groups(yy, pp, _stata_labels(pp, 5))
    text = out.read_text(encoding="utf-8")
    m = re.search(r"chi2 = ([0-9.]+) on (\d+) degrees of freedom", text)
    assert m and float(m.group(1)) == pytest.approx(stat, abs=5e-5)
    assert int(m.group(2)) == groups - 2 == 3
    assert main([*argv[:-2], "--groups", "2", "--force"]) == 2


def test_report_on_other_rows_headlines_df_groups_in_cli_words(tmp_path):
    model = fit_ucla_model(tmp_path)
    part = tmp_path / "part.csv"
    frame = pd.read_csv(UCLA).iloc[200:]
    frame.to_csv(part, index=False)
    out = tmp_path / "r.html"
    assert main(["report", str(model), str(part), "-o", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    from logistic import load

    p = load(model).predict_proba(ucla_encoded(frame))[:, 1]
    stat, groups = _hl_from_groups(frame["admit"], p, _stata_labels(p, 10))
    m = re.search(r"chi2 = ([0-9.]+) on (\d+) degrees of freedom \(groups\), "
                  r"p = ([0-9.e-]+);", text)  # fmt: skip
    assert m, "the headline is not df = groups"
    assert float(m.group(1)) == pytest.approx(stat, abs=5e-5)
    assert int(m.group(2)) == groups == 10
    assert float(m.group(3)) == pytest.approx(chi2.sf(stat, 10), rel=1e-3)
    section = text.split("<h2>Influential rows</h2>")[1]
    assert f"{part} is not the data {model} was fitted on" in section
    for python in ("sample_weight", "fit()", "penalty="):
        assert python not in section


def test_penalized_report_reason_names_the_option(tmp_path):
    m, r = tmp_path / "m.json", tmp_path / "r.html"
    argv = ["fit", str(UCLA), "-t", "admit", "--penalty", "l2", "--alpha", "0.1"]
    assert main([*argv, "-o", str(m), "-q"]) == 0
    assert main(["report", str(m), str(UCLA), "-o", str(r), "-q"]) == 0
    section = r.read_text(encoding="utf-8").split("<h2>Influential rows</h2>")[1]
    assert "the model is penalized (--penalty l2)" in section


def _spector_svm(tmp_path):
    """tests/data/spector written as a one-based LibSVM file."""
    d = pd.read_csv(data_path("spector", "spector.csv"), sep=r"\s+")
    d.columns = [c.strip("'") for c in d.columns]
    lines = [
        f"{int(r.GRADE)} 1:{r.GPA:g} 2:{r.TUCE:g}" + (" 3:1" if r.PSI else "")
        for r in d.itertuples()
    ]
    path = tmp_path / "spector.svm"
    path.write_text("\n".join(lines) + "\n")
    return path, d


def test_margins_reads_libsvm_data(tmp_path, capsys):
    path, d = _spector_svm(tmp_path)
    model = tmp_path / "svm.json"
    assert main(["fit", str(path), "-o", str(model), "-q"]) == 0
    capsys.readouterr()
    assert main(["margins", str(model), str(path), "--json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    X = sm.add_constant(d[["GPA", "TUCE", "PSI"]].astype(float))
    ref = sm.Logit(d.GRADE.astype(float), X).fit(disp=0, tol=1e-14).get_margeff()
    got = np.array([r["effect"] for r in doc["effects"]])
    se = np.array([r["std_error"] for r in doc["effects"]])
    np.testing.assert_allclose(got, ref.margeff, rtol=1e-6)
    np.testing.assert_allclose(se, ref.margeff_se, rtol=1e-5)
    # a cluster column cannot exist in LibSVM data: one line, exit 2
    argv = ["margins", str(model), str(path), "--cov-type", "cluster"]
    assert main([*argv, "--cluster", "g", "-q"]) == 2
    assert "LibSVM" in capsys.readouterr().err


def test_margins_on_a_python_saved_model_names_the_file_and_a_remedy(tmp_path, capsys):
    import logistic

    d = pd.read_csv(UCLA)
    # y without a name: the file names no target column for evaluate to read
    model = logistic.LogisticRegression().fit(d[["gre", "gpa"]], d["admit"].to_numpy())
    path = tmp_path / "py.json"
    logistic.save(model, path)
    capsys.readouterr()
    assert main(["margins", str(path), str(UCLA), "-q"]) == 65
    err = capsys.readouterr().err
    assert str(path) in err and "get_margeff" in err and "logistic fit" in err
    assert len(err.strip().splitlines()) == 1
    # evaluate and report: the same file name and remedy
    assert main(["evaluate", str(path), str(UCLA), "-q"]) == 65
    err = capsys.readouterr().err
    assert str(path) in err and "logistic fit" in err


def test_predict_interval_on_extreme_rows_is_defined_and_quiet(tmp_path, capsys):
    model = fit_ucla_model(tmp_path)
    path = tmp_path / "ext.csv"
    path.write_text(
        "admit,gre,gpa,rank\n0,1e308,3,1\n0,1e308,1e308,2\n1,-1e6,3,3\n0,600,3.5,2\n"
    )
    out = tmp_path / "p.csv"
    capsys.readouterr()
    argv = ["predict", str(model), str(path), "--interval", "0.95", "-o", str(out)]
    assert main([*argv, "-q"]) == 0
    err = capsys.readouterr().err
    assert "Warning" not in err and ".py" not in err
    got = pd.read_csv(out)
    # sigma(z) is 1 or 0 in floating point on the first three rows: the delta
    # method's SE sigma(z) sigma(-z) se_z is 0 there, the interval stays in [0, 1]
    assert (got["proba_se"][:3] == 0).all()
    assert got[["proba_lower", "proba_upper"]].notna().all().all()
    assert ((got["proba_lower"] >= 0) & (got["proba_upper"] <= 1)).all()
    assert got["proba_lower"][2] == 0 and got["proba_upper"][0] == 1
    # an ordinary row keeps its delta-method SE: statsmodels' GLM get_prediction
    d = pd.read_csv(UCLA)
    X = sm.add_constant(ucla_encoded(d))
    glm = sm.GLM(d["admit"] * 1.0, X, sm.families.Binomial()).fit(tol=1e-14)
    ref = glm.get_prediction(np.array([[1.0, 600, 3.5, 1, 0, 0]])).summary_frame()
    assert got["proba_se"][3] == pytest.approx(ref["mean_se"].iloc[0], rel=1e-6)


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_alpha_suggests_level(tmp_path, capsys, command):
    model = fit_ucla_model(tmp_path)
    capsys.readouterr()
    args = [command, str(model)] + ([str(UCLA)] if command == "margins" else [])
    assert main([*args, "--alpha", "0.1"]) == 2
    err = capsys.readouterr().err
    assert "No such option: --alpha (use --level, the coverage 1 - alpha" in err
    assert len(err.strip().splitlines()) == 1


def test_odds_ratio_table_p_values_in_the_coefficient_tables_format(tmp_path, capsys):
    model = fit_ucla_model(tmp_path)
    capsys.readouterr()
    assert main(["summary", str(model), "--odds-ratios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("term"))
    col = lines[head].split().index("p_value")
    got = [line.split()[col] for line in lines[head + 2 : head + 8]]
    # statsmodels' p-values, printed as R's summary.glm prints them
    d = pd.read_csv(UCLA)
    X = sm.add_constant(ucla_encoded(d))
    ref = sm.Logit(d["admit"] * 1.0, X).fit(disp=0, tol=1e-14).pvalues
    assert got == [f"{p:.3g}" if p < 1e-3 else f"{p:.4f}" for p in ref]


def test_margins_wording_and_categorical_without_dummy(tmp_path, capsys):
    model = fit_ucla_model(tmp_path)
    capsys.readouterr()
    base = ["margins", str(model), str(UCLA), "-q"]
    assert main([*base, "--categorical", "columns"]) == 2
    assert "--categorical columns applies to discrete changes only: add --dummy" in (
        capsys.readouterr().err
    )
    assert main([*base, "--dummy", "--at", "median"]) == 2
    assert "use --at overall or mean" in capsys.readouterr().err
    assert main([*base, "--dummy", "--method", "eyex"]) == 2
    assert "use --method dydx or eydx, or no --dummy" in capsys.readouterr().err
    assert main([*base, "--at-value", "gpa=abc"]) == 2
    assert "--at-value gpa=VALUE needs a finite number" in capsys.readouterr().err
    # with --dummy, --categorical columns is statsmodels' per-column effect
    assert main([*base, "--dummy", "--categorical", "columns", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["categorical"] == "columns" and doc["dummy"] is True


def test_predict_interval_of_a_formula_model_equals_predict_interval_of_encoded_x(
    tmp_path,
):
    import logistic

    model = fit_ucla_model(tmp_path)
    out = tmp_path / "p.csv"
    argv = ["predict", str(model), str(UCLA), "--interval", "0.9", "-o", str(out)]
    assert main([*argv, "-q"]) == 0
    got = pd.read_csv(out)
    d = pd.read_csv(UCLA)
    X = ucla_encoded(d)  # the encoded columns summary lists
    ref = logistic.load(model).predict_interval(X, alpha=0.1)
    np.testing.assert_allclose(got["proba_se"], ref["mean_se"], rtol=1e-12)
    np.testing.assert_allclose(got["proba_upper"], ref["mean_ci_upper"], rtol=1e-12)


def test_a_missing_weight_is_a_missing_value(weighted_lbw, capsys):
    tmp, path, model, d, p = weighted_lbw
    holed = d.copy()
    holed["w"] = holed["w"].astype(float)
    holed.loc[[3, 10], "w"] = np.nan
    hpath = tmp / "holed.csv"
    holed.to_csv(hpath, index=False)
    capsys.readouterr()
    assert main(["evaluate", str(model), str(hpath), "--json", "-q"]) == 65
    assert "'w'" in capsys.readouterr().err
    argv = ["evaluate", str(model), str(hpath), "--json", "--missing", "drop", "-q"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    keep = holed["w"].notna().to_numpy()
    assert doc["rows_missing"] == 2 and doc["n_samples"] == keep.sum()
    ref = log_loss(d["low"][keep], p[keep], sample_weight=d["w"][keep])
    assert doc["log_loss"] == pytest.approx(ref, rel=1e-6)
    # DATA without the weights column: unweighted, and stderr says so
    assert main(["evaluate", str(model), str(LBW), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["weights"] is None
    assert "has no weights column 'w'" in captured.err


def test_counts_in_titles_are_whole_numbers():
    from logistic._messages import count_text as count  # the owner the CLI calls

    assert [count(1500000.0), count(2250030.0), count(189)] == [
        "1500000",
        "2250030",
        "189",
    ]
    assert count(2250030.5) == "2250030.5"  # a sum of fractional weights
