"""``logistic summary`` names the weights and offset columns a fit read
(``fit --weights COL --offset COL``, the file's ``encoding``): the text and
``--json`` said neither, although ``predict``, ``evaluate``, ``report`` and
``margins`` add the offset column of DATA to every logit (and refuse DATA
without it). The reference is the command line that fitted the model.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


def _fit(capsys, *roles: str) -> None:
    frame = pd.read_csv(UCLA)
    frame["w"] = 1 + np.arange(len(frame)) % 3
    frame["o"] = np.round(np.sin(np.arange(len(frame))) / 2, 3)
    frame.to_csv("d.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "admit", *roles, "-q"])
    assert code == 0, err


def test_summary_names_the_weights_and_offset_columns(workdir, capsys):
    _fit(capsys, "--weights", "w", "--offset", "o")
    code, out, err = run_cli(capsys, ["summary", "model.json"])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("weights column"))
    assert line.startswith("weights column 'w'; offset column 'o' (added to each row")
    code, out, err = run_cli(capsys, ["summary", "model.json", "--json"])
    assert code == 0, err
    got = json.loads(out)
    assert (got["weights"], got["offset"]) == ("w", "o")


def test_a_fit_without_them_says_nothing_of_them(workdir, capsys):
    _fit(capsys, "--drop", "w,o")
    code, out, err = run_cli(capsys, ["summary", "model.json"])
    assert code == 0, err
    assert "offset column" not in out and "weights column" not in out
    code, out, err = run_cli(capsys, ["summary", "model.json", "--json"])
    assert (json.loads(out)["weights"], json.loads(out)["offset"]) == (None, None)
