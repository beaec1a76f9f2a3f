"""A report on DATA that lacks the model's weights column says, in the page,
that its rows are not weighted.

A model fitted with ``--weights w`` and reported on a file without ``w``
scores the rows unweighted; only a line on stderr said so, and the HTML page,
the thing handed to others, read as that of any unweighted model. The
header's ``weights`` line now says it. Reference for the metrics beside it:
scikit-learn's unweighted ``roc_auc_score`` on the model's probabilities.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from _report_page import header_items
from conftest import data_path, run_cli

pytest.importorskip("matplotlib")


def _metric(page: str, name: str) -> float:
    return float(re.search(rf"<td>{name}</td><td>([^<]*)</td>", page).group(1))


@pytest.fixture
def files(workdir):
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    frame["w"] = np.arange(len(frame)) % 4 + 1.0
    frame.to_csv("d.csv", index=False)
    frame.drop(columns="w").to_csv("nw.csv", index=False)
    return workdir


def test_two_class_report_says_the_rows_are_not_weighted(files, capsys):
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "admit", "--weights", "w", "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", "model.json", "nw.csv", "-o", "r.html", "-q"])
    assert code == 0, err
    page = (files / "r.html").read_text()
    meta = dict(header_items(page))
    assert meta["weights"] == (
        "none: nw.csv has no column 'w' (the model's fit --weights), so the rows "
        "are not weighted"
    )
    code, out, _ = run_cli(capsys, ["predict", "model.json", "nw.csv", "-q"])
    proba = pd.read_csv(io.StringIO(out))["proba"]
    y = pd.read_csv(files / "nw.csv")["admit"]
    assert _metric(page, "roc_auc") == pytest.approx(roc_auc_score(y, proba), abs=1e-6)
    # with the column, the line names it as before
    code, _, err = run_cli(capsys, ["report", "model.json", "d.csv", "-o", "w.html", "-q"])
    assert code == 0, err
    assert dict(header_items((files / "w.html").read_text()))["weights"] == "column 'w', sum 1000"


def test_k_class_report_says_the_rows_are_not_weighted(files, capsys):
    frame = pd.read_csv("d.csv")
    frame["rank"] = frame["rank"].astype(str)
    frame.to_csv("d.csv", index=False)
    frame.drop(columns="w").to_csv("nw.csv", index=False)
    fit = ["fit", "d.csv", "-t", "rank", "--weights", "w", "-q"]
    code, _, err = run_cli(capsys, fit)
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", "model.json", "nw.csv", "-o", "r.html", "-q"])
    assert code == 0, err
    keys = [k for k, _ in header_items((files / "r.html").read_text())]
    assert "target" in keys and keys.index("target") < keys.index("weights")
    assert "not weighted" in dict(header_items((files / "r.html").read_text()))["weights"]
