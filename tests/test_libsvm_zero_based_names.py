"""A zero-based LibSVM file's features have one set of names everywhere.

Its encoding named the columns by file index (``x0, x1, …``) while the fit
(its printed table, its warnings, the model file's covariance) names the
columns of a sparse X by position, ``x1, x2, …``: ``summary`` then showed
other names than ``fit``, and ``margins --at-value`` refused both ``x0`` ("not
a feature of the model (x1, x2, x3)") and ``x3`` ("(x0, x1, x2)"). The
encoding now names them ``x1 … xp`` too, the library's positional names.
"""

from __future__ import annotations

import json

import numpy as np

from conftest import run_cli


def _write(path):
    rng = np.random.default_rng(0)
    lines = []
    for _ in range(200):
        a, b = rng.normal(size=2)
        y = int(rng.random() < 1 / (1 + np.exp(-a)))
        lines.append(f"{y} 0:{a:.4f} 1:{b:.4f} 2:{rng.normal():.4f}")
    path.write_text("\n".join(lines) + "\n")


def _rows(text):
    return [line.split()[0] for line in text.splitlines() if line[:1] == "x"]


def test_fit_summary_and_margins_name_the_same_features(tmp_path, capsys):
    data, model = tmp_path / "z.svm", tmp_path / "m.json"
    _write(data)
    code, fitted, err = run_cli(capsys, ["fit", data, "-o", model])
    assert code == 0, err
    doc = json.loads(model.read_text())
    assert doc["encoding"]["zero_based"] is True
    assert doc["encoding"]["feature_names"] == ["x1", "x2", "x3"]
    assert doc["covariance"]["names"] == ["Intercept", "x1", "x2", "x3"]
    code, summary, err = run_cli(capsys, ["summary", model])
    assert code == 0, err
    assert _rows(fitted) == _rows(summary) == ["x1", "x2", "x3"]
    # the file's index 0 is the first column, x1
    code, out, err = run_cli(
        capsys, ["margins", model, data, "--at-value", "x1=0.5", "--json"]
    )
    assert code == 0, err
    assert [e["term"] for e in json.loads(out)["effects"]] == ["x1", "x2", "x3"]
    code, out, err = run_cli(capsys, ["margins", model, data, "--at-value", "x0=0.5"])
    assert (code, out) == (2, "")
    assert "(x1, x2, x3)" in err
