"""``summary MODEL DATA`` / ``margins`` of rows of one class name it as DATA spells it.

The message said "its rows hold one class only (1)" for a target of yes/no
labels (the label's code, not the label).
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import data_path, run_cli


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_one_class_rows_name_the_label(tmp_path, capsys, command):
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    d["admit"] = d["admit"].map({0: "no", 1: "yes"})
    full, head = tmp_path / "full.csv", tmp_path / "yes.csv"
    d.to_csv(full, index=False)
    d[d["admit"] == "yes"].to_csv(head, index=False)
    model = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", full, "-t", "admit", "-o", model, "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, [command, model, head])
    assert code == 65
    assert "its rows hold one class only ('yes')" in err
