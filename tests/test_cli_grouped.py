"""Grouped binomial data in the CLI: ``--trials COL`` and R's
``cbind(successes, failures) ~ ...`` give the same model, on the grouped scale.

Reference: statsmodels' GLM Binomial with ``endog = [successes, failures]``
(an independent implementation; deviance, AIC, residual df and Pearson χ² on
the grouped scale), fitted here on the same seeded file.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli
from logistic.cli._codes import EX_DATAERR, EX_OK, EX_USAGE

sm = pytest.importorskip("statsmodels.api")


def _grouped(seed: int = 98, groups: int = 40):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=groups).round(3)
    x2 = rng.uniform(0, 2, size=groups).round(3)
    n = rng.integers(5, 60, size=groups)
    # overdispersed: a group effect on top of x1 and x2
    z = -0.4 + 0.8 * x1 - 0.5 * x2 + rng.normal(scale=0.6, size=groups)
    s = rng.binomial(n, 1 / (1 + np.exp(-z)))
    return x1, x2, n, s


@pytest.fixture
def grouped_file(workdir):
    x1, x2, n, s = _grouped()
    lines = ["x1,x2,successes,failures,trials"]
    lines += [
        f"{a},{b},{k},{m - k},{m}" for a, b, k, m in zip(x1, x2, s, n, strict=True)
    ]
    (workdir / "g.csv").write_text("\n".join(lines) + "\n")
    X = sm.add_constant(np.column_stack([x1, x2]))
    glm = sm.GLM(np.column_stack([s, n - s]), X, family=sm.families.Binomial()).fit()
    return workdir, glm


BY_TRIALS = ("-t", "successes", "--trials", "trials", "--drop", "failures")
BY_CBIND = ("--formula", "cbind(successes, failures) ~ x1 + x2")


def _fit(capsys, *args):
    code, out, err = run_cli(capsys, ["fit", "g.csv", "--json", "--force", *args])
    assert code == EX_OK, err
    return json.loads(out)


def test_trials_and_cbind_give_the_same_model(grouped_file, capsys):
    workdir, glm = grouped_file
    by_trials = _fit(capsys, *BY_TRIALS, "-o", "a.json")
    by_cbind = _fit(capsys, *BY_CBIND, "-o", "b.json")
    assert by_trials["feature_names"] == by_cbind["feature_names"] == ["x1", "x2"]
    theta = np.r_[by_cbind["intercept"], by_cbind["coef"]]
    np.testing.assert_allclose(theta, glm.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(
        np.r_[by_trials["intercept"], by_trials["coef"]], theta, rtol=1e-9, atol=1e-12
    )
    stats = []
    for name in ("a.json", "b.json"):
        saved = json.loads((workdir / name).read_text())
        stats.append(saved["training"]["statistics"])
        enc = saved["encoding"]
        assert enc["target"] == "successes"
        assert "cbind" not in json.dumps(enc.get("terms"))  # column names only
    a, b = stats
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == pytest.approx(b[key], rel=1e-8), key
    # the grouped scale, as statsmodels' GLM Binomial
    assert b["nobs"] == 40 and b["df_resid"] == glm.df_resid == 37
    assert b["deviance"] == pytest.approx(glm.deviance, rel=1e-7)
    assert b["aic"] == pytest.approx(glm.aic, rel=1e-7)
    assert b["pearson_chi2"] == pytest.approx(glm.pearson_chi2, rel=1e-7)
    assert b["dispersion"] == pytest.approx(glm.pearson_chi2 / glm.df_resid, rel=1e-7)


def test_summary_shows_the_grouped_scale(grouped_file, capsys):
    workdir, glm = grouped_file
    _fit(capsys, *BY_CBIND, "-o", "b.json")
    code, out, err = run_cli(capsys, ["summary", "b.json"])
    assert code == EX_OK, err
    assert "formula: cbind(successes, failures) ~ x1 + x2" in out
    assert "grouped binomial data: cbind(successes, failures)" in out
    assert "observations 40" in out and "df residuals 37" in out
    assert f"deviance {glm.deviance:.3f}" in out
    assert f"Pearson chi2/df {glm.pearson_chi2 / glm.df_resid:.4f}" in out
    code, out, _ = run_cli(capsys, ["summary", "b.json", "--json"])
    assert json.loads(out)["binomial"] == {
        "successes": "successes",
        "failures": "failures",
    }


@pytest.mark.parametrize("how", [BY_TRIALS, BY_CBIND])
def test_python_summary_of_the_file_is_the_command_line_s(grouped_file, capsys, how):
    # logistic.load(path).summary() and `logistic summary` print the same
    # table, on the grouped scale: statsmodels' GLM Binomial on
    # [successes, failures]
    import logistic

    workdir, glm = grouped_file
    _fit(capsys, *how, "-o", "m.json")
    code, out, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == EX_OK, err
    doc = json.loads(out)
    res = logistic.load(workdir / "m.json").inference()
    np.testing.assert_allclose(np.asarray(res.bse), glm.bse, rtol=1e-6)
    cli = {row["term"]: row["std_error"] for row in doc["coefficients"]}
    assert list(cli) == list(res.bse.index)
    np.testing.assert_allclose(list(cli.values()), np.asarray(res.bse), rtol=1e-9)
    for key in ("deviance", "aic", "pearson_chi2", "llf", "llnull", "nobs"):
        assert doc["training"]["statistics"][key] == pytest.approx(
            getattr(res, key), rel=1e-9
        ), key
        assert getattr(res, key) == pytest.approx(getattr(glm, key), rel=1e-7), key
    text = str(logistic.load(workdir / "m.json").summary())
    assert "No. groups:              40" in text


def test_predict_and_evaluate_a_grouped_model(grouped_file, capsys):
    workdir, glm = grouped_file
    _fit(capsys, *BY_TRIALS, "-o", "a.json")
    code, out, err = run_cli(capsys, ["predict", "a.json", "g.csv"])
    assert code == EX_OK, err
    proba = [float(line.split(",")[0]) for line in out.splitlines()[1:]]
    np.testing.assert_allclose(proba, glm.fittedvalues, rtol=1e-7)
    code, out, err = run_cli(capsys, ["evaluate", "a.json", "g.csv", "--json"])
    assert code == EX_OK, err
    m = json.loads(out)
    x1, x2, n, s = _grouped()
    assert (m["n_samples"], m["n_positive"]) == (n.sum(), s.sum())  # trials
    # log loss per trial = -llf without the binomial constant / trials
    from scipy.special import gammaln

    const = np.sum(gammaln(n + 1) - gammaln(s + 1) - gammaln(n - s + 1))
    assert m["log_loss"] == pytest.approx(-(glm.llf - const) / n.sum(), rel=1e-7)


@pytest.mark.parametrize(
    ("args", "column", "role"),
    [(BY_TRIALS, "trials", "--trials"), (BY_CBIND, "failures", "cbind() failures")],
)
def test_scoring_without_the_count_column_names_its_role(grouped_file, capsys,
                                                         args, column, role):  # fmt: skip
    """evaluate and margins of a grouped model on a file without its trials
    (or failures) column: the error calls the column what it is to the model,
    not a "model input"; predict, which reads no counts, still scores it."""
    workdir, _ = grouped_file
    _fit(capsys, *args, "-o", "a.json")
    lines = (workdir / "g.csv").read_text().splitlines()
    at = lines[0].split(",").index(column)
    cut = [",".join(f for i, f in enumerate(line.split(",")) if i != at) for line in lines]
    (workdir / "cut.csv").write_text("\n".join(cut) + "\n")
    for command in ("evaluate", "margins"):
        code, _, err = run_cli(capsys, [command, "a.json", "cut.csv"])
        assert code == EX_DATAERR
        assert err.startswith(f"error: the model's {role} column {column!r} not found")
    code, _, err = run_cli(capsys, ["predict", "a.json", "cut.csv"])
    assert code == EX_OK, err


@pytest.mark.parametrize(
    ("args", "message", "exit_code"),
    [
        (
            ["--formula", "cbind(successes, trials - successes) ~ x1"],
            "error: --formula 'cbind(successes, trials - successes) ~ x1': cbind() "
            "takes two column names, cbind(successes, failures); for successes out "
            "of trials give 'successes ~ ...' and --trials TRIALS_COLUMN\n",
            EX_USAGE,  # the option's grammar, whatever the data
        ),
        (
            ["--formula", "cbind(successes, failures) ~ x1", "--trials", "trials"],
            "error: --trials trials and cbind() in --formula both give the trials; "
            "use one of them\n",
            EX_USAGE,
        ),
        (
            ["-t", "trials", "--trials", "successes", "--drop", "failures"],
            "error: g.csv: successes",
            EX_DATAERR,
        ),
    ],
)
def test_grouped_mistakes_are_one_line(grouped_file, capsys, args, message, exit_code):
    workdir, _ = grouped_file
    code, out, err = run_cli(capsys, ["fit", "g.csv", "-o", "m.json", *args])
    assert code == exit_code and out == ""
    assert err.startswith(message) and err.count("\n") == 1
    assert not (workdir / "m.json").exists()


@pytest.mark.parametrize(
    ("args", "role"),
    [
        (["-t", "successes", "--trials", "n_trials", "--features", "x1"], "--trials"),
        (["-t", "successes", "--trials", "n_trials"], "--trials"),
        (["--formula", "successes ~ x1", "--trials", "n_trials"], "--trials"),
        (["--formula", "cbind(successes, n_trials) ~ x1"], "cbind() failures"),
    ],
)
def test_an_absent_count_column_is_named_by_its_role(grouped_file, capsys, args, role):
    """A --trials or cbind() failures column absent from the file is a data
    error naming that role and column, not an internal error (a KeyError from
    the column lookup, exit 1) nor a "--drop column" the user never gave."""
    workdir, _ = grouped_file
    code, out, err = run_cli(capsys, ["fit", "g.csv", "-o", "m.json", *args])
    assert code == EX_DATAERR and out == ""
    assert err.startswith(f"error: {role} column 'n_trials' not found in g.csv")
    assert "did you mean 'trials'?" in err and err.count("\n") == 1
    assert not (workdir / "m.json").exists()


def test_positive_does_not_apply_to_counts(grouped_file, capsys):
    workdir, _ = grouped_file
    code, out, err = run_cli(
        capsys, ["fit", "g.csv", *BY_TRIALS, "--positive", "1", "-o", "m.json"]
    )
    assert (code, out) == (EX_USAGE, "")
    assert err == (
        "error: --positive 1 does not apply to grouped binomial data: the target "
        "column 'successes' counts the successes\n"
    )
    assert not (workdir / "m.json").exists()
    assert _fit(capsys, *BY_TRIALS, "-o", "a.json")["binomial"] == {
        "successes": "successes",
        "trials": "trials",
    }


def test_class_weight_with_trials_names_the_options(grouped_file, capsys):
    workdir, _ = grouped_file
    argv = ["fit", "g.csv", "-o", "m.json", *BY_TRIALS, "--class-weight", "balanced"]
    code, out, err = run_cli(capsys, argv)
    assert code != EX_OK and out == "" and err.count("\n") == 1
    assert "--class-weight balanced does not apply with --trials (" in err
    assert "trials=" not in err and "class_weight" not in err
    assert not (workdir / "m.json").exists()


def test_score_refuses_a_model_fitted_on_counts(grouped_file, capsys):
    """score() is 0/1 accuracy: on counts it silently returned 0.0."""
    from logistic import InvalidParameterError, LogisticRegression, load

    workdir, _ = grouped_file
    code, _, err = run_cli(capsys, ["fit", "g.csv", "-o", "m.json", *BY_TRIALS])
    assert code == EX_OK, err
    x1, x2, n, s = _grouped()
    X = np.column_stack([x1, x2])
    with pytest.raises(InvalidParameterError, match="fitted on grouped counts"):
        load(workdir / "m.json").score(X, s)
    in_memory = LogisticRegression().fit(X, s, trials=n)
    with pytest.raises(InvalidParameterError, match="fitted on grouped counts"):
        in_memory.score(X, s)
    labels = (s > n / 2).astype(int)  # a 0/1 refit of the same object scores
    assert 0.0 < in_memory.fit(X, labels).score(X, labels) <= 1.0


@pytest.mark.parametrize("by", [BY_TRIALS, BY_CBIND])
def test_a_group_without_trials_is_named_by_its_line(grouped_file, capsys, by):
    """A row of 0 trials (cbind: 0 successes and 0 failures) is refused naming
    the file line, as rows of too many successes are (the library's message
    gave a row index from 0)."""
    workdir, _ = grouped_file
    lines = (workdir / "g.csv").read_text().splitlines()
    a, b = lines[3].split(",")[:2]
    lines[3] = f"{a},{b},0,0,0"  # file line 4
    (workdir / "g.csv").write_text("\n".join(lines) + "\n")
    code, out, err = run_cli(capsys, ["fit", "g.csv", "-o", "m.json", *by])
    assert code == EX_DATAERR and out == ""
    assert err.startswith("error: g.csv: 0 trials at line 4 (1 such row(s)")
    assert not (workdir / "m.json").exists()


@pytest.mark.parametrize("data", [[], ["g.csv"]])
def test_summary_robust_covariance_of_a_grouped_model_is_refused_for_what_it_is(
    grouped_file, capsys, data
):
    """summary --cov-type HC0 of a grouped model says the grouped inference is
    model-based (as margins does), with or without DATA, rather than asking
    for the training file that summary MODEL DATA then refuses."""
    _fit(capsys, *BY_TRIALS, "-o", "t.json")
    code, _, err = run_cli(capsys, ["summary", "t.json", *data, "--cov-type", "HC0"])
    assert code == EX_USAGE
    assert "fitted on grouped counts" in err and "model-based" in err
    assert "pass the training file" not in err
