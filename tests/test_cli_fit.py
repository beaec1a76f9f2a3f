"""``logistic fit`` → summary → predict → evaluate on real data (the README path).

Reference coefficients: R ``glm(admit ~ gre + gpa + factor(rank), binomial)`` as
published by UCLA OARC (tests/data/ucla-admissions/README.md).
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pyarrow.parquet as pq
import pytest
import sklearn.metrics as skm

import logistic
from conftest import data_path
from logistic.cli.app import main

R_UCLA = {  # term: (estimate, std. error) from the README table
    "Intercept": (-3.989979, 1.139951),
    "gre": (0.002264, 0.001094),
    "gpa": (0.804038, 0.331819),
    "C(rank)[T.2]": (-0.675443, 0.316490),
    "C(rank)[T.3]": (-1.340204, 0.345306),
    "C(rank)[T.4]": (-1.551464, 0.417832),
}
FORMULA = "admit ~ gre + gpa + C(rank)"


def _ucla_frame(model):
    """The bundled design (gre, gpa, rank2-4) named like the formula's columns."""
    import pandas as pd

    X, _, _ = logistic.datasets.load_ucla_admissions()
    return pd.DataFrame(X, columns=model.feature_names_in_)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ucla_model(tmp_path, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    model = tmp_path / "model.json"
    code, out, err = run(capsys, "fit", data, "--formula", FORMULA, "-o", model)
    assert code == 0, err
    return model, data, out, err


def test_fit_reproduces_r(ucla_model, capsys):
    model, _, out, err = ucla_model
    assert "positive class 1" in err and f"model written to {model}" in err
    assert "C(rank)[T.4]" in out  # the inference table is printed
    code, out, _ = run(capsys, "summary", model, "--json")
    assert code == 0
    info = json.loads(out)
    rows = {r["term"]: r for r in info["coefficients"]}
    for term, (estimate, se) in R_UCLA.items():
        assert rows[term]["estimate"] == pytest.approx(estimate, abs=5e-7)
        assert rows[term]["std_error"] == pytest.approx(se, abs=5e-7)
    assert info["training"]["statistics"]["deviance"] == pytest.approx(458.52, abs=5e-3)
    assert info["training"]["statistics"]["aic"] == pytest.approx(470.52, abs=5e-3)
    assert info["formula"] == FORMULA and info["converged"] is True


def test_summary_text(ucla_model, capsys):
    code, out, _ = run(capsys, "summary", ucla_model[0])
    assert code == 0
    assert "formula: admit ~ gre + gpa + C(rank)" in out
    assert "C(rank)[T.4]  -1.551464   0.417832" in out


def test_predict_counts_the_rows_it_left_empty(ucla_model, tmp_path, capsys):
    """--missing na keeps unscored rows, empty: the closing line counted them
    as predictions ("400 predictions written")."""
    model, data, _, _ = ucla_model
    lines = data.read_text().splitlines()
    gre = lines[0].split(",").index("gre")
    for i in (1, 5, 9):  # three rows with a missing gre
        cells = lines[i].split(",")
        cells[gre] = ""
        lines[i] = ",".join(cells)
    (tmp_path / "gap.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "p.csv"
    code, _, err = run(capsys, "predict", model, tmp_path / "gap.csv", "-o", out,
                       "--missing", "na")  # fmt: skip
    assert code == 0, err
    assert f"400 rows written to {out}: 397 with predictions, 3 left empty" in err
    with open(out) as fh:
        assert sum(r["proba"] == "" for r in csv.DictReader(fh)) == 3


def test_predict_csv_and_parquet_match_library(ucla_model, tmp_path, capsys):
    model, data, _, _ = ucla_model
    code, _, err = run(
        capsys, "predict", model, data, "-o", tmp_path / "p.csv", "--keep", "admit"
    )
    assert code == 0 and "400 predictions written" in err
    with open(tmp_path / "p.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["admit", "proba", "label", "logit"]
    m = logistic.load(model)
    X = _ucla_frame(m)
    # same columns in the same order as the formula's design (gre, gpa, rank dummies)
    expected = m.predict_proba(X)[:, 1]
    got = np.array([float(r["proba"]) for r in rows])
    assert np.allclose(got, expected, rtol=1e-15, atol=0)
    assert [int(r["label"]) for r in rows] == (expected > 0.5).astype(int).tolist()
    code, _, _ = run(capsys, "predict", model, data, "-o", tmp_path / "p.parquet")
    assert code == 0
    table = pq.read_table(tmp_path / "p.parquet")
    assert np.array_equal(table.column("proba").to_numpy(), got)


def test_predict_to_stdout(ucla_model, capsys):
    model, data, _, _ = ucla_model
    code = main(["predict", str(model), str(data)])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == '"proba","label","logit"' and len(lines) == 401


def test_evaluate_json_matches_sklearn(ucla_model, capsys):
    model, data, _, _ = ucla_model
    code, out, _ = run(capsys, "evaluate", model, data, "--json", "--threshold", "0.3")
    assert code == 0
    res = json.loads(out)
    m = logistic.load(model)
    X = _ucla_frame(m)
    y = logistic.datasets.load_ucla_admissions()[1]
    p = m.predict_proba(X)[:, 1]
    assert res["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p), rel=1e-12)
    assert res["log_loss"] == pytest.approx(skm.log_loss(y, p), rel=1e-12)
    assert res["brier"] == pytest.approx(skm.brier_score_loss(y, p), rel=1e-12)
    tn, fp, fn, tp = skm.confusion_matrix(y, p > 0.3).ravel()
    assert res["confusion_matrix"] == {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
    assert res["n_samples"] == 400 and res["n_positive"] == 127


def test_evaluate_tables(ucla_model, capsys):
    model, data, _, _ = ucla_model
    code, out, _ = run(capsys, "evaluate", model, data)
    assert code == 0
    for word in (
        "accuracy",
        "roc_auc",
        "pr_auc",
        "brier",
        "confusion matrix",
        "calibration",
    ):
        assert word in out


def test_fit_json_summary_and_penalty(tmp_path, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    code, out, _ = run(
        capsys,
        "fit",
        data,
        "-t",
        "admit",
        "--penalty",
        "l2",
        "--alpha",
        "0.01",
        "--solver",
        "lbfgs",
        "-o",
        tmp_path / "m.json",
        "--json",
    )
    assert code == 0
    s = json.loads(out)
    assert (
        s["ok"] and s["rows_read"] == s["rows_used"] == 400 and s["rows_rejected"] == 0
    )
    assert s["label_mapping"] == {"column": "admit", "negative": 0, "positive": 1}
    assert s["feature_names"] == ["gre", "gpa", "rank"]  # automatic: rank numeric
    m = logistic.load(tmp_path / "m.json")
    assert m.penalty == "l2" and m.alpha == 0.01 and m.solver == "lbfgs"
    # same fit through the library
    X, y = (
        np.loadtxt(data, delimiter=",", skiprows=1)[:, 1:],
        np.loadtxt(data, delimiter=",", skiprows=1)[:, 0],
    )
    ref = logistic.LogisticRegression("l2", alpha=0.01, solver="lbfgs").fit(X, y)
    assert np.allclose(m.coef_, ref.coef_, rtol=1e-6)


def test_weights_and_offset_columns(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    off = rng.normal(size=300)
    y = (rng.random(300) < 1 / (1 + np.exp(-(0.5 + x + off)))).astype(int)
    w = rng.integers(1, 4, size=300)
    path = tmp_path / "d.csv"
    rows = "\n".join(
        f"{a},{b},{c},{d}" for a, b, c, d in zip(x, off, w, y, strict=True)
    )
    path.write_text("x,off,w,y\n" + rows + "\n")
    code, out, err = run(
        capsys,
        "fit",
        path,
        "-t",
        "y",
        "--weights",
        "w",
        "--offset",
        "off",
        "-o",
        tmp_path / "m.json",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["feature_names"] == ["x"]
    ref = logistic.LogisticRegression().fit(x[:, None], y, sample_weight=w, offset=off)
    assert np.allclose(logistic.load(tmp_path / "m.json").coef_, ref.coef_, rtol=1e-8)


@pytest.mark.slow
def test_bank_marketing_semicolon_gzip_yes_no(tmp_path, capsys):
    data = data_path("bank-marketing", "bank-additional-full.csv.gz")
    model = tmp_path / "bank.json"
    code, out, err = run(
        capsys, "fit", data, "-t", "y", "--drop", "duration", "-o", model, "--json"
    )
    assert code == 0, err
    s = json.loads(out)
    assert s["label_mapping"] == {"column": "y", "negative": "no", "positive": "yes"}
    assert s["rows_used"] == 41188
    assert "job[T.blue-collar]" in s["feature_names"]  # 'admin.' is the reference
    assert "job[T.admin.]" not in s["feature_names"]
    code, out, _ = run(capsys, "evaluate", model, data, "--json")
    assert code == 0
    assert 0.75 < json.loads(out)["roc_auc"] < 0.85  # known range without 'duration'


@pytest.mark.slow
def test_a9a_libsvm_gzip(tmp_path, capsys):
    model = tmp_path / "a9a.json"
    code, out, err = run(
        capsys, "fit", data_path("a9a", "a9a.gz"), "-o", model, "--json"
    )
    assert code == 0, err
    s = json.loads(out)
    assert s["label_mapping"]["positive"] == 1.0 and len(s["feature_names"]) == 123
    code, out, _ = run(
        capsys, "evaluate", model, data_path("a9a", "a9a.t.gz"), "--json"
    )
    assert code == 0
    res = json.loads(out)
    # LIBSVM's published logistic-regression accuracy on a9a.t is about 85%
    assert 0.845 < res["accuracy"] < 0.855 and res["n_samples"] == 16281
