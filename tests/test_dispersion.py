"""Quasi-binomial standard errors of grouped fits: ``inference(scale=...)``
and ``logistic summary MODEL --scale``.

Reference: statsmodels' GLM Binomial on ``[successes, failures]`` fitted with
a given ``scale`` (its covariance is ``scale · (Xᵀ W X)⁻¹``), at the
dispersion R's ``quasibinomial`` family estimates, statsmodels' own
``pearson_chi2 / df_resid``. (statsmodels' ``fit(scale="X2")`` itself, with a
two-column endog, sums the Pearson residuals of the proportions without
their trials and gives 0.0341 on star98 where ``pearson_chi2 / df_resid`` is
14.37: not used as a reference.)
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic._multiclass import MultiClassNotSupportedError
from test_grouped import sm_grouped, star98

sm = pytest.importorskip("statsmodels.api")


@pytest.fixture(scope="module")
def star():
    X, k, f = star98()
    model = LogisticRegression().fit(X, k, trials=k + f)
    plain = sm_grouped(X, k, f)
    return X, k, f, model, plain


def test_x2_is_pearson_over_df_and_scales_every_wald_quantity(star):
    X, k, f, model, plain = star
    phi = plain.pearson_chi2 / plain.df_resid
    ref = sm_grouped(X, k, f, scale=phi)
    res = model.inference(scale="X2")
    assert res.scale == pytest.approx(phi, rel=1e-9) and res.scale_kind == "X2"
    np.testing.assert_allclose(np.asarray(res.bse), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(res.pvalues), ref.pvalues, rtol=1e-5, atol=1e-300)
    np.testing.assert_allclose(
        np.asarray(res.conf_int()), np.asarray(ref.conf_int()), rtol=1e-6, atol=1e-10
    )  # a bound near 0 (PERMINTE_AVYRSEXP_AVSAL) is a difference of two numbers
    np.testing.assert_allclose(np.asarray(res.cov_params()), ref.cov_params(), rtol=1e-6)
    # the estimates and the likelihood are the binomial fit's
    np.testing.assert_allclose(np.asarray(res.params), plain.params, rtol=1e-7)
    assert res.llf == pytest.approx(plain.llf, rel=1e-9)
    R = np.zeros((2, len(plain.params)))
    R[0, 1] = R[1, 2] = 1.0
    ours = res.wald_test(R)
    theirs = ref.wald_test(R, scalar=True)
    assert float(ours.statistic) == pytest.approx(float(theirs.statistic), rel=1e-6)


def test_a_given_dispersion_and_the_summary(star):
    X, k, f, model, _ = star
    ref = sm_grouped(X, k, f, scale=3.0)
    res = model.inference(scale=3.0)
    assert res.scale_kind == "fixed"
    np.testing.assert_allclose(np.asarray(res.bse), ref.bse, rtol=1e-6)
    text = model.summary(scale=3.0).as_text()
    assert "nonrobust, scale 3" in text and "scaled by sqrt(3) = 1.732" in text
    # without a scale the overdispersion note names the option
    assert "scale='X2'" in model.summary().as_text()


@pytest.mark.parametrize("bad", ["x2", "pearson", 0, -1.0, np.nan, np.inf, True])
def test_bad_scales_are_refused_naming_what_works(star, bad):
    model = star[3]
    with pytest.raises(InvalidParameterError, match="scale must be None"):
        model.inference(scale=bad)


# ``scale=10**400`` said "OverflowError: int too large to convert to float" and
# ``scale=np.array([1.0, 2.0])`` "The truth value of an array with more than
# one element is ambiguous" (its ``== "X2"`` is an array): neither named scale.
@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (10**400, "100000000000000000… (401 digits)"),
        (-(10**400), "-100000000000000000… (401 digits)"),
        (np.array([1.0, 2.0]), "array([1., 2.])"),
    ],
)
def test_a_huge_integer_or_an_array_as_scale_is_refused_naming_it(star, bad, shown):
    model = star[3]
    with pytest.raises(InvalidParameterError) as got:
        model.inference(scale=bad)
    msg = str(got.value)
    assert msg.startswith("scale must be None (binomial variance), 'X2'")
    assert msg.endswith(f"; got {shown}")


def test_fits_without_a_dispersion_are_refused():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 2))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(int)
    with pytest.raises(InvalidParameterError, match="0/1 outcomes"):
        LogisticRegression().fit(X, y).inference(scale="X2")
    with pytest.raises(InvalidParameterError, match="Firth"):
        LogisticRegression(penalty="firth").fit(X, y).inference(scale=2.0)
    y3 = rng.integers(0, 3, 300)
    with pytest.raises(MultiClassNotSupportedError, match="scale="):
        LogisticRegression().fit(X, y3).inference(scale="X2")


def test_lr_test_of_scaled_results_is_refused(star):
    X, k, f, model, _ = star
    small = LogisticRegression().fit(X.iloc[:, :3], k, trials=k + f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = model.inference(scale="X2"), small.inference(scale="X2")
    with pytest.raises(InvalidParameterError, match="wald_test"):
        a.lr_test(b)


def test_cli_summary_scale_matches_the_library(star, workdir, capsys):
    X, k, f, model, _ = star
    frame = X.copy()
    frame["k"], frame["f"] = k, f
    frame.to_csv(workdir / "star.csv", index=False)
    terms = " + ".join(X.columns)
    code, _, err = run_cli(
        capsys, ["fit", "star.csv", "--formula", f"cbind(k, f) ~ {terms}", "-o", "s.json"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "s.json", "--scale", "X2", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    res = model.inference(scale="X2")
    assert doc["scale"]["kind"] == "X2"
    assert doc["scale"]["scale"] == pytest.approx(res.scale, rel=1e-9)
    se = [row["std_error"] for row in doc["coefficients"]]
    np.testing.assert_allclose(se, np.asarray(res.bse), rtol=1e-6)
    code, out, _ = run_cli(capsys, ["summary", "s.json", "--scale", "2.5"])
    assert code == 0 and "dispersion 2.5 (given): standard errors scaled by 1.58114" in out
    # the goodness-of-fit line writes p-values as the coefficient table does
    assert "on 282 df, p < 2e-16; Pearson chi2" in out and "p = 0;" not in out
    for args in (["--scale", "-1"], ["star.csv", "--scale", "X2"]):
        code, out, err = run_cli(capsys, ["summary", "s.json", *args])
        assert code == 2 and out == "" and "--scale" in err


def test_cli_refuses_a_firth_file_and_the_note_does_not_offer_it(star, workdir, capsys):
    """The library refuses scale= for Firth fits; the command line too, and a
    Firth fit's overdispersion note does not point to --scale."""
    X, k, f, _, _ = star
    frame = X.iloc[:, :3].copy()
    frame["k"], frame["f"] = k, f
    frame.to_csv(workdir / "sf.csv", index=False)
    terms = " + ".join(X.columns[:3])
    args = ["fit", "sf.csv", "--formula", f"cbind(k, f) ~ {terms}", "--penalty", "firth"]
    code, out, err = run_cli(capsys, [*args, "-o", "sf.json"])
    assert code == 0, err
    assert "--scale" not in out + err
    code, out, err = run_cli(capsys, ["summary", "sf.json", "--scale", "X2"])
    assert code == 2 and out == "" and "Firth" in err


def test_cli_refuses_a_k_class_file_for_what_it_is(workdir, capsys):
    """A 3-class model was refused as if it had 0/1 outcomes."""
    from conftest import data_path

    iris = data_path("iris", "iris.csv")
    code, _, err = run_cli(capsys, ["fit", iris, "-t", "species", "-o", "i.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "i.json", "--scale", "X2"])
    assert code == 2 and out == ""
    assert "3 classes" in err and "0/1 outcomes" not in err
