"""A K-class formula model's refusals of ``margins`` options agree.

With interactions or transforms, ``--at mean`` was refused offering
``--at-value``, which a model of more than two classes refused, offering
``--at mean`` in turn: each message sent the user to the other. A model of
more than two classes now takes ``--at-value`` (effects and predictive
margins at set values), so the refusal of ``--at mean`` offers it to both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import run_cli


def _data(path, classes):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "g": rng.choice(["a", "b", "c"], n),
            "z": rng.uniform(1, 5, n),
            "y": rng.choice(classes, n),
        }
    )
    frame.to_csv(path, index=False)


FORMULA = "y ~ x*C(g) + I(x**2) + np.log(z)"


def test_the_k_class_refusals_do_not_send_the_user_in_a_circle(workdir, capsys):
    _data(workdir / "k.csv", ["hi", "lo", "mid"])
    code, out, err = run_cli(capsys, ["fit", "k.csv", "--formula", FORMULA, "-o", "m.json"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "k.csv", "--at", "mean"])
    assert code == 2 and "--at overall" in err and "--at-value" in err, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "k.csv", "--at-value", "x=0"])
    assert code == 0 and "Set on every row: x=0" in out, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "k.csv"])
    assert code == 0, err


def test_a_two_class_model_still_offers_at_value(workdir, capsys):
    _data(workdir / "b.csv", ["no", "yes"])
    args = ["fit", "b.csv", "--formula", FORMULA, "--positive", "yes", "-o", "m.json"]
    code, out, err = run_cli(capsys, args)
    assert code == 0, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "b.csv", "--at", "mean"])
    assert code == 2 and "--at-value" in err, err
