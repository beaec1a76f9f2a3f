"""A boolean target and a 0/1 target are one label pair between fit and evaluate.

A model fitted on a Parquet ``bool`` target (classes false/true) refused an
evaluation file whose target is written 0/1 (a CSV), and the reverse: "has
values the model was not trained on: '0' ... (expected False or True)",
exit 65, while bool features read 0/1 alike. The metrics are now those of
the same labels written the other way; the reference is scikit-learn's on
the 0/1 labels.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from conftest import run_cli

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
metrics = pytest.importorskip("sklearn.metrics")


@pytest.fixture
def files(workdir):
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    flag = rng.random(300) < 0.5
    y = rng.random(300) < 1 / (1 + np.exp(-x))
    pd.DataFrame({"x": x, "flag": flag, "y": y}).to_parquet("bool.parquet")
    pd.DataFrame({"x": x, "flag": flag.astype(int), "y": y.astype(int)}).to_csv(
        "int.csv", index=False
    )
    return y.astype(int)


@pytest.mark.parametrize(("fitted", "evaluated"), [("bool.parquet", "int.csv"), ("int.csv", "bool.parquet")])
def test_bool_and_01_targets_evaluate_alike(files, capsys, fitted, evaluated):
    y = files
    assert run_cli(capsys, ["fit", fitted, "-t", "y", "-o", "m.json", "-q"])[0] == 0
    code, out, err = run_cli(capsys, ["evaluate", "m.json", evaluated, "--json", "-q"])
    assert code == 0, err
    got = json.loads(out)
    code, out, _ = run_cli(capsys, ["predict", "m.json", evaluated, "-q"])
    proba = pd.read_csv(io.StringIO(out))["proba"].to_numpy()
    assert got["log_loss"] == pytest.approx(metrics.log_loss(y, proba), rel=1e-9)
    assert got["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, proba), rel=1e-12)


def test_other_values_are_still_refused_in_the_models_spelling(files, capsys):
    assert run_cli(capsys, ["fit", "bool.parquet", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    pd.DataFrame({"x": [0.1, 0.2], "flag": [0, 1], "y": [2, 1]}).to_csv("bad.csv", index=False)
    code, _, err = run_cli(capsys, ["evaluate", "m.json", "bad.csv", "-q"])
    assert code == 65
    assert err.strip().endswith("(expected false or true)"), err
    # the unknown value is the number the file holds, not its text '2'
    assert "not trained on: 2 (n=1) (expected" in err, err
