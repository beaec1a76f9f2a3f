"""A checkpoint resumed with other feature columns (``--drop``, ``--features``)
is refused as such, naming the columns, not as data whose rows changed; the
feature names it records (``features``) are explanatory only: a checkpoint
without them resumes, one of other data is still refused."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import resign_checkpoint, run_cli
from logistic import IntegrityError, LogisticRegression

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")


def _big(path, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    n = 2000
    X = rng.normal(size=(n, 4))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    frame = pd.DataFrame(X, columns=["x1", "x2", "x3", "x4"])
    frame["y"] = y
    frame.to_csv(path, index=False)




@pytest.mark.parametrize("stream", [[], ["--stream"]], ids=["memory", "stream"])
def test_dropping_a_column_names_the_columns(workdir, capsys, stream):
    _big(workdir / "big.csv")
    argv = ["fit", "big.csv", "-t", "y", *stream, "--checkpoint", "ck.json"]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    config = json.loads((workdir / "ck.json").read_text())["payload"]["config"]
    assert config["features"] == '["x1", "x2", "x3", "x4"]'
    code, out, err = run_cli(capsys, [*argv, "--drop", "x4", "-o", "b.json"])
    assert (code, out) == (65, "") and not (workdir / "b.json").exists()
    assert err.startswith(
        "error: checkpoint ck.json was written for other feature columns (the "
        "checkpoint: 5 parameters ('x1', 'x2', 'x3', 'x4', intercept); now: 4 "
        "parameters ('x1', 'x2', 'x3', intercept); removed: 'x4')"
    )
    assert "rows were added" not in err and "different data" not in err
    # the same columns in another order: told by their names
    code, _, err = run_cli(capsys, [*argv, "--features", "x2,x1,x3,x4", "-o", "b.json"])
    assert code == 65 and "other feature columns" in err
    assert "the same columns in another order" in err


def test_changed_rows_with_the_same_columns_are_still_other_data(workdir, capsys):
    _big(workdir / "big.csv")
    argv = ["fit", "big.csv", "-t", "y", "--checkpoint", "ck.json"]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    _big(workdir / "big.csv", seed=2)
    code, _, err = run_cli(capsys, [*argv, "-o", "b.json"])
    assert code == 65
    assert err.startswith("error: checkpoint ck.json was written for different data")
    assert "rows were added, removed or changed" in err


def test_other_settings_with_the_same_columns_name_no_columns(workdir, capsys):
    _big(workdir / "big.csv")
    argv = ["fit", "big.csv", "-t", "y", "--checkpoint", "ck.json"]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    code, _, err = run_cli(capsys, [*argv, "--penalty", "l2", "-o", "b.json"])
    assert code == 65 and "written for another problem (the checkpoint: " in err
    assert "parameters" not in err and "'x1'" not in err


def test_a_checkpoint_without_features_still_resumes(workdir, capsys):
    # as written before the names were recorded
    _big(workdir / "big.csv")
    argv = ["fit", "big.csv", "-t", "y", "--checkpoint", "ck.json"]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    resign_checkpoint(workdir / "ck.json", lambda p: p["config"].pop("features"))
    (workdir / "ck.json.prev").unlink()
    code, _, err = run_cli(capsys, [*argv, "-o", "b.json"])
    assert code == 0 and "resumed from checkpoint ck.json" in err
    # ... and with other columns is refused, by the number of parameters
    resign_checkpoint(workdir / "ck.json", lambda p: p["config"].pop("features", None))
    code, _, err = run_cli(capsys, [*argv, "--drop", "x4", "-o", "c.json"])
    assert code == 65 and err.startswith(
        "error: checkpoint ck.json was written for other feature columns (the "
        "checkpoint: 5 parameters; now: 4 parameters ('x1', 'x2', 'x3', intercept))"
    )


def test_forged_features_decide_nothing(workdir, capsys):
    _big(workdir / "big.csv")
    argv = ["fit", "big.csv", "-t", "y", "--checkpoint", "ck.json"]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    # the names of today's columns on a checkpoint of other columns: refused
    ck = workdir / "ck.json"
    resign_checkpoint(ck, lambda p: p["config"].update(features='["x1", "x2", "x3"]'))
    code, _, err = run_cli(capsys, [*argv, "--drop", "x4", "-o", "b.json"])
    assert code == 65 and "other feature columns" in err
    assert not (workdir / "b.json").exists()
    resign_checkpoint(ck, lambda p: p["config"].update(features='["x1"'))  # not JSON
    _big(workdir / "big.csv", seed=2)  # other data, the same columns
    code, _, err = run_cli(capsys, [*argv, "-o", "b.json"])
    assert code == 65 and "written for different data" in err
    # not text: refused as any config field of another kind
    resign_checkpoint(ck, lambda p: p["config"].update(features=["x1", "x2", "x3", "x4"]))
    (workdir / "ck.json.prev").unlink()  # else the fit falls back to it
    code, _, err = run_cli(capsys, [*argv, "-o", "b.json"])
    assert code == 65 and "config field 'features'" in err


def test_renamed_columns_of_the_same_values_resume(workdir, capsys):
    # the names only explain: a checkpoint of the same values resumes
    _big(workdir / "big.csv")
    argv = ["fit", "big.csv", "-t", "y", "--checkpoint", "ck.json"]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    frame = pd.read_csv(workdir / "big.csv").rename(columns={"x4": "z"})
    frame.to_csv(workdir / "big.csv", index=False)
    code, _, err = run_cli(capsys, [*argv, "-o", "b.json"])
    assert code == 0 and "resumed from checkpoint ck.json" in err


def test_python_arrays_without_names_say_the_number_of_parameters(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (rng.uniform(size=300) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    path = tmp_path / "ck.json"
    LogisticRegression(solver="newton", max_iter=2).fit(X, y, checkpoint=path)
    with pytest.raises(IntegrityError) as info:
        LogisticRegression(solver="newton").fit(X[:, :3], y, checkpoint=path)
    assert "other feature columns (the checkpoint: 5 parameters; now: 4 " in str(
        info.value
    )
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    path.unlink()
    path.with_name("ck.json.prev").unlink(missing_ok=True)
    LogisticRegression(solver="newton", max_iter=2).fit(frame, y, checkpoint=path)
    with pytest.raises(IntegrityError, match="removed: 'b'; added: 'e'"):
        LogisticRegression(solver="newton").fit(
            frame.drop(columns="b").assign(e=1.0), y, checkpoint=path
        )
