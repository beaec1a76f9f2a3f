"""``logistic summary MODEL DATA`` reads DATA with the reading options ``fit``
took (``--sep``, ``--decimal``, ``--encoding``, ``--format``): a model fitted on
a European CSV file (``;`` between fields, decimal commas) gets the same
robust table as the same rows written the usual way; without DATA the
options are a usage error that says so. The training line of a model fitted
from standard input names it as messages do ("standard input", not "-")."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_OK, EX_USAGE

UCLA = Path(data_path("ucla-admissions", "binary.csv"))
FORMULA = "admit ~ gre + gpa + C(rank)"


def _european(tmp_path):
    path = tmp_path / "ucla_eu.csv"
    pd.read_csv(UCLA).to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")
    return path


def _fit(capsys, tmp_path, data, name, *reading):
    out = tmp_path / name
    code, _, err = run_cli(
        capsys, ["fit", data, "--formula", FORMULA, "-o", out, *reading]
    )
    assert code == EX_OK, err
    return out


def test_summary_reads_data_as_fit_did(capsys, tmp_path):
    eu = _european(tmp_path)
    reading = ["--sep", ";", "--decimal", ",", "--encoding", "cp1252"]
    model_eu = _fit(capsys, tmp_path, eu, "eu.json", *reading)
    model = _fit(capsys, tmp_path, UCLA, "m.json")
    code, out, err = run_cli(
        capsys, ["summary", model_eu, eu, "--cov-type", "HC1", "--json", *reading]
    )
    assert code == EX_OK, err
    got = json.loads(out)["inference"]
    code, out, err = run_cli(
        capsys, ["summary", model, UCLA, "--cov-type", "HC1", "--json"]
    )
    assert code == EX_OK, err
    want = json.loads(out)["inference"]
    assert got["cov_type"] == want["cov_type"] == "HC1"
    assert [c["term"] for c in got["coefficients"]] == [
        c["term"] for c in want["coefficients"]
    ]
    for key in ("estimate", "std_error"):
        assert [c[key] for c in got["coefficients"]] == pytest.approx(
            [c[key] for c in want["coefficients"]], rel=1e-12
        )


def test_reading_options_without_data_are_a_usage_error(capsys, tmp_path):
    model = _fit(capsys, tmp_path, UCLA, "m.json")
    code, _, err = run_cli(capsys, ["summary", model, "--decimal", ","])
    assert code == EX_USAGE
    assert "--decimal" in err and "no DATA" in err


def test_a_model_fitted_from_standard_input_names_it(capsys, tmp_path, monkeypatch):
    from test_read_options import _piped_stdin

    read = _piped_stdin(monkeypatch, UCLA.read_bytes())
    out = tmp_path / "m.json"
    try:
        code, _, err = run_cli(capsys, ["fit", "-", "--target", "admit", "-o", out])
    finally:
        os.close(read)
    assert code == EX_OK, err
    code, text, err = run_cli(capsys, ["summary", out])
    assert code == EX_OK, err
    assert "trained on standard input: 400 rows used of 400" in text
