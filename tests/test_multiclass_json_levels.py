"""``evaluate --json`` and ``summary --json`` of a K-class model write
whole-number levels as integers.

A numeric target read as 1.0/2.0/3.0 gave ``"classes": [1.0, 2.0, 3.0]``
(and per-class and confusion labels alike), where every other command and
the text output write ``1, 2, 3`` (docs/cli.md).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import run_cli


def test_float_levels_are_written_as_integers(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=150)
    y = np.digitize(x + rng.normal(scale=0.5, size=150), [-0.5, 0.5]) + 1.0
    path = tmp_path / "k.csv"
    pd.DataFrame({"y": y, "x": x}).to_csv(path, index=False)  # 1.0, 2.0, 3.0
    assert "1.0" in path.read_text().splitlines()[1] or "2.0" in path.read_text()
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "--penalty", "l2", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", tmp_path / "m.json", path, "--json"])
    assert code == 0, err
    m = json.loads(out)
    assert m["classes"] == [1, 2, 3] and m["reference"] == 1
    assert [type(c) for c in m["classes"]] == [int, int, int]
    assert [row["class"] for row in m["per_class"]] == [1, 2, 3]
    assert all(isinstance(c, int) for c in m["classes"])
    code, out, err = run_cli(capsys, ["summary", tmp_path / "m.json", "--json"])
    assert code == 0, err
    assert [type(c) for c in json.loads(out)["classes"]] == [int, int, int]


def test_python_model_of_float_labels_writes_integers(tmp_path, capsys):
    import logistic
    from logistic import LogisticRegression

    rng = np.random.default_rng(1)
    X = pd.DataFrame({"x": rng.normal(size=150)})
    y = np.digitize(X["x"] + rng.normal(scale=0.5, size=150), [-0.5, 0.5]) + 1.0
    model = logistic.save(LogisticRegression().fit(X, y), tmp_path / "py.json")
    code, out, err = run_cli(capsys, ["summary", model, "--json"])
    assert code == 0, err
    assert [type(c) for c in json.loads(out)["classes"]] == [int, int, int]


def test_summary_of_a_python_model_without_target_name(tmp_path, capsys):
    import logistic
    from logistic import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.digitize(X[:, 0] + rng.normal(size=90), [-0.5, 0.5])
    path = logistic.save(LogisticRegression().fit(X, y), tmp_path / "k.json")
    code, out, err = run_cli(capsys, ["summary", path])
    assert code == 0, err
    assert "target None" not in out and "target 3 classes, reference '0'" in out
