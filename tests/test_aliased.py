"""Aliased (exactly collinear) columns of an unpenalized fit are dropped, as R's glm.

Reference: statsmodels ``Logit``/``GLM`` fitted in the test on the REDUCED
design (the aliased column left out, the later column of a dependent set as R's
pivoted QR drops it): its estimates, standard errors, z, p, intervals, llf,
AIC/BIC (rank parameters) and robust covariances are what R's ``glm`` prints
for the kept coefficients of the full design, with ``NA`` for the aliased ones.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from logistic import LogisticRegression
from logistic._aliasing import aliased_columns
from logistic.cli._aliased_file import aliased_rows
from logistic.cli.app import main

N = 400


def _data(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"x1": rng.normal(size=N), "x2": rng.normal(size=N), "x4": rng.normal(size=N)}
    )
    eta = 0.3 + X.x1 - 0.7 * X.x2 + 0.4 * X.x4
    y = (rng.random(N) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    return X, np.asarray(y)


def _fit(X: pd.DataFrame, y: np.ndarray, **kw: object) -> LogisticRegression:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fit's own singular-Hessian warning
        return LogisticRegression(**kw).fit(X, y)


def _reference(Xr: pd.DataFrame, y: np.ndarray, intercept: bool = True):
    exog = sm.add_constant(Xr, has_constant="add") if intercept else Xr
    return sm.Logit(y, exog).fit(method="newton", tol=1e-14, maxiter=100, disp=0)


def _designs() -> dict[str, tuple[pd.DataFrame, list[str]]]:
    X, _ = _data()
    return {
        "duplicated": (
            X.assign(x1_again=X.x1)[["x1", "x2", "x1_again", "x4"]],
            ["x1_again"],
        ),
        "sum": (X.assign(x3=X.x1 + X.x2)[["x1", "x2", "x3", "x4"]], ["x3"]),
        "two": (X.assign(a=X.x1 - X.x2, b=2 * X.x4 + 3.0), ["a", "b"]),
    }


@pytest.mark.parametrize("case", ["duplicated", "sum", "two"])
@pytest.mark.parametrize("with_data", [True, False])
def test_aliased_columns_match_statsmodels_on_the_reduced_design(case, with_data):
    Xf, dropped = _designs()[case]
    _, y = _data()
    model = _fit(Xf, y)
    res = model.inference(Xf, y) if with_data else model.inference()
    ref = _reference(Xf.drop(columns=dropped), y)
    assert res.aliased == dropped
    kept = ["Intercept", *[c for c in Xf.columns if c not in dropped]]
    params, bse = res.params, res.bse
    assert params[dropped].isna().all() and bse[dropped].isna().all()
    assert res.pvalues[dropped].isna().all() and res.zvalues[dropped].isna().all()
    np.testing.assert_allclose(params[kept], ref.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(bse[kept], ref.bse, rtol=1e-6)
    np.testing.assert_allclose(res.pvalues[kept], ref.pvalues, rtol=1e-5, atol=1e-14)
    ci = res.conf_int()
    assert ci.loc[dropped].isna().all().all()
    np.testing.assert_allclose(ci.loc[kept], ref.conf_int(), rtol=1e-6)
    cov = res.cov_params()
    assert cov.loc[dropped].isna().all().all() and cov[dropped].isna().all().all()
    np.testing.assert_allclose(cov.loc[kept, kept], ref.cov_params(), rtol=1e-6)
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    assert res.k_params == len(kept)
    assert res.df_model == ref.df_model and res.df_resid == ref.df_resid
    assert res.aic == pytest.approx(ref.aic, rel=1e-10)
    assert res.bic == pytest.approx(ref.bic, rel=1e-10)
    assert res.llr == pytest.approx(ref.llr, rel=1e-8)
    assert res.llr_pvalue == pytest.approx(ref.llr_pvalue, rel=1e-6, abs=1e-300)
    assert res.pseudo_rsquared == pytest.approx(ref.prsquared, rel=1e-7)


def test_every_level_beside_the_intercept_drops_the_last_level():
    """Dummies of all three levels and an intercept: R keeps the intercept and
    the first two levels (its pivoting keeps earlier columns)."""
    X, y = _data(3)
    level = np.random.default_rng(5).integers(0, 3, N)
    dummies = {f"g{k}": (level == k).astype(float) for k in range(3)}
    Xf = X.assign(**dummies)
    model = _fit(Xf.to_numpy(), y)
    res = model.inference(Xf.to_numpy(), y)
    names = res.term_names
    assert res.aliased == ["x6"]  # g2, the last level
    ref = _reference(Xf.drop(columns=["g2"]).to_numpy(), y)
    kept = [i for i, n in enumerate(names) if n != "x6"]
    np.testing.assert_allclose(res.params[kept], ref.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(res.bse[kept], ref.bse, rtol=1e-6)
    assert np.isnan(res.params[names.index("x6")])
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)


def test_near_collinearity_is_kept_as_r_keeps_it():
    X, y = _data()
    noise = 1e-3 * np.random.default_rng(9).standard_normal(N)
    Xf = X.assign(x3=X.x1 + X.x2 + noise)
    model = _fit(Xf, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nearly collinear: a warning, no drop
        res = model.inference(Xf, y)
    assert res.aliased == []
    ref = _reference(Xf, y)
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-5)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-5)
    assert res.k_params == 5


@pytest.mark.parametrize("cov_type", ["HC0", "HC1"])
def test_robust_covariance_is_the_reduced_models(cov_type):
    Xf, dropped = _designs()["sum"]
    _, y = _data()
    res = _fit(Xf, y).inference(Xf, y, cov_type=cov_type)
    Xr = sm.add_constant(Xf.drop(columns=dropped))
    ref = sm.GLM(y, Xr, family=sm.families.Binomial()).fit(cov_type="HC0", tol=1e-14)
    k = Xr.shape[1]  # the rank: statsmodels' GLM HC1 applies no n/(n-k) factor
    factor = N / (N - k) if cov_type == "HC1" else 1.0
    kept = list(Xr.columns.str.replace("const", "Intercept"))
    np.testing.assert_allclose(res.bse[kept], ref.bse * np.sqrt(factor), rtol=1e-6)
    assert np.isnan(res.bse["x3"])


def test_wald_tests_on_aliased_terms_are_not_estimable():
    Xf, _ = _designs()["sum"]
    _, y = _data()
    res = _fit(Xf, y).inference(Xf, y)
    with pytest.raises(Exception, match="not estimable"):
        res.wald_test("x3 = 0")
    ref = _reference(Xf.drop(columns=["x3"]), y)
    ours = res.wald_test("x1 = 0, x2 = 0")
    theirs = ref.wald_test("x1 = 0, x2 = 0", scalar=True, use_f=False)
    assert ours.statistic == pytest.approx(float(theirs.statistic), rel=1e-6)
    assert ours.df == 2
    assert "x3" not in res.wald_test_terms()
    with pytest.raises(Exception, match="aliased"):
        res.pvalues_lr()


def test_predictions_use_the_reduced_model():
    Xf, dropped = _designs()["sum"]
    _, y = _data()
    res = _fit(Xf, y).inference(Xf, y)
    ref = _reference(Xf.drop(columns=dropped), y)
    ours = res.get_prediction(Xf.iloc[:20])
    exog = sm.add_constant(Xf.drop(columns=dropped), has_constant="add").iloc[:20]
    theirs = ref.get_prediction(exog).summary_frame()
    np.testing.assert_allclose(ours.predicted, theirs["predicted"], rtol=1e-8)


def test_summary_prints_na_and_rs_header_line():
    Xf, _ = _designs()["two"]
    _, y = _data()
    text = _fit(Xf, y).inference(Xf, y).summary().as_text()
    assert "(2 not defined because of singularities: a, b)" in text
    row = next(line for line in text.splitlines() if line.startswith("a "))
    assert row.split()[1:] == ["NA"] * 6


def test_the_later_column_of_a_dependent_set_is_the_aliased_one():
    """x3 = x1 + x2 (unit correlation-scaled information): in the order given
    the last column is aliased, in reverse order the first (R's pivoting keeps
    the earlier columns); a full-rank matrix has none."""
    full = np.array([[2.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, 2.0]])
    assert not aliased_columns(full, np.arange(3)).any()
    singular = np.array([[1.0, 0.5, 1.5], [0.5, 1.0, 1.5], [1.5, 1.5, 3.0]])
    assert aliased_columns(singular, np.arange(3)).tolist() == [False, False, True]
    reverse = aliased_columns(singular, np.array([2, 1, 0]))
    assert reverse.tolist() == [True, False, False]


def test_firth_fits_of_a_singular_design_are_refused():
    """Firth's penalty log det I is -inf on a rank-deficient design: the fit
    refuses it (as logistf), so there is nothing to reduce."""
    Xf, _ = _designs()["sum"]
    _, y = _data()
    with pytest.raises(Exception, match="collinear"):
        LogisticRegression(penalty="firth").fit(Xf, y)


def test_cli_fit_prints_na_and_json_nulls(tmp_path, capsys):
    Xf, _ = _designs()["sum"]
    _, y = _data()
    path = tmp_path / "d.csv"
    Xf.assign(y=y.astype(int)).to_csv(path, index=False)
    model = tmp_path / "m.json"
    assert main(["fit", str(path), "--target", "y", "-o", str(model), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "(1 not defined because of singularities: x3)" in out
    line = next(t for t in out.splitlines() if t.startswith("x3 "))
    assert line.split()[1:] == ["NA"] * 6
    assert main(["summary", str(model), str(path)]) == 0
    out = capsys.readouterr().out
    ref = _reference(Xf.drop(columns=["x3"]), y)
    line = next(t for t in out.splitlines() if t.startswith("x1 "))
    assert float(line.split()[1]) == pytest.approx(ref.params["x1"], rel=1e-3)
    assert main(["summary", str(model), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # the file keeps the reduced model (tests/test_aliased_model_file.py): named
    assert "(1 not defined because of singularities: x3)" in doc["singularities"]
    # margins --json: null numbers and aliased true (JSON has no NaN), others
    # statsmodels' effects of the reduced model
    assert main(["margins", str(model), str(path), "--json"]) == 0
    text = capsys.readouterr().out
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    rows = {r["term"]: r for r in doc["effects"]}
    assert rows["x3"]["aliased"] and rows["x3"]["effect"] is None
    assert rows["x3"]["std_error"] is None and not rows["x1"]["aliased"]
    me = ref.get_margeff()
    assert rows["x1"]["effect"] == pytest.approx(me.margeff[0], rel=1e-5)


def test_json_rows_of_aliased_terms_are_null():
    """The rows `logistic summary MODEL --json` prints when the model keeps its
    statistics: null for the aliased term (never a number or NaN), the reduced
    model's values for the others."""
    Xf, _ = _designs()["sum"]
    _, y = _data()
    rows = aliased_rows(_fit(Xf, y).inference(), 0.05)
    text = json.dumps(rows, allow_nan=False)
    x3 = next(r for r in json.loads(text) if r["term"] == "x3")
    assert all(v is None for k, v in x3.items() if k != "term")
    ref = _reference(Xf.drop(columns=["x3"]), y)
    x1 = next(r for r in rows if r["term"] == "x1")
    assert x1["estimate"] == pytest.approx(ref.params["x1"], rel=1e-7)
    assert x1["std_error"] == pytest.approx(ref.bse["x1"], rel=1e-6)


def test_influence_and_margins_of_the_reduced_model():
    """statsmodels' GLMInfluence and Logit.get_margeff on the reduced design;
    the aliased column's effect and DFBETAS are NaN."""
    Xf, dropped = _designs()["sum"]
    _, y = _data()
    res = _fit(Xf, y).inference(Xf, y)
    Xr = sm.add_constant(Xf.drop(columns=dropped))
    glm = sm.GLM(y, Xr, family=sm.families.Binomial()).fit(tol=1e-14)
    theirs = glm.get_influence()
    ours = res.get_influence()
    np.testing.assert_allclose(ours.hat_matrix_diag, theirs.hat_matrix_diag, rtol=1e-6)
    np.testing.assert_allclose(
        ours.cooks_distance[0], theirs.cooks_distance[0], rtol=1e-5
    )
    x3 = res.term_names.index("x3")
    assert np.isnan(ours.dfbetas[:, x3]).all()
    kept = [i for i in range(len(res.term_names)) if i != x3]
    np.testing.assert_allclose(
        ours.dfbetas[:, kept], theirs.dfbetas, rtol=1e-4, atol=1e-8
    )
    me = res.get_margeff()
    ref = _reference(Xf.drop(columns=dropped), y).get_margeff()
    np.testing.assert_allclose(me.margeff[["x1", "x2", "x4"]], ref.margeff, rtol=1e-6)
    np.testing.assert_allclose(
        me.margeff_se[["x1", "x2", "x4"]], ref.margeff_se, rtol=1e-5
    )
    assert np.isnan(me.margeff["x3"]) and np.isnan(me.margeff_se["x3"])
    # the text table writes the aliased row as the coefficient table does
    row = next(line for line in me.summary().splitlines() if line.startswith("x3 "))
    assert row.split()[1:] == ["NA"] * 6 and "nan" not in me.summary()


def test_predict_interval_on_rows_off_the_dependency_uses_the_reduced_model():
    """New rows where x3 != x1 + x2: R's predict.glm uses the reduced
    coefficients; so do predict_interval and get_prediction (statsmodels'
    reduced fit gives the reference)."""
    Xf, dropped = _designs()["sum"]
    _, y = _data()
    model = _fit(Xf, y)
    new = Xf.iloc[:15].assign(x3=np.linspace(-3.0, 3.0, 15))
    ref = _reference(Xf.drop(columns=dropped), y)
    exog = sm.add_constant(new.drop(columns=dropped), has_constant="add")
    theirs = ref.get_prediction(exog).summary_frame()
    ours = model.predict_interval(new)
    np.testing.assert_allclose(
        np.asarray(ours.iloc[:, 0]), theirs["predicted"], rtol=1e-8
    )


@pytest.mark.parametrize("case", ["duplicated", "sum", "two"])
def test_coef_is_rs_zero_at_aliased_columns_and_the_reduced_fit_elsewhere(case):
    """``coef_``/``intercept_`` as R's ``coef(glm)`` with NA read as 0: the
    reduced model's estimates (statsmodels on the reduced design), so that
    they agree with ``summary()`` and predictions of new rows off the
    dependency agree with ``predict_interval`` and with R's ``predict.glm``."""
    Xf, dropped = _designs()[case]
    _, y = _data()
    model = _fit(Xf, y)
    ref = _reference(Xf.drop(columns=dropped), y)
    coef = pd.Series(model.coef_.ravel(), index=Xf.columns)
    assert (coef[dropped] == 0.0).all()
    kept = [c for c in Xf.columns if c not in dropped]
    np.testing.assert_allclose(coef[kept], ref.params[kept], rtol=1e-7)
    np.testing.assert_allclose(model.intercept_[0], ref.params["const"], rtol=1e-7)
    new = Xf.iloc[:15].copy()
    for k, column in enumerate(dropped):  # off the dependency
        new[column] = np.linspace(-3.0, 3.0, 15) + k
    exog = sm.add_constant(new.drop(columns=dropped), has_constant="add")
    np.testing.assert_allclose(model.predict_proba(new)[:, 1], ref.predict(exog), rtol=1e-7)
    np.testing.assert_allclose(
        model.predict_proba(new)[:, 1], np.asarray(model.predict_interval(new).iloc[:, 0]),
        rtol=1e-10,
    )


def test_separated_design_drops_every_column_aliased_in_the_design():
    # a9a: one-hot groups beside an intercept, and a quasi-complete
    # separation whose rows keep weights near 1e-9: the information alone
    # showed 14-15 of the aliased columns (roundoff of its tiny entries), so
    # the reduced information stayed singular and there were no standard
    # errors at all. Reference: R's rule (a column is aliased when its
    # residual on the columns before it is below 1e-7 of its norm) applied
    # to the design itself, from numpy's unpivoted QR (|R_jj| is that residual)
    from scipy.linalg import qr
    from sklearn.datasets import load_svmlight_file

    from conftest import data_path

    X, y = load_svmlight_file(str(data_path("a9a", "a9a.gz")))
    A = np.column_stack([np.ones(X.shape[0]), X.toarray()])  # display order
    R = qr(A, mode="r")[0]
    residual = np.abs(np.diag(R)) / np.linalg.norm(A, axis=0)
    names = ["Intercept"] + [f"x{j + 1}" for j in range(X.shape[1])]
    want = [n for n, r in zip(names, residual, strict=True) if r <= 1e-7]
    # numpy's rank rule for A (singular values above max(A.shape)·eps of the
    # largest) read from R, whose singular values are A's (A = QR, Q with
    # orthonormal columns): an SVD of 124 x 124 in place of 32 561 x 124
    rank = np.linalg.matrix_rank(R, rtol=max(A.shape) * np.finfo(float).eps)
    assert len(want) == A.shape[1] - rank == 16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
        with_data = model.inference(X, y)
        stored = model.inference()
    assert with_data.separation == "quasi-complete"
    for res in (with_data, stored):
        assert res.aliased == want
        assert res.k_params == A.shape[1] - 16
        se = np.asarray(res.bse)
        kept = [n not in want for n in res.term_names]
        assert np.all(np.isnan(se[np.logical_not(kept)]))
        assert np.all(np.isfinite(se[kept])) and np.all(se[kept] > 0)
    np.testing.assert_allclose(stored.bse, with_data.bse, rtol=1e-6)


@pytest.mark.parametrize(
    ("info", "constant", "reason"),
    [
        (np.array([[2.0, 2.0], [2.0, 2.0]]), None, "dependent"),
        (np.array([[2.0, 0.0], [0.0, 0.0]]), None, "no information"),
        (np.eye(2), ["b"], "constant"),
    ],
)
def test_a_collinearity_error_says_why_the_information_is_singular(
    info, constant, reason
):
    """The reason the separation advice is chosen by: a dependency between
    columns (a + b ≈ 0 here: equal columns give [[2, 2], [2, 2]]), a column
    without information, or a constant beside the intercept."""
    from logistic.inference._covariance import CollinearityError, invert_information

    with pytest.raises(CollinearityError) as caught:
        invert_information(info, ["a", "b"], constant_columns=constant)
    assert caught.value.reason == reason


def test_an_empty_interaction_cell_is_na_and_the_rest_keep_their_errors(tmp_path, capsys):
    # `low ~ lwt + C(ui):ht` on birthwt: ui = 1 and ht = 1 never occur together,
    # so C(ui)[1]:ht is all zero. The fit printed 0.000000 for it and no standard
    # error for any term; R's glm prints NA for it and the reduced model's rest
    from conftest import data_path

    birthwt = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
    model = tmp_path / "m.json"
    args = ["fit", birthwt, "--formula", "low ~ lwt + C(ui):ht", "-o", str(model)]
    assert main([str(a) for a in args]) == 0
    out = capsys.readouterr().out
    assert "(1 not defined because of singularities: C(ui)[1]:ht)" in out
    row = next(t for t in out.splitlines() if t.startswith("C(ui)[1]:ht "))
    assert row.split()[1:] == ["NA"] * 6
    d = pd.read_csv(birthwt)
    X = sm.add_constant(pd.DataFrame({"lwt": d.lwt, "ui0_ht": (d.ui == 0) * d.ht}))
    ref = sm.Logit(d.low, X).fit(disp=0)
    kept = next(t for t in out.splitlines() if t.startswith("C(ui)[0]:ht "))
    estimate, std_err = (float(v) for v in kept.split()[1:3])
    assert estimate == pytest.approx(ref.params["ui0_ht"], rel=1e-3)
    assert std_err == pytest.approx(ref.bse["ui0_ht"], rel=1e-3)


def test_a_column_without_information_under_separation_is_not_called_zeros():
    # x2 is non-zero only on rows whose fitted logits are beyond ±745, where the
    # curvature weight underflows to 0: its information is exactly 0 though the
    # column is not. Treating every zero-information column as a column of zeros
    # showed x2 as NA "aliased with earlier columns" and changed the other
    # estimates; it is named as carrying no information, as before
    from logistic.inference import CollinearityError

    rng = np.random.default_rng(1)
    x1 = rng.uniform(0.5, 500, 400) * rng.choice([-1, 1], 400)
    y = (x1 > 0).astype(int)
    x2 = np.where(np.abs(x1) > 400, rng.standard_normal(400), 0.0)
    X = np.column_stack([x1, x2, rng.standard_normal(400)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(solver="lbfgs", max_iter=1000).fit(X, y)
        assert model.fit_statistics_.hessian[1, 1] == 0.0  # the case at hand
        with pytest.raises(CollinearityError, match="column 'x2' carries no information"):
            model.inference(X, y)
