"""``logistic margins MODEL DATA --scale X2|PHI``: quasi-binomial standard
errors of the marginal effects of a grouped fit, as ``summary --scale``.

References: the grouped fit's dispersion is statsmodels' GLM Binomial
``pearson_chi2 / df_resid`` on the groups (R's quasibinomial; not a Pearson
chi2 of the per-trial 0/1 rows margins runs on), and the library's
``model.inference(scale=...).get_margeff(at="mean")`` of the same grouped fit.
The effects are those of the binomial fit; every standard error is the
binomial one times ``sqrt(phi)``. The option is spelled, checked and refused
as ``summary --scale`` (:mod:`logistic.cli._scale`), with the same messages.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression
from logistic.cli._codes import EX_OK, EX_USAGE
from test_grouped import sm_grouped, star98

sm = pytest.importorskip("statsmodels.api")

COLUMNS = ["LOWINC", "PERASIAN", "PERBLACK", "PERHISP"]
FORMULA = f"cbind(k, f) ~ {' + '.join(COLUMNS)}"


@pytest.fixture(scope="module")
def star():
    """star98's counts on four columns (Pearson chi2/df 18.1): the library's
    grouped fit and statsmodels' GLM Binomial."""
    X, k, f = star98()
    X = X[COLUMNS]
    model = LogisticRegression(tol=1e-12).fit(X, k, trials=k + f)
    return X, k, f, model, sm_grouped(X, k, f)


@pytest.fixture
def files(star, workdir, capsys):
    X, k, f, _, _ = star
    frame = X.copy()
    frame["k"], frame["f"] = k, f
    frame.to_csv(workdir / "star.csv", index=False)
    argv = ["fit", "star.csv", "--formula", FORMULA, "-o", "s.json", "-q"]
    code, _, err = run_cli(capsys, [*argv, "--tol", "1e-12"])
    assert code == EX_OK, err
    return workdir


def _margins(capsys, *options, model="s.json"):
    code, out, err = run_cli(capsys, ["margins", model, "star.csv", "--json", *options])
    assert code == EX_OK, err
    doc = json.loads(out)
    effects = np.array([e["effect"] for e in doc["effects"]])
    se = np.array([e["std_error"] for e in doc["effects"]])
    return doc, effects, se, err


@pytest.mark.parametrize("at", ["mean", "overall"])
def test_x2_multiplies_the_binomial_standard_errors_by_sqrt_pearson(star, files, capsys, at):
    plain = star[4]
    phi = plain.pearson_chi2 / plain.df_resid  # on the groups: 18.1
    assert phi == pytest.approx(18.0959, rel=1e-4)
    doc0, effects0, se0, _ = _margins(capsys, "--at", at)
    doc, effects, se, _ = _margins(capsys, "--at", at, "--scale", "X2")
    np.testing.assert_allclose(effects, effects0, rtol=1e-12)
    np.testing.assert_allclose(se, se0 * math.sqrt(phi), rtol=1e-7)
    z = np.array([e["z"] for e in doc["effects"]])
    np.testing.assert_allclose(z, effects / se, rtol=1e-9)
    assert "scale" not in doc0
    assert doc["scale"]["kind"] == "X2"
    assert doc["scale"]["scale"] == pytest.approx(phi, rel=1e-7)
    assert doc["cov_type"] == "nonrobust"


@pytest.mark.parametrize(("given", "scale"), [("X2", "X2"), ("x2", "X2"), ("2.5", 2.5)])
def test_at_mean_is_the_python_api_on_the_grouped_fit(star, files, capsys, given, scale):
    model = star[3]
    ref = model.inference(scale=scale).get_margeff(at="mean")
    doc, effects, se, _ = _margins(capsys, "--at", "mean", "--scale", given)
    np.testing.assert_allclose(effects, np.asarray(ref.margeff), rtol=1e-6)
    np.testing.assert_allclose(se, np.asarray(ref.margeff_se), rtol=1e-6)
    low = np.array([e["ci_low"] for e in doc["effects"]])
    np.testing.assert_allclose(low, np.asarray(ref.conf_int())[:, 0], rtol=1e-6)
    phi = model.inference(scale=scale).scale
    kind = "X2" if scale == "X2" else "fixed"
    assert doc["scale"] == {"scale": pytest.approx(phi, rel=1e-7), "kind": kind}


def test_a_formula_taken_per_variable_is_scaled_too(star, files, capsys):
    """An interaction: effects per variable through every term (formula
    margins), from the same scaled covariance."""
    argv = ["fit", "star.csv", "--formula", "cbind(k, f) ~ LOWINC * PERASIAN + PERHISP"]
    code, _, err = run_cli(capsys, [*argv, "-o", "i.json", "-q", "--tol", "1e-12"])
    assert code == EX_OK, err
    stats = json.loads((files / "i.json").read_text())["training"]["statistics"]
    _, effects0, se0, _ = _margins(capsys, model="i.json")
    doc, effects, se, _ = _margins(capsys, "--scale", "X2", model="i.json")
    assert [e["term"] for e in doc["effects"]] == ["LOWINC", "PERASIAN", "PERHISP"]
    np.testing.assert_allclose(effects, effects0, rtol=1e-12)
    np.testing.assert_allclose(se, se0 * math.sqrt(stats["dispersion"]), rtol=1e-7)


def test_the_header_names_the_scale_and_the_note_offers_it(star, files, capsys):
    code, out, err = run_cli(capsys, ["margins", "s.json", "star.csv", "--scale", "X2"])
    assert code == EX_OK, err
    assert "Covariance: nonrobust, scale 18.1 " in out
    assert "--scale X2 multiplies" not in err
    code, out, err = run_cli(capsys, ["margins", "s.json", "star.csv", "--scale", "2.5"])
    assert code == EX_OK and "Covariance: nonrobust, scale 2.5 " in out
    # without --scale: binomial standard errors, and one line on stderr says
    # they are too small here (as the summary's note)
    code, out, err = run_cli(capsys, ["margins", "s.json", "star.csv"])
    assert code == EX_OK and "Covariance: nonrobust " in out and "scale" not in out
    assert "Pearson chi2/df = 18.1" in err and "--scale X2 multiplies them by 4.25" in err
    code, _, err = run_cli(capsys, ["margins", "s.json", "star.csv", "-q"])
    assert code == EX_OK and err == ""


def _refusals(capsys, summary_args, margins_args):
    """(exit code, stdout, stderr) of summary and of margins."""
    a = run_cli(capsys, ["summary", *summary_args])
    b = run_cli(capsys, ["margins", *margins_args])
    return a, b


@pytest.mark.parametrize("bad", ["-1", "0", "dev", "nan", "inf", "pearson"])
def test_bad_scales_are_refused_as_summary_refuses_them(files, capsys, bad):
    (code_s, out_s, err_s), (code_m, out_m, err_m) = _refusals(
        capsys, ["s.json", "--scale", bad], ["s.json", "star.csv", "--scale", bad]
    )
    assert code_s == code_m == EX_USAGE and out_s == out_m == ""
    assert err_m == err_s and f"--scale {bad}: expected X2" in err_m


def test_x2_without_a_recorded_dispersion_is_refused_as_summary(files, capsys):
    import hashlib

    from logistic import io as lio

    doc = json.loads((files / "s.json").read_text())
    del doc["training"]["statistics"]["dispersion"]
    digest = hashlib.sha256(lio._canonical(doc)).hexdigest()  # resealed
    doc["checksum"] = {"algorithm": "sha256", "value": digest}
    (files / "n.json").write_text(json.dumps(doc))
    (code_s, _, err_s), (code_m, out_m, err_m) = _refusals(
        capsys, ["n.json", "--scale", "X2"], ["n.json", "star.csv", "--scale", "X2"]
    )
    assert code_s == code_m == EX_USAGE and out_m == ""
    assert err_m == err_s and "records no Pearson chi2/df" in err_m
    # a given number needs no recorded statistic
    code, _, err = run_cli(capsys, ["margins", "n.json", "star.csv", "--scale", "3"])
    assert code == EX_OK, err


def test_0_1_outcomes_are_refused_as_summary(workdir, capsys):
    data = data_path("ucla-admissions", "binary.csv")
    argv = ["fit", data, "--formula", "admit ~ gre + gpa + C(rank)", "-o", "m.json"]
    code, _, err = run_cli(capsys, [*argv, "-q"])
    assert code == EX_OK, err
    for extra in ([], ["--cov-type", "HC1"]):
        (code_s, _, err_s), (code_m, out_m, err_m) = _refusals(
            capsys, ["m.json", "--scale", "X2"], ["m.json", data, "--scale", "X2", *extra]
        )
        assert code_s == code_m == EX_USAGE and out_m == ""
        assert err_m == err_s and "not fitted on grouped counts" in err_m


def test_a_firth_file_is_refused_as_summary(files, capsys):
    argv = ["fit", "star.csv", "--formula", FORMULA, "--penalty", "firth"]
    code, _, err = run_cli(capsys, [*argv, "-o", "sf.json", "-q"])
    assert code == EX_OK, err
    (code_s, _, err_s), (code_m, out_m, err_m) = _refusals(
        capsys, ["sf.json", "--scale", "X2"], ["sf.json", "star.csv", "--scale", "X2"]
    )
    assert code_s == code_m == EX_USAGE and out_m == ""
    assert err_m == err_s and "Firth" in err_m


def test_a_k_class_file_is_refused_as_summary(workdir, capsys):
    iris = data_path("iris", "iris.csv")
    code, _, err = run_cli(capsys, ["fit", iris, "-t", "species", "-o", "i.json", "-q"])
    assert code == EX_OK, err
    (code_s, _, err_s), (code_m, out_m, err_m) = _refusals(
        capsys, ["i.json", "--scale", "X2"], ["i.json", iris, "--scale", "X2"]
    )
    assert code_s == code_m == EX_USAGE and out_m == ""
    assert err_m == err_s and "3 classes" in err_m


def test_a_robust_covariance_is_refused_with_scale(files, capsys):
    """A grouped fit takes --cov-type nonrobust only (its inference is
    model-based), with or without --scale."""
    argv = ["margins", "s.json", "star.csv", "--scale", "X2", "--cov-type", "HC1"]
    code, out, err = run_cli(capsys, argv)
    assert code == EX_USAGE and out == "" and "--cov-type HC1" in err


def test_summary_note_names_the_commands_that_take_scale(files, capsys):
    # the fit's table named summary's --scale alone
    argv = ["fit", "star.csv", "--formula", FORMULA, "-o", "again.json"]
    code, out, err = run_cli(capsys, argv)
    assert code == EX_OK, err
    text = " ".join(out.split())
    assert (
        "scale='X2' (logistic summary MODEL --scale X2, without DATA; logistic "
        "margins MODEL DATA --scale X2) multiplies them by 4.25" in text
    ), out
    code, out, err = run_cli(capsys, ["summary", "s.json", "--scale", "X2"])
    assert code == EX_OK and "scale" in out
