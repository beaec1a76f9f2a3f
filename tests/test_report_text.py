"""The text of ``logistic report``.

A report of a Firth fit says why its table is Wald without a false reason.
``logistic report MODEL DATA`` of a Firth fit printed the model file's Wald
table under the note "(the model file keeps no data) … need the training
data": the report had been given the training data (its influence table
reads them). The note now says that the table is the model file's and where
logistf's penalized likelihood-ratio tests are (``summary MODEL DATA``).

A K-class report's header read "target: 'y': 3 classes" (two colons); it
reads "target: 'y', 3 classes".
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

pytest.importorskip("matplotlib")


def test_the_firth_report_note_does_not_claim_the_data_are_missing(workdir, capsys):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"x": rng.normal(size=n), "h": (rng.uniform(size=n) < 0.1)})
    frame["h"] = frame["h"].astype(int)
    p = 1 / (1 + np.exp(-frame["x"]))
    frame["y"] = np.where(frame["h"] == 1, 1, (rng.uniform(size=n) < p).astype(int))
    frame.to_csv("quasi.csv", index=False)
    code, out, err = run_cli(
        capsys, ["fit", "quasi.csv", "-t", "y", "--penalty", "firth", "-o", "m.json"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["report", "m.json", "quasi.csv", "-o", "r.html"])
    assert code == 0, err
    text = html.unescape((workdir / "r.html").read_text(encoding="utf-8"))
    assert "keeps no data" not in text
    assert "this table is the model file's" in text
    assert "logistic summary MODEL DATA" in text


def test_a_k_class_report_names_its_target_once(workdir, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300), "y": rng.choice(["a", "b", "c"], 300)})
    frame.to_csv("k.csv", index=False)
    code, out, err = run_cli(capsys, ["fit", "k.csv", "-t", "y", "-o", "m.json"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["report", "m.json", "k.csv", "-o", "r.html"])
    assert code == 0, err
    text = html.unescape((workdir / "r.html").read_text(encoding="utf-8"))
    assert "'y', 3 classes, reference 'a'" in text
    assert "'y': 3 classes" not in text
