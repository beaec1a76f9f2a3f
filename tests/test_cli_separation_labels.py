"""The separation warning of ``logistic fit`` names the sides of the separating
direction by the target's labels (``z > 0 for passed = 'yes'``), not by the
estimator's ``classes_[1]``/``classes_[0]``, which a command-line user never
sees (the fit's codes 0 and 1 for the negative and positive label). The same
text is stored in the model file's warnings."""

from __future__ import annotations

import json

from conftest import run_cli
from logistic.cli._codes import EX_OK


def test_separation_warning_names_the_labels(tmp_path, capsys):
    data = tmp_path / "exam.csv"
    rows = [f"{h},{'yes' if h > 4.5 else 'no'}" for h in range(10)]
    data.write_text("hours,passed\n" + "\n".join(rows) + "\n")
    out = tmp_path / "m.json"
    code, _, err = run_cli(capsys, ["fit", data, "--target", "passed", "-o", out])
    assert code == EX_OK, err
    assert "z > 0 for passed = 'yes', z < 0 for passed = 'no'" in err
    assert "classes_" not in err
    stored = json.loads(out.read_text())["training"]["warnings"]
    assert any("z > 0 for passed = 'yes'" in w for w in stored)
