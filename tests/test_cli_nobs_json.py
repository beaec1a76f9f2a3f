"""``nobs`` in the command line's JSON (``summary --json`` with and without
DATA, ``margins --json`` of effects and of predictive margins, two classes
and three): an integer for a count of rows, groups or trials, a float for a
weight sum, the same in every document, and ``nobs_counts`` saying what it
counts (:mod:`logistic.cli._nobs`).

References (statsmodels, computed here on the same data):
* ``Logit(...).fit().nobs`` and ``MNLogit(...).fit().nobs``: the rows.
* ``GLM(..., freq_weights=w).wnobs``: the sum of the frequency weights (its
  ``nobs`` is the row count, our ``rows_used``).
* ``GLM(..., var_weights=w).nobs`` on the rows of positive weight, for
  sampling weights.
* ``GLM(Binomial(), [successes, failures]).nobs``: the groups.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import data_path, run_cli

FEATURES = ["age", "lwt", "smoke"]


@pytest.fixture
def birthwt(workdir):
    """Hosmer and Lemeshow's birth weights (MASS::birthwt, 189 rows) with a
    fractional weight column."""
    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    d["fw"] = 0.3 + (np.arange(len(d)) % 5) * 0.17  # sum 120.62
    d.to_csv(workdir / "b.csv", index=False)
    return d


def _json(capsys, *args):
    code, out, err = run_cli(capsys, list(args))
    assert code == 0, err
    return json.loads(out)


def _documents(capsys, model, target):
    """The five documents that carry ``nobs``, as (name, its dict)."""
    fit_args = ["fit", "b.csv", "-t", target, "--features", ",".join(FEATURES)]
    assert run_cli(capsys, [*fit_args, "-o", "m.json", *model])[0] == 0
    on_data = _json(capsys, "summary", "m.json", "b.csv", "--json")
    return [
        ("summary", _json(capsys, "summary", "m.json", "--json")["training"]["statistics"]),
        ("summary DATA", on_data["inference"]["statistics"]),
        ("margins", _json(capsys, "margins", "m.json", "b.csv", "--json")),
        ("margins pr", _json(capsys, "margins", "m.json", "b.csv", "--method", "pr", "--json")),
    ]  # fmt: skip


@pytest.mark.parametrize("target", ["low", "race"])
def test_unweighted_nobs_is_the_row_count_as_an_integer(birthwt, capsys, target):
    X = sm.add_constant(birthwt[FEATURES])
    model = sm.Logit if target == "low" else sm.MNLogit
    y = birthwt[target] if target == "low" else birthwt[target] - 1
    rows = model(y, X).fit(disp=0).nobs  # 189
    for name, doc in _documents(capsys, [], target):
        assert type(doc["nobs"]) is int, (name, doc["nobs"])
        assert doc["nobs"] == rows == 189, name
        assert doc["nobs_counts"] == "rows", name


def test_frequency_weights_nobs_is_their_sum(birthwt, capsys):
    X = sm.add_constant(birthwt[FEATURES])
    glm = sm.GLM(birthwt["low"], X, sm.families.Binomial(), freq_weights=birthwt["ftv"])
    assert (glm.nobs, glm.wnobs) == (189, 150)
    for name, doc in _documents(capsys, ["--weights", "ftv"], "low"):
        # a weight sum is a float, whole or not (as evaluate's weighted counts)
        assert type(doc["nobs"]) is float and doc["nobs"] == glm.wnobs, name
        assert doc["nobs_counts"] == "sum of weights", name


def test_fractional_weights_nobs_is_a_float_sum(birthwt, capsys):
    X = sm.add_constant(birthwt[FEATURES])
    glm = sm.GLM(birthwt["low"], X, sm.families.Binomial(), freq_weights=birthwt["fw"])
    assert glm.wnobs == pytest.approx(120.62)
    for name, doc in _documents(capsys, ["--weights", "fw"], "low"):
        assert type(doc["nobs"]) is float, name
        assert doc["nobs"] == pytest.approx(glm.wnobs, rel=1e-12), name
        assert doc["nobs_counts"] == "sum of weights", name


def test_sampling_weights_nobs_counts_rows_of_positive_weight(birthwt, capsys):
    kept = birthwt[birthwt["ftv"] > 0]
    X = sm.add_constant(kept[FEATURES])
    glm = sm.GLM(kept["low"], X, sm.families.Binomial(), var_weights=kept["ftv"])
    args = ["--weights", "ftv", "--weights-kind", "sampling"]
    for name, doc in _documents(capsys, args, "low")[:2]:  # margins: robust only
        assert type(doc["nobs"]) is int and doc["nobs"] == glm.nobs == 89, name
        assert doc["nobs_counts"] == "rows of positive weight", name


def test_grouped_counts_nobs_counts_groups_and_margins_trials(workdir, capsys):
    rng = np.random.default_rng(5)
    x = rng.normal(size=30)
    trials = rng.integers(5, 20, size=30)
    successes = rng.binomial(trials, 1.0 / (1.0 + np.exp(-0.4 - 0.8 * x)))
    pd.DataFrame({"x": x, "s": successes, "n": trials}).to_csv("g.csv", index=False)
    glm = sm.GLM(
        np.c_[successes, trials - successes], sm.add_constant(x), sm.families.Binomial()
    )
    assert (
        run_cli(capsys, ["fit", "g.csv", "-t", "s", "--trials", "n", "-o", "g.json"])[0]
        == 0
    )
    stats = _json(capsys, "summary", "g.json", "--json")["training"]["statistics"]
    assert (
        (stats["nobs"], stats["nobs_counts"]) == (glm.nobs, "groups") == (30, "groups")
    )
    margins = _json(capsys, "margins", "g.json", "g.csv", "--json")
    assert (margins["nobs"], margins["nobs_counts"]) == (int(trials.sum()), "trials")
