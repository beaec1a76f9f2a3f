"""The command line with K > 2 classes: the new-user tester's findings on
issue 16 (report warnings and header, summary odds ratios and margins, level
spelling, help texts, messages, evaluate's JSON).

Data: iris (tests/data/iris) and the low-birth-weight data's ``race``
(1/2/3; tests/data/lbw-hosmer-lemeshow). References: statsmodels ``MNLogit``
(``exp(params)``, ``exp(conf_int())``, ``get_margeff``) on the same rows.
"""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest

from conftest import data_path, run_cli

IRIS = data_path("iris", "iris.csv")
LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
LBW_X = ["age", "lwt", "smoke"]


def _html_text(path):
    return re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))


@pytest.fixture
def iris_none(workdir, capsys):
    """An unpenalized iris fit: quasi-complete separation (the MLE does not exist)."""
    code, _, err = run_cli(capsys, ["fit", IRIS, "--target", "species", "-o", "m.json"])
    assert code == 0, err
    return workdir / "m.json"


@pytest.fixture
def lbw_none(workdir, capsys):
    """race ~ age + lwt + smoke, unpenalized (reference: race 1)."""
    code, _, err = run_cli(
        capsys,
        ["fit", LBW, "--target", "race", "--features", ",".join(LBW_X),
         "--reference", "1", "-o", "lbw.json"],
    )  # fmt: skip
    assert code == 0, err
    return workdir / "lbw.json"


def _lbw_mnlogit():
    sm = pytest.importorskip("statsmodels.api")
    with open(LBW, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in LBW_X] for r in rows])
    y = np.array([int(r["race"]) - 1 for r in rows])
    return sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton")


# F7 -----------------------------------------------------------------------


def test_report_of_separated_fit_warns_next_to_coefficients(iris_none, capsys):
    code, _, err = run_cli(capsys, ["report", iris_none, IRIS, "-o", "r.html"])
    assert code == 0, err
    html = (iris_none.parent / "r.html").read_text(encoding="utf-8")
    summary = html.index("<h2>Summary</h2>")
    warning = html.index("Separation (quasi-complete): the MLE does not exist")
    table = html.index("<table", summary)
    assert summary < warning < table


# F8 -----------------------------------------------------------------------


def test_report_states_penalty_and_fit_statistics(iris_none, capsys):
    code, out, err = run_cli(capsys, ["summary", iris_none])
    llf = re.search(r"log-likelihood (-?\d+\.\d+)", out).group(1)
    code, _, err = run_cli(capsys, ["report", iris_none, IRIS, "-o", "r.html"])
    assert code == 0, err
    text = _html_text(iris_none.parent / "r.html")
    assert "penalty : none (maximum likelihood)" in text
    assert f"log-likelihood {llf}" in text and "AIC" in text and "BIC" in text
    assert "reference &#x27;setosa&#x27;" in text


def test_penalized_fit_names_no_reference_level(workdir, capsys):
    code, _, err = run_cli(
        capsys,
        ["fit", IRIS, "--target", "species", "--reference", "virginica",
         "--penalty", "l2", "-o", "p.json"],
    )  # fmt: skip
    assert code == 0, err
    assert "reference 'virginica'" not in err
    assert "no reference level" in err
    code, out, _ = run_cli(capsys, ["summary", "p.json"])
    assert "reference" not in out.split("coefficients of")[0].replace(
        "no reference class", ""
    )
    assert "penalty l2, C=1" in out
    code, _, err = run_cli(capsys, ["report", "p.json", IRIS, "-o", "r.html"])
    text = _html_text(workdir / "r.html")
    assert "reference level" not in text
    assert "penalty : l2, C=1" in text
    assert "symmetric parametrization, no reference class" in text


# F16 ----------------------------------------------------------------------


def test_fit_above_statistics_limit_says_so_in_cli_terms(capsys):
    """101 classes, 5 features and an intercept: 100 x 6 = 600 free
    parameters, above the 500 for which fit keeps statistics. (A model object
    stands in for the fit: the unpenalized fit's separation check of so many
    classes takes minutes.)"""
    from types import SimpleNamespace

    from logistic.cli._multiclass import inference_of

    model = SimpleNamespace(
        penalty=None, coef_=np.zeros((101, 5)), fit_intercept=True,
        fit_statistics_=None,
    )  # fmt: skip
    assert inference_of(model, [f"c{k}" for k in range(101)]) is None
    err = capsys.readouterr().err
    assert "computed for at most 500 parameters, and this fit has 600" in err
    for api_word in ("inference()", "fit()", "pass X and y", "--penalty none"):
        assert api_word not in err


# F5 -----------------------------------------------------------------------


def test_summary_odds_ratios_are_statsmodels_relative_risk_ratios(lbw_none, capsys):
    res = _lbw_mnlogit()
    code, out, err = run_cli(
        capsys, ["summary", lbw_none, "--odds-ratios", "--level", "0.9", "--json"]
    )
    assert code == 0, err
    rows = json.loads(out)["odds_ratios"]
    terms = ["Intercept", *LBW_X]  # statsmodels: const first, as the CLI rows
    assert [(r["class"], r["term"]) for r in rows] == [
        (c, t) for c in ("2", "3") for t in terms
    ]
    rrr = np.array([r["odds_ratio"] for r in rows]).reshape(2, 4)
    ci = np.array([[r["ci_low"], r["ci_high"]] for r in rows]).reshape(2, 4, 2)
    np.testing.assert_allclose(rrr, np.exp(np.asarray(res.params)).T, rtol=1e-6)
    sm_ci = np.exp(np.asarray(res.conf_int(alpha=0.1))).reshape(2, 4, 2)
    np.testing.assert_allclose(ci, sm_ci, rtol=1e-6)
    se = np.array([r["std_error"] for r in rows]).reshape(2, 4)
    np.testing.assert_allclose(se, rrr * np.asarray(res.bse).T, rtol=1e-5)
    code, out, err = run_cli(capsys, ["summary", lbw_none, "--odds-ratios"])
    assert code == 0, err
    assert "RRR" in out and "race: 3 vs 1" in out


def test_summary_odds_ratios_of_penalized_fit_is_refused_in_one_line(workdir, capsys):
    code, _, err = run_cli(
        capsys, ["fit", IRIS, "--target", "species", "--penalty", "l2", "-o", "p.json"]
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, ["summary", "p.json", "--odds-ratios"])
    assert code == 2
    assert "--odds-ratios" in err and "--penalty none" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_margins_of_k_classes_match_statsmodels_get_margeff(lbw_none, capsys, at):
    me = _lbw_mnlogit().get_margeff(at=at)
    code, out, err = run_cli(capsys, ["margins", lbw_none, LBW, "--at", at, "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["classes"] == ["1", "2", "3"]
    rows = doc["effects"]
    assert [(r["class"], r["term"]) for r in rows] == [
        (c, t) for c in ("1", "2", "3") for t in LBW_X
    ]
    # statsmodels: margeff of shape (p, K), columns the classes
    effect = np.array([r["effect"] for r in rows]).reshape(3, 3).T
    se = np.array([r["std_error"] for r in rows]).reshape(3, 3).T
    np.testing.assert_allclose(effect, me.margeff, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(se, me.margeff_se, rtol=1e-5, atol=1e-10)
    code, out, err = run_cli(capsys, ["margins", lbw_none, LBW, "--at", at])
    assert code == 0, err
    assert "race = 3" in out  # the block of class 3, titled by the target column


def test_margins_of_k_classes_at_a_value_match_statsmodels(lbw_none, capsys):
    # --at-value was refused for K classes; now statsmodels' get_margeff(atexog=)
    # (its column 1 is age: add_constant puts the constant first)
    me = _lbw_mnlogit().get_margeff(atexog={1: 20.0})
    code, out, err = run_cli(capsys, ["margins", lbw_none, LBW, "--at-value", "age=20",
                                      "--json"])  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)["effects"]
    effect = np.array([r["effect"] for r in rows]).reshape(3, 3).T
    np.testing.assert_allclose(effect, me.margeff, rtol=1e-6, atol=1e-10)


# F6 -----------------------------------------------------------------------


@pytest.fixture
def lbw_float(workdir):
    """The lbw file with race written 1.0/2.0/3.0."""
    with open(LBW, newline="") as f:
        rows = list(csv.DictReader(f))
    with open("lbw_float.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "race": f"{float(r['race']):.1f}"} for r in rows)
    return workdir / "lbw_float.csv"


def test_whole_number_levels_are_spelled_alike_in_every_command(lbw_float, capsys):
    args = ["--target", "race", "--features", ",".join(LBW_X)]
    for penalty in ("none", "l2"):
        code, out, err = run_cli(
            capsys,
            ["fit", lbw_float, *args, "--penalty", penalty, "-o", "f.json", "--force"],
        )
        assert code == 0, err
        code, summary, _ = run_cli(capsys, ["summary", "f.json"])
        code, evaluate, _ = run_cli(capsys, ["evaluate", "f.json", lbw_float])
        code, _, _ = run_cli(
            capsys, ["predict", "f.json", lbw_float, "-o", "p.csv", "--force"]
        )
        code, _, _ = run_cli(
            capsys, ["report", "f.json", lbw_float, "-o", "r.html", "--force"]
        )
        report = _html_text(lbw_float.parent / "r.html")
        for text in (out, err, summary, evaluate, report):
            assert not re.search(r"(?<![\d.])[123]\.0\b", text), text
        assert "actual 3" in evaluate
        with open("p.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0]) == ["proba_1", "proba_2", "proba_3", "label"]
        assert {r["label"] for r in rows} <= {"1", "2", "3"}


def test_reference_matches_numbers_both_ways(lbw_float, capsys):
    args = ["--target", "race", "--features", "age", "--penalty", "l2"]
    code, _, err = run_cli(
        capsys, ["fit", LBW, *args, "--reference", "3.0", "-o", "a.json"]
    )
    assert code == 0, err
    code, _, err = run_cli(
        capsys, ["fit", lbw_float, *args, "--reference", "3", "-o", "b.json"]
    )
    assert code == 0, err
    for name in ("a.json", "b.json"):
        levels = json.loads(open(name).read())["encoding"]["label"]["levels"]
        assert [float(v) for v in levels] == [3.0, 1.0, 2.0]


# F14, F15, F10 ---------------------------------------------------------------


def test_workers_refusals_name_workers_not_stream(workdir, capsys):
    with open(IRIS, newline="") as f:
        rows = list(csv.DictReader(f))
    with open("text.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[*rows[0], "colour"], lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "colour": "red"} for r in rows)
    base = ["fit", "text.csv", "--target", "species", "--workers", "2", "-o", "x.json"]
    for extra, said in (
        (["--missing", "drop"], "--missing drop is not available with Dask"),
        ([], "Dask (--workers 2) needs numeric feature columns"),
    ):
        code, _, err = run_cli(capsys, [*base, *extra])
        assert code == 2
        assert said in err and "(without --workers)" in err
        assert "--stream" not in err and "streaming" not in err


def test_evaluate_json_always_has_sum_of_weights(workdir, capsys):
    code, _, err = run_cli(
        capsys, ["fit", IRIS, "--target", "species", "--penalty", "l2", "-o", "m.json"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", "m.json", IRIS, "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["weights"] is None and doc["sum_of_weights"] == 150.0
    with open(IRIS, newline="") as f:
        rows = list(csv.DictReader(f))
    with open("bin.csv", "w", newline="") as f:  # setosa or not: two classes
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "species": int(r["species"] == "setosa")} for r in rows)
    code, _, err = run_cli(
        capsys,
        ["fit", "bin.csv", "--target", "species", "--penalty", "l2", "-o", "b.json"],
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", "b.json", "bin.csv", "--json"])
    assert json.loads(out)["sum_of_weights"] == 150.0


def test_help_texts_are_not_binary_only(capsys):
    code, out, _ = run_cli(capsys, ["--help"])
    assert code == 0 and "Binary logistic regression" not in out
    assert "multinomial" in out
    code, out, _ = run_cli(capsys, ["predict", "--help"])
    assert "Predict class probabilities and the label" in out
    assert "Predict P(positive), the label and the logit for" not in out
    code, out, _ = run_cli(capsys, ["evaluate", "--help"])
    assert "Accuracy, log loss, ROC AUC and confusion matrix" in out


def test_export_takes_o_as_other_commands(workdir, capsys):
    pytest.importorskip("onnx")
    code, _, err = run_cli(
        capsys, ["fit", IRIS, "--target", "species", "--penalty", "l2", "-o", "m.json"]
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, ["export", "m.json", "-o", "m.onnx"])
    assert code == 0, err
    assert (workdir / "m.onnx").stat().st_size > 0
