"""``logistic summary MODEL DATA --json``: the ``inference`` block (robust,
cluster and Firth tables on the training rows, machine-readable).

References:
* statsmodels ``Logit`` (``smf.logit``, computed here) for the estimates,
  HC0 standard errors, Wald intervals, log-likelihoods, LR test, AIC/BIC and
  pseudo R². The library's HC1 is R ``sandwich::vcovHC(type="HC1")``,
  ``n/(n-k)`` times HC0 (statsmodels' ``Logit`` HC1 is its HC0 here), and its
  cluster covariance is Stata's ``G/(G-1)`` one, which statsmodels multiplies
  by a further ``(n-1)/(n-k)`` (docs/inference.md; tests/test_inference.py
  checks both against numpy formulas): the tests apply those factors.
* statsmodels ``GLM(Binomial(), var_weights=w)`` with HC0 for a fit with
  sampling weights (docs/inference.md: sampling weights are GLM's
  ``var_weights`` with a robust covariance).
* logistf's published endometrial fit (``logistf(HG ~ NV + PI + EH)``:
  coefficients and profile penalized-likelihood intervals, ENDO_COEF and
  ENDO_CI in tests/test_firth.py).
* The text table of the same command: every number it prints is the JSON's
  value formatted as it formats it, and its ``Note:`` lines are the notes.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from conftest import data_path, run_cli
from test_firth import ENDO_CI, ENDO_COEF, endometrial

FORMULA = "admit ~ gre + gpa + C(rank)"
KEYS = ["term", "estimate", "std_error", "z", "p_value", "ci_low", "ci_high", "aliased"]


@pytest.fixture
def ucla(workdir, capsys):
    """UCLA admissions with a cluster column (37 schools), sampling weights and
    an aliased copy of gpa; the formula model ``m.json`` fitted on it."""
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    d["school"] = [f"s{i % 37}" for i in range(len(d))]
    d["pw"] = 1.0 + (np.arange(len(d)) * 7 % 11) / 4.0
    d["gpa2"] = 2.0 * d["gpa"]
    d.to_csv(workdir / "u.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", "u.csv", "--formula", FORMULA, "-o", "m.json"]
    )
    assert code == 0, err
    return d


def _summary_json(capsys, *args):
    code, out, err = run_cli(capsys, ["summary", *args, "--json"])
    assert code == 0, err
    return json.loads(out), err


def _by_term(rows):
    return {r["term"]: r for r in rows}


def _column(rows, names, key):
    return np.array([_by_term(rows)[n][key] for n in names])


def test_no_data_json_keys_are_kept_and_inference_added(ucla, capsys):
    plain, _ = _summary_json(capsys, "m.json")
    doc, _ = _summary_json(capsys, "m.json", "u.csv")
    assert set(doc) == set(plain) | {"inference"}
    for key in plain:  # the model description is the no-data document
        if key != "created":
            assert doc[key] == plain[key]
    block = doc["inference"]
    assert (block["cov_type"], block["cluster"], block["n_clusters"]) == (
        "nonrobust",
        None,
        None,
    )
    assert (block["tests"], block["intervals"], block["level"]) == (
        "wald",
        "wald",
        0.95,
    )
    assert [list(r) for r in block["coefficients"]] == [KEYS] * 6
    assert block["notes"] == [] and block["warnings"] == []


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "cluster"])
def test_robust_tables_equal_statsmodels(ucla, capsys, cov_type):
    args = ["m.json", "u.csv", "--cov-type", cov_type, "--level", "0.9"]
    if cov_type == "cluster":
        args += ["--cluster", "school"]
    doc, _ = _summary_json(capsys, *args)
    block = doc["inference"]
    n, k = len(ucla), 6
    kwargs, factor = {}, 1.0
    if cov_type in ("HC0", "HC1"):
        kwargs = {"cov_type": "HC0"}
        factor = n / (n - k) if cov_type == "HC1" else 1.0
    elif cov_type == "cluster":
        groups = pd.factorize(ucla["school"])[0]
        kwargs = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
        factor = (n - k) / (n - 1)
        assert (block["cluster"], block["n_clusters"]) == ("school", 37)
    ref = smf.logit(FORMULA, ucla).fit(disp=0, tol=1e-12, **kwargs)
    assert block["cov_type"] == cov_type and block["level"] == 0.9
    rows, names = block["coefficients"], list(ref.params.index)
    se = np.sqrt(factor) * ref.bse.to_numpy()
    params = ref.params.to_numpy()
    np.testing.assert_allclose(_column(rows, names, "estimate"), params, rtol=1e-6)
    np.testing.assert_allclose(_column(rows, names, "std_error"), se, rtol=1e-6)
    np.testing.assert_allclose(_column(rows, names, "z"), params / se, rtol=1e-6)
    z90 = 1.6448536269514722
    np.testing.assert_allclose(
        _column(rows, names, "ci_low"), params - z90 * se, rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(
        _column(rows, names, "ci_high"), params + z90 * se, rtol=1e-6, atol=1e-9
    )
    if factor == 1.0:
        np.testing.assert_allclose(
            _column(rows, names, "p_value"), ref.pvalues, rtol=1e-5
        )
    stats = block["statistics"]
    expected = {
        "nobs": n, "df_model": 5, "df_resid": n - 6, "llf": ref.llf,
        "llnull": ref.llnull, "llr": ref.llr, "llr_df": 5, "llr_pvalue": ref.llr_pvalue,
        "aic": ref.aic, "bic": ref.bic, "pseudo_rsquared": ref.prsquared,
        "deviance": -2 * ref.llf, "null_deviance": -2 * ref.llnull,
    }  # fmt: skip
    for key, value in expected.items():
        np.testing.assert_allclose(stats[key], value, rtol=1e-6, err_msg=key)


def test_text_shows_the_json_numbers_and_notes(ucla, capsys):
    args = ["m.json", "u.csv", "--cov-type", "cluster", "--cluster", "rank"]
    doc, err = _summary_json(capsys, *args)
    code, text, err_text = run_cli(capsys, ["summary", *args])
    assert code == 0
    block = doc["inference"]
    # the table as Summary prints it: 4 significant digits, z to 3 decimals
    for row in block["coefficients"]:
        cells = [f"{row[k]:#.4g}" for k in ("estimate", "std_error")]
        cells += [f"{row['z']:.3f}"]
        cells += [f"{row[k]:#.4g}" for k in ("ci_low", "ci_high")]
        line = next(x for x in text.splitlines() if x.startswith(row["term"] + " "))
        assert line.split()[1:4] == cells[:3] and line.split()[5:7] == cells[3:]
    notes = [x[len("Note: ") :] for x in text.splitlines() if x.startswith("Note: ")]
    assert notes == block["notes"] and len(notes) == 2 and "4 clusters" in notes[1]
    # the LR note without a Wald test: 4 clusters give a singular covariance
    assert notes[0].endswith("do not use the cluster covariance.")
    # 4 clusters for 6 parameters: the library warns; the JSON lists it, stderr
    # prints it, in both modes
    assert block["warnings"] and "4 clusters for 6 parameters" in block["warnings"][0]
    assert err == err_text == f"warning: {block['warnings'][0]}\n"
    assert block["n_clusters"] == 4


def test_odds_ratios_with_data(ucla, capsys):
    doc, _ = _summary_json(
        capsys, "m.json", "u.csv", "--cov-type", "HC0", "--odds-ratios"
    )
    ref = smf.logit(FORMULA, ucla).fit(disp=0, tol=1e-12, cov_type="HC0")
    names = list(ref.params.index)
    ratios = doc["inference"]["odds_ratios"]
    odds = np.exp(ref.params.to_numpy())
    np.testing.assert_allclose(_column(ratios, names, "odds_ratio"), odds, rtol=1e-6)
    np.testing.assert_allclose(
        _column(ratios, names, "std_error"), odds * ref.bse.to_numpy(), rtol=1e-6
    )
    np.testing.assert_allclose(
        _column(ratios, names, "ci_low"), np.exp(ref.conf_int()[0]), rtol=1e-6
    )
    np.testing.assert_allclose(
        _column(ratios, names, "p_value"), ref.pvalues, rtol=1e-5
    )
    assert list(ratios[0]) == ["term", "odds_ratio", *KEYS[2:]]
    # the coefficients stay on the coefficient scale, the notes are the text's
    coef = doc["inference"]["coefficients"]
    np.testing.assert_allclose(_column(coef, names, "estimate"), ref.params, rtol=1e-6)
    assert any(n.startswith("Odds ratios exp(coef)") for n in doc["inference"]["notes"])


def test_aliased_term_is_null_with_a_marker(ucla, workdir, capsys):
    code, _, err = run_cli(capsys, ["fit", "u.csv", "--target", "admit", "--features",
                                    "gre,gpa,gpa2", "-o", "al.json", "-q"])  # fmt: skip
    assert code == 0, err
    doc, _ = _summary_json(capsys, "al.json", "u.csv", "--cov-type", "HC1")
    rows = _by_term(doc["inference"]["coefficients"])
    assert rows["gpa2"] == {
        "term": "gpa2",
        **dict.fromkeys(KEYS[1:-1]),
        "aliased": True,
    }
    # the others: the model without gpa2 (R's glm)
    ref = smf.logit("admit ~ gre + gpa", ucla).fit(disp=0, tol=1e-12, cov_type="HC0")
    n, k = len(ucla), 3
    names = list(ref.params.index)
    kept = doc["inference"]["coefficients"][:3]
    assert [r["aliased"] for r in kept] == [False] * 3
    np.testing.assert_allclose(_column(kept, names, "estimate"), ref.params, rtol=1e-6)
    np.testing.assert_allclose(
        _column(kept, names, "std_error"), np.sqrt(n / (n - k)) * ref.bse, rtol=1e-6
    )
    assert "not defined because of singularities: gpa2" in doc["inference"]["notes"][0]


def test_sampling_weights_null_likelihood_statistics(ucla, capsys):
    code, _, err = run_cli(capsys, ["fit", "u.csv", "--target", "admit", "--features",
                                    "gre,gpa", "--weights", "pw", "--weights-kind",
                                    "sampling", "-o", "sw.json", "-q"])  # fmt: skip
    assert code == 0, err
    doc, _ = _summary_json(capsys, "sw.json", "u.csv")
    block = doc["inference"]
    assert (block["cov_type"], block["sample_weight_kind"]) == ("HC0", "sampling")
    X = sm.add_constant(ucla[["gre", "gpa"]])
    ref = sm.GLM(ucla["admit"], X, family=sm.families.Binomial(),
                 var_weights=ucla["pw"]).fit(cov_type="HC0", tol=1e-12)  # fmt: skip
    rows = block["coefficients"]
    np.testing.assert_allclose([r["estimate"] for r in rows], ref.params, rtol=1e-6)
    np.testing.assert_allclose([r["std_error"] for r in rows], ref.bse, rtol=1e-6)
    stats = block["statistics"]
    np.testing.assert_allclose(stats["llf"], ref.llf, rtol=1e-6)
    for key in ("aic", "bic", "pseudo_rsquared", "llr", "llr_df", "llr_pvalue"):
        assert stats[key] is None, key
    assert block["notes"][0].startswith("Sampling weights: rows are the observations")


def test_firth_profile_table_equals_logistf(workdir, capsys):
    X, y = endometrial()
    X.assign(HG=y).to_csv(workdir / "endo.csv", index=False)
    code, _, err = run_cli(capsys, ["fit", "endo.csv", "--target", "HG", "--penalty",
                                    "firth", "-o", "f.json", "-q"])  # fmt: skip
    assert code == 0, err
    doc, _ = _summary_json(capsys, "f.json", "endo.csv", "--odds-ratios")
    block = doc["inference"]
    assert (block["method"], block["tests"], block["intervals"]) == (
        "Firth",
        "penalized_lr",
        "profile",
    )
    rows = block["coefficients"]
    np.testing.assert_allclose([r["estimate"] for r in rows], ENDO_COEF, rtol=1e-6)
    profile = [[r["profile_ci_low"], r["profile_ci_high"]] for r in rows]
    np.testing.assert_allclose(profile, ENDO_CI, rtol=1e-6)
    ratios = block["odds_ratios"]
    np.testing.assert_allclose(
        [[r["profile_ci_low"], r["profile_ci_high"]] for r in ratios],
        np.exp(ENDO_CI),
        rtol=1e-6,
    )
    # the penalized LR tests are the text's LR chi2 / P>chi2 columns and the
    # library's pvalues_lr (one constrained refit per coefficient)
    from logistic import LogisticRegression

    res = LogisticRegression(penalty="firth").fit(X, y).inference(X, y)
    np.testing.assert_allclose(
        [r["lr_p_value"] for r in rows], res.pvalues_lr(), rtol=1e-6
    )
    assert [r["lr_chi2"] for r in rows] == [r["lr_chi2"] for r in ratios]
    stats = block["statistics"]
    assert stats["llr"] is None and stats["llr_penalized_df"] == 3
    np.testing.assert_allclose(stats["llr_penalized"], res.llr_penalized[0], rtol=1e-9)
    code, text, _ = run_cli(capsys, ["summary", "f.json", "endo.csv", "--odds-ratios"])
    assert f"Penalized LR chi2(3):    {stats['llr_penalized']:.2f}" in text
    nv = next(x for x in text.splitlines() if x.startswith("NV "))
    assert nv.split()[3] == f"{rows[1]['lr_chi2']:.3f}"
    notes = [x[len("Note: ") :] for x in text.splitlines() if x.startswith("Note: ")]
    assert notes == block["notes"]


def test_refusals_are_the_text_paths(ucla, workdir, capsys):
    """Whatever the text path refuses with DATA, --json refuses with the same
    message (as its one JSON object)."""
    grouped = ucla.groupby("rank")["admit"].agg(["sum", "count"]).reset_index()
    grouped.to_csv(workdir / "g.csv", index=False)
    fits = [
        ["u.csv", "--target", "rank", "--features", "gre,gpa", "--penalty", "l2",
         "-o", "k.json"],
        ["u.csv", "--target", "admit", "--features", "gpa", "--penalty", "l2",
         "-o", "l2.json"],
        ["g.csv", "--target", "sum", "--trials", "count", "--features", "rank",
         "-o", "g.json"],
    ]  # fmt: skip
    for fit in fits:
        assert run_cli(capsys, ["fit", *fit, "-q"])[0] == 0
    for model, data in (("k.json", "u.csv"), ("l2.json", "u.csv"), ("g.json", "g.csv")):
        code, out, err = run_cli(capsys, ["summary", model, data])
        assert (code, out) == (2, "") and err.startswith("error: ")
        code_j, out_j, err_j = run_cli(capsys, ["summary", model, data, "--json"])
        assert (code_j, err_j) == (2, err)
        assert json.loads(out_j) == {"ok": False, "error": err[7:-1], "exit_code": 2}


def test_robust_options_without_data_still_need_it(ucla, capsys):
    code, out, err = run_cli(
        capsys, ["summary", "m.json", "--cov-type", "HC1", "--json"]
    )
    assert code == 2 and "pass the training file as DATA" in err
    assert json.loads(out)["exit_code"] == 2
