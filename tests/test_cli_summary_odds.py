"""``logistic summary MODEL --odds-ratios [--level L] [--json]``.

Reference: statsmodels' Logit on the same UCLA admissions design
(``np.exp(res.params)``, ``np.exp(res.conf_int(1 - level))``, ``np.exp(params) * bse``),
computed in the test.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import statsmodels.api as sm

from conftest import data_path
from logistic.cli.app import main
from test_inference import ucla

FORMULA = "admit ~ gre + gpa + C(rank)"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("odds") / "model.json"
    data = str(data_path("ucla-admissions", "binary.csv"))
    assert main(["fit", data, "--formula", FORMULA, "-o", str(path), "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def reference():
    X, y = ucla()
    return sm.Logit(np.asarray(y, float), sm.add_constant(X.to_numpy())).fit(
        method="newton", tol=1e-14, disp=0
    )


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_json_odds_ratios_match_statsmodels(model_file, reference, capsys, level):
    args = ["summary", str(model_file), "--odds-ratios", "--json"]
    assert main(args + ["--level", str(level)]) == 0
    info = json.loads(capsys.readouterr().out)
    rows = info["odds_ratios"]
    assert info["level"] == level and "alpha" not in info
    alpha = 1 - level
    assert [r["term"] for r in rows] == [
        "Intercept", "gre", "gpa", "C(rank)[T.2]", "C(rank)[T.3]", "C(rank)[T.4]"
    ]  # fmt: skip
    params = np.asarray(reference.params)
    got = np.array([[r["odds_ratio"], r["ci_low"], r["ci_high"]] for r in rows])
    np.testing.assert_allclose(got[:, 0], np.exp(params), rtol=1e-6)
    np.testing.assert_allclose(got[:, 1:], np.exp(reference.conf_int(alpha)), rtol=1e-5)
    se = np.array([r["std_error"] for r in rows])
    np.testing.assert_allclose(se, np.exp(params) * reference.bse, rtol=1e-5)
    p = np.array([r["p_value"] for r in rows])
    np.testing.assert_allclose(p, reference.pvalues, rtol=1e-5)
    # the coefficient rows keep the log scale, at the same level
    coef = info["coefficients"]
    np.testing.assert_allclose(
        [r["ci_low"] for r in coef], reference.conf_int(alpha)[:, 0], rtol=1e-5
    )


def test_text_table_shows_odds_ratios(model_file, reference, capsys):
    assert main(["summary", str(model_file), "--odds-ratios"]) == 0
    out = capsys.readouterr().out
    assert "Odds ratios exp(coef), 95% intervals" in out
    gpa = next(line for line in out.splitlines() if line.startswith("gpa"))
    assert float(gpa.split()[1]) == pytest.approx(np.exp(reference.params[2]), 1e-6)
    assert "estimate" not in out  # odds ratios replace the coefficient table


def test_level_sets_the_coverage_of_the_coefficient_table(
    model_file, reference, capsys
):
    assert main(["summary", str(model_file), "--level", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "90% Wald intervals" in out
    gpa = next(line for line in out.splitlines() if line.startswith("gpa"))
    low = reference.conf_int(0.1)[2, 0]
    assert float(gpa.split()[5]) == pytest.approx(low, rel=1e-5)


@pytest.mark.parametrize("bad", ["0", "1", "-0.1", "95"])
def test_bad_level_is_a_usage_error(model_file, capsys, bad):
    assert main(["summary", str(model_file), "--level", bad]) == 2
    assert "--level must be in (0, 1)" in capsys.readouterr().err


def test_alpha_is_not_an_option_of_summary(model_file, capsys):
    # fit --alpha is the penalty strength: summary does not take the same name
    assert main(["summary", str(model_file), "--alpha", "0.05"]) == 2
    assert "No such option: --alpha" in capsys.readouterr().err


def test_penalized_model_shows_ratios_without_intervals(tmp_path, capsys):
    path = tmp_path / "pen.json"
    data = str(data_path("ucla-admissions", "binary.csv"))
    fit = ["fit", data, "--formula", FORMULA, "--penalty", "l2", "-o", str(path)]
    assert main([*fit, "--quiet"]) == 0
    capsys.readouterr()  # fit's own table
    assert main(["summary", str(path), "--odds-ratios", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    coef = {r["term"]: r["estimate"] for r in info["coefficients"]}
    for row in info["odds_ratios"]:
        assert set(row) == {"term", "odds_ratio"}
        assert row["odds_ratio"] == pytest.approx(np.exp(coef[row["term"]]), 1e-12)
    assert main(["summary", str(path), "--odds-ratios"]) == 0
    assert "stores no covariance" in capsys.readouterr().out


def test_grouped_model_summary_gives_deviance_and_pearson_tests(tmp_path, capsys):
    from scipy.stats import chi2

    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=50), 6)
    n = rng.integers(5, 40, size=50)
    k = rng.binomial(n, 1 / (1 + np.exp(-(0.3 + 0.8 * x))))
    path = tmp_path / "g.csv"
    rows = "".join(f"{a:.6f},{b},{c}\n" for a, b, c in zip(x, k, n, strict=True))
    path.write_text("x,k,n\n" + rows)
    model = tmp_path / "g.json"
    assert main(["fit", str(path), "-t", "k", "--trials", "n", "-o", str(model)]) == 0
    capsys.readouterr()
    assert main(["summary", str(model), "--json"]) == 0
    gof = json.loads(capsys.readouterr().out)["goodness_of_fit"]
    endog = np.column_stack([k, n - k]).astype(float)
    ref = sm.GLM(endog, sm.add_constant(x), sm.families.Binomial()).fit(tol=1e-13)
    assert gof["df_resid"] == ref.df_resid == 48
    assert gof["deviance"] == pytest.approx(ref.deviance, rel=1e-6)
    assert gof["deviance_pvalue"] == pytest.approx(chi2.sf(ref.deviance, 48), rel=1e-5)
    assert gof["pearson_pvalue"] == pytest.approx(
        chi2.sf(ref.pearson_chi2, 48), rel=1e-5
    )
    assert main(["summary", str(model)]) == 0
    assert "goodness of fit (grouped data): deviance" in capsys.readouterr().out


def test_binary_model_summary_has_no_goodness_of_fit_numbers(model_file, capsys):
    assert main(["summary", str(model_file), "--json"]) == 0
    assert "goodness_of_fit" not in json.loads(capsys.readouterr().out)
