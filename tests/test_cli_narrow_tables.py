"""Tables on a narrow console keep their numbers whole (docs/cli.md,
Standard output and progress: Narrow terminals).

rich fits a table to the console by cutting cells, numbers included: at
``COLUMNS=40`` a six-class confusion matrix showed ``1…`` for 1666 and the
cross-validation table ``0.…`` for every strength and log loss. The
reference for the numbers is the same command's ``--json`` (not rendered by
rich), and scikit-learn's confusion matrix of the model's predictions."""

from __future__ import annotations

import io
import json
import os
import re

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic.cli import _console

metrics = pytest.importorskip("sklearn.metrics")


@pytest.fixture
def narrow(monkeypatch):
    """A 40-column console (rich reads COLUMNS when the console is made)."""
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(_console.console, "_console", None)


def _cells(out: str) -> list[list[str]]:
    """The body rows of the box tables in ``out``, as lists of cell texts."""
    return [
        [c.strip() for c in line.strip("│").split("│")]
        for line in out.splitlines()
        if line.startswith("│")
    ]


@pytest.fixture
def six_classes(tmp_path):
    rng = np.random.default_rng(0)
    n = 20000
    x = rng.standard_normal((n, 2))
    level = np.clip((1.5 * x[:, 0] + rng.standard_normal(n) + 3).astype(int), 0, 5)
    names = np.array(["alpha", "beta", "gamma", "delta", "epsilon", "zeta"])
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "cls": names[level]})
    data = tmp_path / "k6.csv"
    frame.to_csv(data, index=False)
    return data


def test_confusion_matrix_counts_stay_whole(tmp_path, capsys, narrow, six_classes):
    model = tmp_path / "k6.json"
    args = ["fit", six_classes, "-t", "cls", "-o", model, "-q"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", model, six_classes, "-q"])
    assert code == 0, err
    assert not re.search(r"\d…", out), out  # no number cut
    code, doc, _ = run_cli(capsys, ["evaluate", model, six_classes, "--json"])
    matrix = json.loads(doc)["confusion_matrix"]["matrix"]
    rows = [r for r in _cells(out) if len(r) == 7 and r[1].isdigit()]
    assert [[int(c) for c in r[1:]] for r in rows] == matrix
    code, out, _ = run_cli(capsys, ["predict", model, six_classes])
    predicted = pd.read_csv(io.StringIO(out))["label"]
    actual = pd.read_csv(six_classes)["cls"]
    classes = json.loads(doc)["confusion_matrix"]["classes"]
    reference = metrics.confusion_matrix(actual, predicted, labels=classes)
    assert matrix == reference.tolist()
    assert max(max(r) for r in matrix) >= 1000  # four digits, the ones cut


def test_cross_validation_table_keeps_its_numbers(tmp_path, capsys, narrow):
    from conftest import data_path

    data = data_path("ucla-admissions", "binary.csv")
    args = ["fit", data, "-t", "admit", "-o", tmp_path / "m.json", "-q"]
    code, out, err = run_cli(capsys, [*args, "--cv", "3", "--penalty", "l1"])
    assert code == 0, err
    rows = [r for r in _cells(out) if len(r) == 6 and r[0][:1].isdigit()]
    assert len(rows) >= 10
    assert not any("…" in c for r in rows for c in r[:5]), rows[:3]
    for r in rows:
        float(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4])


@pytest.mark.parametrize("width", ["1", "3", "5"])
def test_a_very_narrow_console_keeps_every_column(tmp_path, capsys, monkeypatch, width):
    """At a handful of columns rich gave some columns no room at all: the
    confusion matrix lost its 'predicted 0' column (``┏┳┳━━━━━┓``) and the
    calibration table every cell, without a word. The table is now laid out
    at the width its numbers need."""
    from conftest import data_path

    data = data_path("ucla-admissions", "binary.csv")
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "-t", "admit", "-o", model, "-q"])
    assert code == 0, err
    code, doc, _ = run_cli(capsys, ["evaluate", model, data, "--json"])
    conf = json.loads(doc)["confusion_matrix"]
    monkeypatch.setenv("COLUMNS", width)
    monkeypatch.setattr(_console.console, "_console", None)
    code, out, err = run_cli(capsys, ["evaluate", model, data, "-q"])
    assert code == 0, err
    assert "┳┳" not in out and "││" not in out  # no column of width 0
    assert not re.search(r"\d…", out), out
    rows = [r for r in _cells(out) if len(r) == 3 and r[1].isdigit()]
    assert [[int(c) for c in r[1:]] for r in rows] == [
        [conf["tn"], conf["fp"]],
        [conf["fn"], conf["tp"]],
    ]
    bins = [r for r in _cells(out) if len(r) == 4 and r[0].startswith("[")]
    counts = [b["count"] for b in json.loads(doc)["calibration"]]
    assert [int(r[1]) for r in bins] == counts, bins
    assert all(float(r[2]) >= 0 and float(r[3]) >= 0 for r in bins), bins


def test_columns_zero_prints_everything(tmp_path, capsys, monkeypatch):
    """``COLUMNS=0`` (set by some containers and CI runners) made rich's
    width 0: ``evaluate`` printed only its last line and ``summary`` on a
    terminal nothing at all, with exit 0. It is now taken as unset: the
    output is that of the default width (80 without a terminal), and so is
    the help (it printed one line)."""
    from conftest import data_path

    data = data_path("ucla-admissions", "binary.csv")
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "-t", "admit", "-o", model, "-q"])
    assert code == 0, err
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(_console.console, "_console", None)
    code, expected, _ = run_cli(capsys, ["evaluate", model, data, "-q"])
    assert code == 0 and expected.count("\n") > 20
    monkeypatch.setenv("COLUMNS", "0")
    monkeypatch.setattr(_console.console, "_console", None)
    monkeypatch.setattr(os, "get_terminal_size", _no_terminal)
    code, out, _ = run_cli(capsys, ["evaluate", model, data, "-q"])
    assert code == 0
    assert out == expected
    assert os.environ["COLUMNS"] == "0"  # the caller's environment, restored
    code, out, _ = run_cli(capsys, ["--help"])
    assert code == 0 and "summary" in out and out.count("\n") > 20


def _no_terminal(*args):
    """What rich and click find where no terminal is attached."""
    raise OSError("not a terminal")
