"""``logistic fit --random-state SEED``: the seed of ``--solver sgd``.

Without the option the command line had no way to seed the stochastic
solver: two runs of the same ``fit --solver sgd`` gave different
coefficients (gpa 0.70517 and 0.69717 on the UCLA data), and the model file
recorded ``random_state=None``. Reference: the library's
``LogisticRegression(solver="sgd", random_state=SEED)`` on the same rows,
which the command must reproduce exactly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import data_path, run_cli
from logistic import LogisticRegression


def _coef(workdir, name):
    model = json.loads((workdir / name).read_text())["model"]
    return np.array(model["coef"]), model


def test_same_seed_same_model_other_seed_other_model(workdir, capsys):
    d = str(data_path("ucla-admissions", "binary.csv"))
    base = ["fit", d, "-t", "admit", "--penalty", "l2", "--solver", "sgd", "-q"]
    for name, seed in (("a.json", "7"), ("b.json", "7"), ("c.json", "8")):
        code, _, err = run_cli(capsys, base + ["--random-state", seed, "-o", name])
        assert code == 0, err
    a, model = _coef(workdir, "a.json")
    b, _ = _coef(workdir, "b.json")
    c, _ = _coef(workdir, "c.json")
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert '"random_state": 7' in (workdir / "a.json").read_text()
    frame = pd.read_csv(d)
    X, y = frame[["gre", "gpa", "rank"]].to_numpy(float), frame["admit"].to_numpy()
    ref = LogisticRegression(penalty="l2", alpha=1 / len(y), solver="sgd", random_state=7)
    assert np.allclose(ref.fit(X, y).coef_.ravel(), a, rtol=1e-12, atol=0)


def test_negative_seed_is_a_usage_error(workdir, capsys):
    d = str(data_path("ucla-admissions", "binary.csv"))
    code, _, err = run_cli(capsys, ["fit", d, "-t", "admit", "--random-state", "-1"])
    assert code == 2 and "--random-state" in err


def test_seed_reaches_the_cross_validation_folds(workdir, capsys):
    """``--cv`` fitted its folds' paths unseeded: two runs with one seed gave
    different cross-validation curves (and could choose another alpha)."""
    d = str(data_path("ucla-admissions", "binary.csv"))
    base = ["fit", d, "-t", "admit", "--solver", "sgd", "--random-state", "7"]
    base += ["--cv", "3", "--n-alphas", "4", "-q"]
    curves = []
    for name in ("a.json", "b.json"):
        code, _, err = run_cli(capsys, base + ["-o", name])
        assert code == 0, err
        model = json.loads((workdir / name).read_text())["model"]
        curves.append(json.dumps(model["cross_validation"], sort_keys=True))
    assert curves[0] == curves[1]
