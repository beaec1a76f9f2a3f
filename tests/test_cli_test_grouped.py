"""``logistic test --data`` of a model fitted on grouped counts (``--trials``,
``cbind``): the tests on its groups read as one 0/1 row per trial.

The trials' likelihood is the grouped one less the constant ``Σ log C(n, k)``,
so likelihood-ratio statistics (differences of log-likelihoods) and the
model-based covariance are the grouped fit's. Reference: statsmodels'
``GLM(successes + failures ~ ..., family=Binomial())``, the deviance of each
refit without a term less the full model's (R's ``drop1(test="Chisq")``),
and the full fit's Wald tests.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic.cli._codes import EX_DATAERR, EX_USAGE

smf = pytest.importorskip("statsmodels.formula.api")
sm = pytest.importorskip("statsmodels.api")


def _groups(seed: int = 7, groups: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=groups).round(3)
    g = rng.choice(["a", "b", "c"], size=groups)
    n = rng.integers(3, 40, size=groups)
    p = 1 / (1 + np.exp(-(0.3 + 0.8 * x + (g == "b") * 0.5)))
    s = rng.binomial(n, p)
    return pd.DataFrame({"x": x, "g": g, "s": s, "f": n - s})


def _fit(workdir, capsys) -> None:
    _groups().to_csv(workdir / "grp.csv", index=False)
    argv = ["fit", "grp.csv", "--formula", "cbind(s, f) ~ x + C(g)", "-o", "m.json",
            "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err


def _terms(capsys, *extra: str) -> dict[str, dict]:
    argv = ["test", "m.json", "--terms", "--data", "grp.csv", "--json", *extra]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    return {t["term"]: t for t in json.loads(out)["terms"]}


def test_likelihood_ratio_of_each_term_is_the_grouped_deviance_change(
    workdir, capsys
):
    _fit(workdir, capsys)
    got = _terms(capsys, "--lr")
    frame = _groups()
    binomial = sm.families.Binomial()
    full = smf.glm("s + f ~ x + C(g)", frame, family=binomial).fit(tol=1e-12)
    for term, reduced in (("x", "s + f ~ C(g)"), ("C(g)", "s + f ~ x")):
        fit = smf.glm(reduced, frame, family=binomial).fit(tol=1e-12)
        assert got[term]["df"] == (1 if term == "x" else 2)
        np.testing.assert_allclose(
            got[term]["statistic"], fit.deviance - full.deviance, rtol=1e-6
        )


def test_wald_tests_on_the_trials_are_the_stored_ones(workdir, capsys):
    _fit(workdir, capsys)
    on_rows = _terms(capsys)
    frame = _groups()
    full = smf.glm("s + f ~ x + C(g)", frame, family=sm.families.Binomial()).fit(
        tol=1e-12
    )
    wald = full.wald_test("C(g)[T.b] = 0, C(g)[T.c] = 0", scalar=True)
    np.testing.assert_allclose(on_rows["C(g)"]["statistic"], wald.statistic, rtol=1e-6)
    stored = run_cli(capsys, ["test", "m.json", "--terms", "--json"])[1]
    for t in json.loads(stored)["terms"]:
        np.testing.assert_allclose(
            on_rows[t["term"]]["statistic"], t["statistic"], rtol=1e-8
        )


def test_grouped_refusals_name_the_command(workdir, capsys):
    _fit(workdir, capsys)
    argv = ["test", "m.json", "--terms", "--data", "grp.csv", "--cov-type", "HC0"]
    code, _, err = run_cli(capsys, argv)
    assert code == EX_USAGE and "model-based" in err, err
    _groups().iloc[:-5].to_csv(workdir / "fewer.csv", index=False)
    argv = ["test", "m.json", "--terms", "--lr", "--data", "fewer.csv"]
    code, _, err = run_cli(capsys, argv)
    assert code == EX_DATAERR, err
    assert "test --data needs the training file" in err, err
    code, _, err = run_cli(capsys, ["summary", "m.json", "grp.csv"])
    assert code == EX_USAGE and "one 0/1 row per trial" in err, err


def test_grouped_firth_tests_are_those_of_the_expanded_rows(workdir, capsys):
    """Firth's penalty ½ log|I(β)| is the same on the groups and on their
    trials (the same information), so a grouped Firth fit's penalized
    likelihood-ratio tests equal those of the Firth fit on the expanded 0/1
    rows (whose own tests follow logistf's drop1, tests/test_firth*.py)."""
    frame = _groups(groups=25)
    frame.to_csv(workdir / "grp.csv", index=False)
    trials = frame.loc[frame.index.repeat(frame.s + frame.f)].copy()
    trials["y"] = np.concatenate(
        [np.r_[np.ones(s), np.zeros(f)] for s, f in zip(frame.s, frame.f, strict=True)]
    ).astype(int)
    trials[["x", "g", "y"]].to_csv(workdir / "rows.csv", index=False)
    for data, formula, out in (
        ("grp.csv", "cbind(s, f) ~ x + C(g)", "m.json"),
        ("rows.csv", "y ~ x + C(g)", "r.json"),
    ):
        argv = ["fit", data, "--formula", formula, "--penalty", "firth", "-o", out, "-q"]
        assert run_cli(capsys, argv)[0] == 0
    grouped = _terms(capsys, "--lr")
    argv = ["test", "r.json", "--terms", "--lr", "--data", "rows.csv", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    for t in json.loads(out)["terms"]:
        np.testing.assert_allclose(
            grouped[t["term"]]["statistic"], t["statistic"], rtol=1e-6
        )


def test_fractional_counts_give_deviance_changes_without_a_weights_warning(
    workdir, capsys
):
    """Fractional counts (R's glm fits them, with its warning) make the
    trials' weights ``k`` and ``n - k`` fractional: that is the binomial
    likelihood as written, not sampling weights (which a grouped fit cannot
    take), so ``test --data`` gives no advice to pass ``--weights-kind
    sampling``; its statistics are statsmodels' binomial GLM deviance
    changes on the same counts."""
    frame = _groups()
    frame["s"] = frame["s"] + 0.5
    frame["f"] = frame["f"] + 0.25
    frame.to_csv(workdir / "frac.csv", index=False)
    argv = ["fit", "frac.csv", "--formula", "cbind(s, f) ~ x + C(g)", "-o", "m.json",
            "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    argv = ["test", "m.json", "--terms", "--lr", "--data", "frac.csv", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    assert "--weights-kind sampling" not in err, err
    got = {t["term"]: t for t in json.loads(out)["terms"]}
    binomial = sm.families.Binomial()
    full = smf.glm("s + f ~ x + C(g)", frame, family=binomial).fit(tol=1e-12)
    for term, reduced in (("x", "s + f ~ C(g)"), ("C(g)", "s + f ~ x")):
        fit = smf.glm(reduced, frame, family=binomial).fit(tol=1e-12)
        np.testing.assert_allclose(
            got[term]["statistic"], fit.deviance - full.deviance, rtol=1e-6
        )
