"""``logistic summary`` of a model fitted with ``--cv`` says how its strength
was chosen (folds, rule, alpha, C), in text and ``--json``, as ``fit``
printed it; the values are those the model file's ``cross_validation``
section records, and the fitted strength is the chosen one."""

from __future__ import annotations

import json

import pytest

from conftest import data_path, run_cli

pytest.importorskip("sklearn")
UCLA = data_path("ucla-admissions", "binary.csv")


def test_summary_names_the_cross_validation(workdir, capsys):
    argv = ["fit", UCLA, "-t", "admit", "--cv", "4", "--n-alphas", "12", "-o",
            "m.json", "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    saved = json.loads((workdir / "m.json").read_text())["model"]
    record = saved["cross_validation"]
    assert saved["params"]["alpha"] == record["alpha"]
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("strength chosen by"))
    assert "4-fold cross-validation" in line and f"rule {record['rule']}" in line
    assert f"alpha = {record['alpha']:.6g}" in line, line
    code, out, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == 0, err
    shown = json.loads(out)["cross_validation"]
    assert shown["folds"] == 4 and shown["alpha"] == record["alpha"]
    assert shown["C"] == record["C"] and shown["rule"] == record["rule"]


def test_summary_of_a_fit_without_cv_says_nothing_of_it(workdir, capsys):
    argv = ["fit", UCLA, "-t", "admit", "--penalty", "l2", "--alpha", "0.01", "-o", "m.json",
            "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    code, out, _ = run_cli(capsys, ["summary", "m.json"])
    assert code == 0 and "cross-validation" not in out
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--json"])
    assert "cross_validation" not in json.loads(out)
