"""A target whose values differ only in case or spaces (``Yes``, ``yes ``,
``YES``), none of them rare, fits one class per spelling: the fit warns, naming
the spellings and their counts (it was silent; only a rare spelling was named)."""

from __future__ import annotations

import json

import numpy as np

from conftest import run_cli


def test_spellings_of_one_answer_are_named_in_a_warning(tmp_path, capsys):
    rng = np.random.default_rng(5)
    spellings = ["Yes", "yes ", "YES", "no"]
    lines = ["x,y"] + [
        f"{rng.normal():.4f},{spellings[i % 4]}" for i in range(200)
    ]
    data = tmp_path / "d.csv"
    data.write_text("\n".join(lines) + "\n")
    out = tmp_path / "m.json"
    code, text, err = run_cli(capsys, ["fit", data, "-t", "y", "-o", out, "--json"])
    assert code == 0, err
    expected = (
        "target 'y': 'YES' (50), 'Yes' (50), 'yes ' (50) differ only in case or "
        "spaces, so each is a class of its own (4 classes, a multinomial model); "
        "if they are one answer, correct those values in the file"
    )
    assert expected in json.loads(text)["warnings"]
    stored = json.loads(out.read_text())["training"]["warnings"]
    assert expected in stored


def test_distinct_classes_get_no_such_warning(tmp_path, capsys):
    rng = np.random.default_rng(6)
    lines = ["x,y"] + [f"{rng.normal():.4f},{'abc'[i % 3]}" for i in range(150)]
    data = tmp_path / "d.csv"
    data.write_text("\n".join(lines) + "\n")
    code, text, err = run_cli(
        capsys, ["fit", data, "-t", "y", "-o", tmp_path / "m.json", "--json"]
    )
    assert code == 0, err
    assert not [w for w in json.loads(text)["warnings"] if "case or spaces" in w]
