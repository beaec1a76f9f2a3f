"""Grouped binomial data: ``fit(X, successes, trials=n)`` (logistic._grouped).

Reference: statsmodels' GLM Binomial with ``endog = [successes, failures]``,
computed inside the tests on statsmodels' bundled star98 data (read from the
installed statsmodels, see tests/data/star98/README.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import DataValidationError, InvalidParameterError, LogisticRegression

sm = pytest.importorskip("statsmodels.api")

STAR98_COLUMNS = [
    "NABOVE",
    "NBELOW",
    "LOWINC",
    "PERASIAN",
    "PERBLACK",
    "PERHISP",
    "PERMINTE",
    "AVYRSEXP",
    "AVSALK",
    "PERSPENK",
    "PTRATIO",
    "PCTAF",
    "PCTCHRT",
    "PCTYRRND",
    "PERMINTE_AVYRSEXP",
    "PERMINTE_AVSAL",
    "AVYRSEXP_AVSAL",
    "PERSPEN_PTRATIO",
    "PERSPEN_PCTAF",
    "PTRATIO_PCTAF",
    "PERMINTE_AVYRSEXP_AVSAL",
    "PERSPEN_PTRATIO_PCTAF",
]  # fmt: skip  (statsmodels' datasets/star98/data.py names)


def star98():
    frame = pd.read_csv(data_path("star98", "star98.csv"))
    frame.columns = STAR98_COLUMNS
    X = frame[STAR98_COLUMNS[2:]]
    # the file's first two columns are MATHTOT (students tested) and PR50M
    # (those above the national median); statsmodels' loader, which names
    # them NABOVE and NBELOW, turns them into successes and failures so
    total = frame["NABOVE"].to_numpy(float)
    successes = frame["NBELOW"].to_numpy(float)
    failures = total - successes
    return X, successes, failures


def sm_grouped(X, successes, failures, **kw):
    endog = np.column_stack([successes, failures])
    model = sm.GLM(endog, sm.add_constant(np.asarray(X, float)), sm.families.Binomial())
    return model.fit(tol=1e-13, maxiter=100, **kw)


@pytest.fixture(scope="module")
def star():
    X, k, f = star98()
    model = LogisticRegression().fit(X, k, trials=k + f)
    return X, k, f, model, sm_grouped(X, k, f)


def test_star98_matches_statsmodels_glm_binomial(star):
    X, k, f, model, ref = star
    res = model.inference()  # no data: the statistics kept at fit
    np.testing.assert_allclose(np.asarray(res.params), ref.params, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(res.bse), ref.bse, rtol=1e-6)
    for name in ("deviance", "aic", "pearson_chi2", "llf", "bic", "llnull"):
        np.testing.assert_allclose(getattr(res, name), getattr(ref, name), rtol=1e-6)
    np.testing.assert_allclose(res.null_deviance, ref.null_deviance, rtol=1e-6)
    assert res.nobs == ref.nobs == 303
    assert res.df_resid == ref.df_resid == 282
    assert res.df_model == ref.df_model == 20
    np.testing.assert_allclose(res.dispersion, ref.pearson_chi2 / 282, rtol=1e-6)
    assert list(res.params.index) == ["Intercept", *STAR98_COLUMNS[2:]]


def test_star98_summary_shows_the_grouped_scale(star):
    *_, model, ref = star
    text = model.summary().as_text()
    assert "No. groups:" in text and "303" in text
    assert "Df residuals:" in text and "282" in text
    assert f"{ref.pearson_chi2:.2f}" in text
    assert f"{ref.pearson_chi2 / 282:.4f}" in text
    assert "overdispersion" in text
    assert f"{ref.deviance:.2f}" in text and f"{ref.aic:.2f}" in text


def test_grouped_coefficients_equal_the_expanded_fit(star):
    # one row per trial, as frequency weights: the same likelihood up to a constant
    X, k, f, model, _ = star
    Xa = np.asarray(X, float)
    X2 = np.vstack([Xa, Xa])
    y2 = np.r_[np.ones(len(k)), np.zeros(len(f))]
    expanded = LogisticRegression().fit(X2, y2, sample_weight=np.r_[k, f])
    np.testing.assert_allclose(model.coef_, expanded.coef_, rtol=1e-7)
    assert expanded.inference().nobs == k.sum() + f.sum()  # the individual scale


def test_sample_weight_multiplies_groups():
    X, k, f = star98()
    X, k, f = X.iloc[:60], k[:60], f[:60]
    w = np.r_[np.full(30, 2.0), np.ones(30)]
    weighted = LogisticRegression().fit(X.iloc[:, :3], k, trials=k + f, sample_weight=w)
    Xd = pd.concat([X.iloc[:30, :3], X.iloc[:, :3]])
    kd, fd = np.r_[k[:30], k], np.r_[f[:30], f]
    doubled = LogisticRegression().fit(Xd, kd, trials=kd + fd)
    np.testing.assert_allclose(weighted.coef_, doubled.coef_, rtol=1e-8)
    a, b = weighted.inference(), doubled.inference()
    for name in ("nobs", "df_resid", "llf", "deviance", "aic", "pearson_chi2"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-8)
    ref = sm_grouped(Xd, kd, fd)  # the duplicated groups, without weights
    np.testing.assert_allclose(np.asarray(a.bse), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(a.llf, ref.llf, rtol=1e-8)
    np.testing.assert_allclose(a.pearson_chi2, ref.pearson_chi2, rtol=1e-6)


@pytest.mark.parametrize(
    "y,trials,match",
    [
        ([1, 5, 2], [3, 4, 2], r"exceeds trials at row 1 \(an index from 0\): 5 > 4"),
        ([1, 0, 2], [3, 0, 2], r"trials must be > 0 on every row; row 1 \(an index from 0\) has 0"),
        ([1, -1, 2], [3, 3, 2], r"Negative values in y \(successes"),
        ([0, 0, 0], [3, 3, 2], r"no success"),
        ([3, 3, 2], [3, 3, 2], r"no failure"),
    ],
)
def test_bad_counts_are_refused_naming_the_row(y, trials, match):
    X = np.array([[0.0], [1.0], [2.0]])
    with pytest.raises(DataValidationError, match=match):
        LogisticRegression().fit(X, y, trials=trials)


def test_proportions_without_trials_say_how_to_pass_them():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.raises(DataValidationError, match=r"trials="):
        LogisticRegression().fit(X, [0.25, 0.5, 0.5, 0.75])


def test_statsmodels_two_column_counts_say_how_to_pass_them(star):
    """statsmodels' GLM Binomial takes grouped data as endog = [successes,
    failures]; given here, the refusal of a 2-column y says how this fit takes
    it, and that call gives statsmodels' estimates."""
    X, k, f, _, ref = star
    with pytest.raises(DataValidationError, match=r"trials=successes \+ failures"):
        LogisticRegression().fit(X, np.column_stack([k, f]))
    model = LogisticRegression().fit(X, k, trials=k + f)
    np.testing.assert_allclose(model.coef_.ravel(), ref.params[1:], rtol=1e-6)


def test_proportions_times_trials_is_the_documented_alternative():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 2))
    n = rng.integers(1, 20, 40).astype(float)
    k = rng.binomial(n.astype(int), 0.4).astype(float)
    p = k / n
    a = LogisticRegression().fit(X, k, trials=n)
    b = LogisticRegression().fit(X, p * n, trials=n)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10)


def test_class_weight_and_out_of_core_data_are_refused(tmp_path):
    X = np.array([[0.0], [1.0], [2.0]])
    with pytest.raises(InvalidParameterError, match="class_weight"):
        LogisticRegression(class_weight="balanced").fit(X, [1, 2, 1], trials=[3, 3, 3])
    path = tmp_path / "d.csv"
    path.write_text("x,y\n0,1\n1,0\n")
    with pytest.raises(InvalidParameterError, match="in-memory arrays"):
        LogisticRegression().fit(str(path), "y", trials=[3, 3])


def test_grouped_profile_refusal_names_a_refit_that_gives_r_s_confint():
    """Profile intervals of a grouped fit are refused (its inference keeps no
    rows), naming a refit on two rows a group; that refit's profile bounds are
    those of the grouped binomial likelihood, here profiled independently with
    statsmodels' GLM on [successes, failures] (the coefficient held fixed as
    an offset) and scipy's brentq, as R's confint(glm(cbind(k, n - k) ~ x))."""
    from scipy.optimize import brentq
    from scipy.stats import chi2

    rng = np.random.default_rng(11)
    x = rng.normal(size=(25, 1))
    n = rng.integers(2, 8, size=25).astype(float)
    k = rng.binomial(n.astype(int), 1 / (1 + np.exp(-(0.4 - 0.9 * x[:, 0])))) * 1.0
    res = LogisticRegression().fit(x, k, trials=n).inference()
    with pytest.raises(InvalidParameterError, match="two rows a group"):
        res.conf_int(method="profile")
    X2 = np.vstack([x, x])
    y2 = np.r_[np.ones(25), np.zeros(25)]
    refit = LogisticRegression().fit(X2, y2, sample_weight=np.r_[k, n - k])
    ci = np.asarray(refit.inference(X2, y2, np.r_[k, n - k]).conf_int(method="profile"))
    endog = np.column_stack([k, n - k])
    Xc = sm.add_constant(x)
    full = sm.GLM(endog, Xc, family=sm.families.Binomial()).fit(tol=1e-13)

    def excess(b, j):
        rest = sm.GLM(endog, np.delete(Xc, j, axis=1), family=sm.families.Binomial(),
                      offset=b * Xc[:, j]).fit(tol=1e-13)  # fmt: skip
        return 2 * (full.llf - rest.llf) - chi2.ppf(0.95, 1)

    for j in range(2):
        b, se = full.params[j], full.bse[j]
        lo = brentq(excess, b - 6 * se, b, args=(j,), xtol=1e-12)
        hi = brentq(excess, b, b + 6 * se, args=(j,), xtol=1e-12)
        np.testing.assert_allclose(ci[j], [lo, hi], rtol=1e-7)


def test_grouped_inference_with_data_or_robust_covariance_is_refused(star):
    X, k, f, model, _ = star
    with pytest.raises(InvalidParameterError, match="without data"):
        model.inference(X, k)
    # a robust covariance is refused for what it is, not sent to the data (which
    # are refused above): the advice is the model-based covariance or scale='X2'
    for cov_type, groups in (("HC0", None), ("cluster", np.arange(len(k)) // 10)):
        with pytest.raises(InvalidParameterError, match="grouped binomial") as err:
            model.inference(cov_type=cov_type, groups=groups)
        assert "scale='X2'" in str(err.value)
        assert "pass X, y" not in str(err.value)
    # so are sampling weights (as logistic fit --weights-kind sampling refuses
    # grouped counts), with or without the data, never sent to the data
    for data in ((), (X, k)):
        with pytest.raises(InvalidParameterError, match="grouped binomial") as err:
            model.inference(*data, sample_weight_kind="sampling")
        assert "pass X, y" not in str(err.value)


def test_grouped_results_never_send_to_the_data_they_refuse():
    """What needs rows from a grouped fit's inference (in-sample predictions,
    margins at the median, at the mean with an offset) says how to get it,
    not 'call model.inference(X, y, ...)', which a grouped fit refuses; the
    refit it names gives statsmodels' GLM Binomial prediction intervals."""
    rng = np.random.default_rng(12)
    x = rng.normal(size=(30, 1))
    n = rng.integers(2, 9, size=30).astype(float)
    k = rng.binomial(n.astype(int), 1 / (1 + np.exp(-(0.2 + 0.8 * x[:, 0])))) * 1.0
    off = np.linspace(-0.4, 0.4, 30)
    res = LogisticRegression().fit(x, k, trials=n, offset=off).inference()
    asks = [
        (res.get_prediction, "needs X"),
        (lambda: res.get_margeff(at="median"), "two rows a group"),
        (lambda: res.get_margeff(at="mean"), "two rows a group"),
    ]
    for ask, remedy in asks:
        with pytest.raises(InvalidParameterError, match=remedy) as err:
            ask()
        assert "model.inference(X, y" not in str(err.value)
    X2, y2, w2 = np.vstack([x, x]), np.r_[np.ones(30), np.zeros(30)], np.r_[k, n - k]
    refit = LogisticRegression().fit(X2, y2, sample_weight=w2, offset=np.r_[off, off])
    frame = refit.inference(X2, y2, w2, offset=np.r_[off, off]).get_prediction()
    glm = sm.GLM(np.column_stack([k, n - k]), sm.add_constant(x),
                 family=sm.families.Binomial(), offset=off).fit(tol=1e-13)  # fmt: skip
    ref = glm.get_prediction(sm.add_constant(x), offset=off).summary_frame()
    np.testing.assert_allclose(frame.summary_frame()["mean"][:30], ref["mean"], rtol=1e-8)
    np.testing.assert_allclose(frame.summary_frame()["mean_ci_lower"][:30],
                               ref["mean_ci_lower"], rtol=1e-7)  # fmt: skip


def test_grouped_predictions_are_success_probabilities(star):
    X, k, f, model, ref = star
    np.testing.assert_array_equal(model.classes_, [0, 1])
    np.testing.assert_allclose(
        model.predict_proba(X)[:, 1],
        ref.predict(sm.add_constant(np.asarray(X, float))),
        rtol=1e-6,
    )


def test_firth_on_grouped_counts_equals_the_expanded_firth_fit():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((25, 2))
    n = rng.integers(1, 6, 25).astype(float)
    k = rng.binomial(n.astype(int), 0.3).astype(float)
    grouped = LogisticRegression(penalty="firth").fit(X, k, trials=n)
    X2 = np.vstack([X, X])
    expanded = LogisticRegression(penalty="firth").fit(
        X2, np.r_[np.ones(25), np.zeros(25)], sample_weight=np.r_[k, n - k]
    )
    np.testing.assert_allclose(grouped.coef_, expanded.coef_, rtol=1e-7)
    np.testing.assert_allclose(
        np.asarray(grouped.inference().bse), expanded.inference().bse, rtol=1e-6
    )


# -- model files: the optional model.grouped field --------------------------------
def _saved(model, path, edit=None, statistics=True):
    """Save ``model``; ``edit`` changes the JSON's model section and re-signs
    it (a valid file); ``statistics=False`` leaves out the fit statistics, as
    files of grouped fits were written before they kept them."""
    import hashlib
    import json

    import logistic.io as lio
    from logistic import save

    save(model, path)
    if edit is not None or not statistics:
        doc = json.loads(path.read_text())
        if edit is not None:
            edit(doc["model"])
        if not statistics:
            doc["training"].pop("fit_statistics")
        doc["checksum"]["value"] = hashlib.sha256(lio._canonical(doc)).hexdigest()
        path.write_text(json.dumps(doc))
    return path


def test_model_file_keeps_the_grouped_marker(star, tmp_path, capsys):
    """A library model fitted with trials= and reloaded still refuses score()
    with the in-session message, and `logistic summary` names grouped data."""
    import json

    from conftest import run_cli
    from logistic import load

    X, k, f, model, _ = star
    path = _saved(model, tmp_path / "g.json")
    assert json.loads(path.read_text())["model"]["grouped"] is True
    share = k / (k + f)
    labels = (share > np.median(share)).astype(int)  # above-median success
    with pytest.raises(InvalidParameterError) as in_session:
        model.score(X, labels)
    loaded = load(path)
    with pytest.raises(InvalidParameterError) as after_load:
        loaded.score(X, labels)
    assert str(after_load.value) == str(in_session.value)
    assert "fitted on grouped counts" in str(after_load.value)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # saved again from the loaded model, the marker stays
    again = load(_saved(loaded, tmp_path / "again.json"))
    with pytest.raises(InvalidParameterError, match="fitted on grouped counts"):
        again.score(X, labels)
    # a 0/1 refit of the loaded object scores
    assert 0.0 < loaded.fit(X, labels).score(X, labels) <= 1.0

    code, out, err = run_cli(capsys, ["summary", str(path)])
    assert code == 0, err
    assert "grouped binomial data: successes out of trials (fitted with trials=)" in out
    code, out, err = run_cli(capsys, ["summary", str(path), "--json"])
    assert code == 0, err
    assert json.loads(out)["grouped"] is True


def test_model_file_without_the_grouped_field_loads_and_scores(star, tmp_path, capsys):
    import json

    from conftest import run_cli
    from logistic import load

    X, k, f, model, _ = star
    share = k / (k + f)
    labels = (share > np.median(share)).astype(int)  # above-median success
    expected = LogisticRegression().fit(X, labels).score(X, labels)
    for name, edit in (
        ("absent", lambda m: m.pop("grouped")),  # as written before the field
        ("null", lambda m: m.update(grouped=None)),
        ("false", lambda m: m.update(grouped=False)),
    ):  # (files written before the field kept no statistics of a grouped fit)
        path = _saved(model, tmp_path / f"{name}.json", edit, statistics=False)
        loaded = load(path)
        # 0/1 accuracy of the grouped coefficients on above-median labels
        acc = loaded.score(X, labels)
        assert 0.0 < acc <= 1.0, name
        code, out, err = run_cli(capsys, ["summary", str(path)])
        assert code == 0, err
        assert "grouped binomial data" not in out, name
    # a 0/1 fit writes no marker and scores after a round trip
    plain = LogisticRegression().fit(X, labels)
    path = _saved(plain, tmp_path / "plain.json")
    assert "grouped" not in json.loads(path.read_text())["model"]
    assert load(path).score(X, labels) == expected


@pytest.mark.parametrize("value", ["yes", 1, 0, [], {"grouped": True}, 1.0])
def test_tampered_grouped_field_is_refused_naming_it(star, tmp_path, value):
    from logistic import ModelFormatError, load

    path = _saved(star[3], tmp_path / "t.json", lambda m: m.update(grouped=value))
    with pytest.raises(ModelFormatError, match=r"field 'model\.grouped' must be"):
        load(path)


def test_reloaded_grouped_model_has_the_fitted_model_s_summary(star, tmp_path):
    """A grouped fit's model file keeps the statistics its inference reads:
    ``load(path).summary()`` is the fitted model's (it said to pass one 0/1
    row per trial, while ``logistic summary`` printed the table), with
    statsmodels' grouped GLM numbers; the rows per trial still give the same
    standard errors, and ``trials=`` is refused saying to pass no data (it
    was a TypeError)."""
    from logistic import load

    X, k, f, model, ref = star
    loaded = load(_saved(model, tmp_path / "g.json"))
    assert str(loaded.summary()) == str(model.summary())
    res = loaded.inference()
    np.testing.assert_allclose(np.asarray(res.bse), ref.bse, rtol=1e-6)
    for name in ("deviance", "aic", "pearson_chi2", "llf", "llnull"):
        np.testing.assert_allclose(getattr(res, name), getattr(ref, name), rtol=1e-6)
    assert res.nobs == ref.nobs == 303
    rows = pd.concat([X, X], ignore_index=True)
    y01 = np.r_[np.ones(len(k)), np.zeros(len(k))]
    per_trial = loaded.inference(rows, y01, np.r_[k, f])
    np.testing.assert_allclose(np.asarray(per_trial.bse), ref.bse, rtol=1e-6)
    for fitted in (model, loaded):
        for method in (fitted.summary, fitted.inference):
            with pytest.raises(InvalidParameterError, match="take no trials=") as e:
                method(X, k, trials=k + f)
            assert "without data" in str(e.value)


def test_grouped_statistics_and_the_model_s_mark_agree(star, tmp_path):
    """Statistics of a grouped fit in a file whose model is not marked as
    fitted on counts (or the reverse) are refused naming the field."""
    from logistic import ModelFormatError, load

    _, _, _, model, _ = star
    path = _saved(model, tmp_path / "g.json", lambda m: m.update(grouped=False))
    with pytest.raises(ModelFormatError, match=r"fit_statistics\.grouped' must be"):
        load(path)


def test_reloaded_grouped_model_without_statistics_says_how_to_get_its_inference(
    star, tmp_path
):
    """A grouped fit's model file written without its statistics (by an
    earlier version) keeps its covariance only: inference() of the reloaded
    model says to pass one 0/1 row per trial (not "X and y exactly as given to
    fit()", which hold counts), and those rows give statsmodels' grouped GLM
    standard errors."""
    from logistic import load

    X, k, f, model, ref = star
    loaded = load(_saved(model, tmp_path / "g.json", statistics=False))
    with pytest.raises(InvalidParameterError, match="one 0/1 row per trial") as err:
        loaded.inference()
    assert "exactly as given to fit()" not in str(err.value)
    with pytest.raises(InvalidParameterError, match="not available for a grouped"):
        loaded.inference(cov_type="HC0")
    rows = pd.concat([X, X], ignore_index=True)
    y01 = np.r_[np.ones(len(k)), np.zeros(len(k))]
    res = loaded.inference(rows, y01, np.r_[k, f])
    np.testing.assert_allclose(np.asarray(res.bse), ref.bse, rtol=1e-6)
