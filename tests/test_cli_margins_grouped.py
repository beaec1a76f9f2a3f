"""``logistic margins`` of a model fitted on grouped counts (``--trials``,
``cbind``): the effects of the same fit on one 0/1 row per trial.

Reference: statsmodels' ``Logit`` on the groups expanded to one row per trial
(each group as ``successes`` rows of 1 and ``failures`` rows of 0). That is
the model the grouped fit is (the same likelihood up to ``Σ log C(n, k)``:
the same coefficients and information), and its averages are over the
trials, each group weighted by its size, as the library weights a grouped
fit's means (``LogisticRegression().fit(X, k, trials=n).inference()
.get_margeff(at="mean")``). statsmodels 0.15's ``GLM(endog=[k, n - k],
family=Binomial()).get_margeff`` exists but weights every group alike
(``exog.mean(0)`` and ``effects.mean(0)`` over the groups, its trials left
out), which is another quantity: it is checked here at the trial-weighted
means through ``atexog``, and shown to differ for ``at="overall"``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic.cli._codes import EX_DATAERR, EX_OK, EX_USAGE

sm = pytest.importorskip("statsmodels.api")

RTOL = 1e-6
BY_TRIALS = ("-t", "successes", "--trials", "trials", "--drop", "failures")
BY_CBIND = ("--formula", "cbind(successes, failures) ~ x1 + x2 + d")


def _groups(seed: int = 98, groups: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=groups).round(3)
    x2 = rng.uniform(0, 2, size=groups).round(3)
    d = rng.integers(0, 2, size=groups)
    n = rng.integers(5, 60, size=groups)
    z = -0.4 + 0.8 * x1 - 0.5 * x2 + 0.3 * d + rng.normal(scale=0.6, size=groups)
    k = rng.binomial(n, 1 / (1 + np.exp(-z)))
    k[0], k[1] = 0, n[1]  # a group of failures only, one of successes only
    return pd.DataFrame(
        {"x1": x1, "x2": x2, "d": d, "successes": k, "failures": n - k, "trials": n}
    )


def _expanded(frame: pd.DataFrame, weight: np.ndarray | None = None):
    """statsmodels' Logit on one row per trial (a group of weight w repeated w
    times)."""
    w = np.ones(len(frame), dtype=int) if weight is None else weight
    X = frame[["x1", "x2", "d"]].to_numpy(float)
    counts = np.column_stack([frame.successes * w, frame.failures * w]).ravel()
    rows = np.repeat(np.repeat(X, 2, axis=0), counts, axis=0)
    y = np.repeat(np.tile([1.0, 0.0], len(frame)), counts)
    return sm.Logit(y, sm.add_constant(rows)).fit(disp=0, tol=1e-12)


@pytest.fixture
def grouped(workdir, capsys):
    frame = _groups()
    frame.to_csv("g.csv", index=False)
    for name, options in (("t.json", BY_TRIALS), ("c.json", BY_CBIND)):
        argv = ["fit", "g.csv", *options, "-o", name, "-q", "--tol", "1e-12"]
        code, _, err = run_cli(capsys, argv)
        assert code == EX_OK, err
    return frame


def _margins(capsys, model, *options, data="g.csv"):
    code, out, err = run_cli(capsys, ["margins", model, data, "--json", *options])
    assert code == EX_OK, err
    doc = json.loads(out)
    effects = np.array([e["effect"] for e in doc["effects"]])
    se = np.array([e["std_error"] for e in doc["effects"]])
    return doc, effects, se


@pytest.mark.parametrize("model", ["t.json", "c.json"])
@pytest.mark.parametrize("at", ["mean", "overall", "median", "zero"])
def test_effects_match_statsmodels_on_the_trials(grouped, capsys, model, at):
    doc, effects, se = _margins(capsys, model, "--at", at)
    expected = _expanded(grouped).get_margeff(at=at)
    assert [e["term"] for e in doc["effects"]] == ["x1", "x2", "d"]
    np.testing.assert_allclose(effects, expected.margeff, rtol=RTOL)
    np.testing.assert_allclose(se, expected.margeff_se, rtol=RTOL)
    assert doc["nobs"] == int(grouped.trials.sum())  # observations are trials
    assert doc["cov_type"] == "nonrobust"


def test_at_mean_is_the_librarys_grouped_fit_and_glm_at_those_means(grouped, capsys):
    """--at mean is the library's effect of the grouped fit (no rows needed),
    and statsmodels' grouped GLM at the trial-weighted means."""
    _, effects, se = _margins(capsys, "t.json", "--at", "mean")
    X = grouped[["x1", "x2", "d"]]
    fitted = LogisticRegression(tol=1e-12).fit(
        X, grouped.successes, trials=grouped.trials
    )
    library = fitted.inference().get_margeff(at="mean")
    np.testing.assert_allclose(effects, library.margeff, rtol=RTOL)
    np.testing.assert_allclose(se, library.margeff_se, rtol=RTOL)
    endog = grouped[["successes", "failures"]].to_numpy(float)
    exog = sm.add_constant(X.to_numpy(float))
    glm = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(tol=1e-12)
    means = np.average(X.to_numpy(float), axis=0, weights=grouped.trials)
    at_means = glm.get_margeff(at="mean", atexog=dict(enumerate(means, start=1)))
    np.testing.assert_allclose(effects, at_means.margeff, rtol=RTOL)
    np.testing.assert_allclose(se, at_means.margeff_se, rtol=RTOL)


def test_overall_weights_each_group_by_its_trials(grouped, capsys):
    """The average is over trials; statsmodels' GLM averages over the groups
    alike (its own 'overall'), a different number."""
    _, effects, _ = _margins(capsys, "c.json")
    endog = grouped[["successes", "failures"]].to_numpy(float)
    exog = sm.add_constant(grouped[["x1", "x2", "d"]].to_numpy(float))
    glm = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    by_group = glm.get_margeff(at="overall").margeff
    assert np.all(np.abs(effects - by_group) > 1e-3 * np.abs(effects))


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_dummy_is_the_discrete_change_on_the_trials(grouped, capsys, at):
    doc, effects, se = _margins(capsys, "t.json", "--dummy", "--at", at)
    expected = _expanded(grouped).get_margeff(at=at, dummy=True)
    assert [e["discrete"] for e in doc["effects"]] == [False, False, True]
    np.testing.assert_allclose(effects, expected.margeff, rtol=RTOL)
    np.testing.assert_allclose(se, expected.margeff_se, rtol=RTOL)


def test_group_weights_repeat_the_groups(workdir, capsys):
    """--weights W: a group of weight 2 stands for two identical groups."""
    frame = _groups(seed=7, groups=30)
    weight = np.random.default_rng(3).integers(1, 4, size=len(frame))
    frame.assign(w=weight).to_csv("g.csv", index=False)
    argv = [
        "fit",
        "g.csv",
        *BY_TRIALS,
        "--weights",
        "w",
        "-o",
        "w.json",
        "-q",
        "--tol",
        "1e-12",
    ]
    assert run_cli(capsys, argv)[0] == EX_OK
    _, effects, se = _margins(capsys, "w.json")
    expected = _expanded(frame, weight).get_margeff()
    np.testing.assert_allclose(effects, expected.margeff, rtol=RTOL)
    np.testing.assert_allclose(se, expected.margeff_se, rtol=RTOL)


@pytest.mark.parametrize(
    "options",
    [
        ("--cov-type", "HC0"),
        ("--cov-type", "HC1"),
        ("--cov-type", "cluster", "--cluster", "d"),
    ],
)
def test_robust_covariances_are_refused(grouped, capsys, options):
    code, out, err = run_cli(capsys, ["margins", "t.json", "g.csv", *options])
    assert code == EX_USAGE and out == ""
    line = err.strip()
    assert "\n" not in line
    assert f"--cov-type {options[1]}: t.json was fitted on grouped counts" in line
    assert "use --cov-type nonrobust" in line


def test_explicit_nonrobust_is_taken(grouped, capsys):
    _, effects, _ = _margins(capsys, "c.json", "--cov-type", "nonrobust")
    np.testing.assert_allclose(
        effects, _expanded(grouped).get_margeff().margeff, rtol=RTOL
    )


def test_the_groups_twice_are_not_the_training_data(grouped, capsys):
    """The gradient is still zero on the groups repeated; their count is not
    the fit's."""
    pd.concat([grouped, grouped]).to_csv("twice.csv", index=False)
    code, _, err = run_cli(capsys, ["margins", "t.json", "twice.csv"])
    assert code == EX_DATAERR
    assert "twice.csv is not the data t.json was fitted on" in err
    assert "80 groups, the fit's 40" in err


@pytest.mark.parametrize("options", [(), ("--dummy",), ("--at-value", "x1=0.5")])
def test_a_formula_per_variable_is_the_fit_on_the_trials(grouped, capsys, options):
    """cbind with an interaction: effects per variable through every term, the
    same as `logistic margins` of the 0/1 rows with their counts as weights."""
    rows = pd.concat(
        [
            grouped.assign(y=1, w=grouped.successes),
            grouped.assign(y=0, w=grouped.failures),
        ]
    )
    rows[rows.w > 0].to_csv("rows.csv", index=False)
    for data, formula, name in (
        ("g.csv", "cbind(successes, failures) ~ x1*d + x2", "gi.json"),
        ("rows.csv", "y ~ x1*d + x2", "ri.json"),
    ):
        argv = ["fit", data, "--formula", formula, "-o", name, "-q", "--tol", "1e-12"]
        argv += ["--weights", "w"] if data == "rows.csv" else []
        assert run_cli(capsys, argv)[0] == EX_OK
    doc, effects, se = _margins(capsys, "gi.json", *options)
    ref, ref_effects, ref_se = _margins(capsys, "ri.json", *options, data="rows.csv")
    assert [e["term"] for e in doc["effects"]] == ["x1", "d", "x2"]
    assert doc["nobs"] == ref["nobs"] == int(grouped.trials.sum())
    np.testing.assert_allclose(effects, ref_effects, rtol=RTOL)
    np.testing.assert_allclose(se, ref_se, rtol=RTOL)


def test_a_grouped_model_saved_from_python_is_refused(grouped, capsys):
    """Its file names no columns of counts: one line, exit 65, what works."""
    import logistic

    X = grouped[["x1", "x2", "d"]]
    fitted = LogisticRegression().fit(X, grouped.successes, trials=grouped.trials)
    logistic.save(fitted, "py.json")
    code, out, err = run_cli(capsys, ["margins", "py.json", "g.csv"])
    assert code == EX_DATAERR and out == ""
    line = err.strip()
    assert "\n" not in line
    assert "py.json was fitted on grouped counts and saved from Python" in line
    assert "refit with logistic fit --trials COL" in line
