"""Levels that read like formula tokens (``a:b``, ``[x]``, ``T.x``) in
``logistic margins``: ``C(tok)[T.[x]]`` was no level of ``tok`` (its level
holds ``]``), so ``--at-value tok=a:b`` set ``C(tok)[T.a:b]=1`` but left
``C(tok)[T.[x]]`` as the data had it (rows of both levels at once: wrong
effects), ``--method pr --at-value 'tok=*'`` refused ``[x]`` as "not one of
its levels", and a warning called ``C(tok)[T.a:b]`` an interaction column.
References: statsmodels' Logit on the same design (its ``get_margeff`` with
the level columns set on every row, and its mean predicted probabilities
with every row set to each level)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import run_cli

LEVELS = ["T.x", "[x]", "a:b", "plain"]  # sorted: T.x is the reference


@pytest.fixture
def fitted(workdir, capsys):
    rng = np.random.default_rng(0)
    n = 600
    tok = np.array(LEVELS)[rng.integers(0, 4, n)]
    x = rng.normal(size=n)
    eta = -0.3 + 0.8 * x + np.select([tok == "[x]", tok == "a:b"], [0.6, -0.5], 0.2)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    frame = pd.DataFrame({"y": y, "x": x, "tok": tok})
    frame.to_csv("d.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", "d.csv", "--formula", "y ~ x + C(tok)", "-o", "m.json",
                 "-q", "--tol", "1e-10"],  # fmt: skip
    )
    assert code == 0, err
    design = np.column_stack(
        [np.ones(n), x] + [(tok == lv).astype(float) for lv in LEVELS[1:]]
    )
    ref = sm.Logit(y.astype(float), design).fit(disp=0, tol=1e-14)
    return frame, design, ref


def _margins(capsys, *options):
    code, out, err = run_cli(capsys, ["margins", "m.json", "d.csv", "--json", *options])
    assert code == 0, err
    return json.loads(out), err


@pytest.mark.parametrize("level", ["a:b", "[x]"])
def test_at_value_sets_every_level_column(fitted, capsys, level):
    _, _, ref = fitted
    doc, err = _margins(capsys, "--at-value", f"tok={level}")
    assert "look like columns a formula made" not in err
    atexog = {2 + i: float(lv == level) for i, lv in enumerate(LEVELS[1:])}
    want = ref.get_margeff(at="overall", atexog=atexog)
    got = {e["term"]: e for e in doc["effects"]}
    assert got["x"]["effect"] == pytest.approx(want.margeff[0], rel=1e-6)
    assert got["x"]["std_error"] == pytest.approx(want.margeff_se[0], rel=1e-5)


def test_predictive_margins_at_every_level(fitted, capsys):
    _, design, ref = fitted
    doc, _ = _margins(capsys, "--method", "pr", "--at-value", "tok=*")
    assert [m["at"] for m in doc["margins"]] == [{"tok": lv} for lv in LEVELS]
    for m, level in zip(doc["margins"], LEVELS, strict=True):
        D = design.copy()
        D[:, 2:] = [float(lv == level) for lv in LEVELS[1:]]
        assert m["margin"] == pytest.approx(ref.predict(D).mean(), rel=1e-7)
