"""FLIC and FLAC: Firth's fit with an unbiased mean predicted probability.

References (from outside the code under test):
* Puhr, Heinze, Nold, Lusa & Geroldinger (2017), Statistics in Medicine
  36:2302-2317: FLIC's and FLAC's mean predicted probability is the event rate.
* logistf on sex2 as published in easystats/parameters' test snapshot
  ``tests/testthat/_snaps/windows/model_parameters.logistf.md``
  (``model_parameters(flic(...))``, ``model_parameters(flac(...))`` of
  ``case ~ age + oc + vic + vicl + vis + dia``; two decimals): FLIC's
  intercept 0.13; FLAC's coefficients 0.12, -1.10, -0.07, 2.28, -2.11, -0.79,
  3.18 and standard errors 0.48, 0.42, 0.43, 0.54, 0.53, 0.41, 1.53.
* statsmodels ``GLM(Binomial)``: FLIC's intercept as the intercept-only fit
  with ``offset`` = the logit of logistf's published Firth slopes
  (tests/test_firth.py's ``SEX2_COEF``); FLAC as the fit of the augmented data
  with ``freq_weights``, its hat values computed here with numpy at the same
  published Firth estimate; FLIC's intercept standard error as logistf's
  ``flic`` computes it, ``sqrt([(X'WX)^-1]_00)`` at the corrected coefficients,
  written here with numpy (the whole ``(X'WX)^-1`` is the ``var`` of
  logistf 1.26's ``logistf(..., flic = TRUE)``).
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from scipy.special import expit

from conftest import run_cli
from logistic import InvalidParameterError, LogisticRegression, load, save
from logistic.cli._codes import EX_OK
from logistic.inference._checks import NotTrainingDataError
from logistic.io import ModelFormatError
from test_firth import SEX2, SEX2_COEF, SEX2_NAMES

#: logistf's Firth estimate on sex2, intercept first.
BETA = np.asarray(SEX2_COEF)
#: logistf's flac on sex2 (easystats' snapshot, two decimals), intercept first.
LOGISTF_FLAC_COEF = [0.12, -1.10, -0.07, 2.28, -2.11, -0.79, 3.18]
LOGISTF_FLAC_SE = [0.48, 0.42, 0.43, 0.54, 0.53, 0.41, 1.53]


def _sex2() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    X = pd.DataFrame(SEX2[:, 1:7].astype(float), columns=SEX2_NAMES)
    return X, SEX2[:, 0].astype(float), SEX2[:, 7].astype(float)


def _design(X: pd.DataFrame) -> np.ndarray:
    return np.column_stack([np.ones(len(X)), X.to_numpy()])


@pytest.fixture(scope="module")
def fits():
    X, y, w = _sex2()
    return {
        kind: LogisticRegression(penalty="firth", firth_correction=kind).fit(
            X, y, sample_weight=w
        )
        for kind in ("flic", "flac")
    }


def _params(model) -> np.ndarray:
    return np.r_[model.intercept_, model.coef_.ravel()]


def _statsmodels_flac() -> tuple[np.ndarray, np.ndarray]:
    """FLAC with statsmodels on the augmented data (hat values with numpy at
    logistf's Firth estimate)."""
    X, y, w = _sex2()
    Xt = _design(X)
    p = expit(Xt @ BETA)
    v = w * p * (1 - p)
    A = np.linalg.inv(Xt.T @ (v[:, None] * Xt))
    h = v * np.einsum("ij,jk,ik->i", Xt, A, Xt)
    n = len(y)
    Xa = np.column_stack([np.vstack([Xt] * 3), np.r_[np.zeros(n), np.ones(2 * n)]])
    ya = np.r_[y, np.zeros(n), np.ones(n)]
    wa = np.r_[w, h / 2, h / 2]
    res = sm.GLM(ya, Xa, family=sm.families.Binomial(), freq_weights=wa).fit(tol=1e-12)
    return res.params[:-1], res.bse[:-1]


def test_hat_diagonal_is_numpys_and_sums_to_the_parameters():
    from logistic._firth import hat_diagonal
    from logistic._objective import LogisticObjective

    X, y, w = _sex2()
    objective = LogisticObjective.from_arrays(X.to_numpy(), y, w)
    theta = np.r_[BETA[1:], BETA[0]]  # objective order: intercept last
    Xt = _design(X)
    v = w * expit(Xt @ BETA) * expit(-(Xt @ BETA))
    A = np.linalg.inv(Xt.T @ (v[:, None] * Xt))
    h = hat_diagonal(objective, theta)
    np.testing.assert_allclose(h, v * np.einsum("ij,jk,ik->i", Xt, A, Xt), rtol=1e-10)
    assert h.sum() == pytest.approx(7.0, rel=1e-12)  # the trace of a projection


def test_flic_intercept_is_statsmodels_offset_fit_and_logistf(fits):
    X, y, w = _sex2()
    offset = X.to_numpy() @ BETA[1:]
    ref = sm.GLM(
        y,
        np.ones((len(y), 1)),
        family=sm.families.Binomial(),
        offset=offset,
        freq_weights=w,
    ).fit(tol=1e-12)
    model = fits["flic"]
    assert model.intercept_[0] == pytest.approx(ref.params[0], abs=1e-6)
    assert round(float(model.intercept_[0]), 2) == 0.13  # logistf's flic
    # the slopes are Firth's (logistf's published estimate)
    np.testing.assert_allclose(model.coef_.ravel(), BETA[1:], atol=1e-6)
    # logistf(flic = TRUE)'s var: (X'WX)^-1 at the corrected coefficients
    Xt = _design(X)
    p = expit(Xt @ _params(model))
    var = np.linalg.inv(Xt.T @ ((w * p * (1 - p))[:, None] * Xt))
    res = model.inference()
    np.testing.assert_allclose(res.bse, np.sqrt(np.diag(var)), rtol=1e-6)


def test_flac_matches_statsmodels_on_the_augmented_data_and_logistf(fits):
    params, bse = _statsmodels_flac()
    model = fits["flac"]
    np.testing.assert_allclose(_params(model), params, atol=2e-6)
    res = model.inference()
    np.testing.assert_allclose(res.bse, bse, rtol=1e-5)
    # logistf's flac on sex2, two decimals (easystats' published snapshot)
    assert list(np.round(_params(model), 2)) == LOGISTF_FLAC_COEF
    assert list(np.round(np.asarray(res.bse), 2)) == LOGISTF_FLAC_SE


@pytest.mark.parametrize("kind", ["flic", "flac"])
def test_mean_predicted_probability_is_the_event_rate(kind):
    # Puhr et al. (2017): the property both corrections exist for; Firth's own
    # fit misses it on rare events (its mean is pulled toward 1/2)
    rng = np.random.default_rng(3)
    n = 300
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < expit(-3.5 + X @ [1.0, -0.5, 0.25])).astype(float)
    w = rng.integers(1, 4, size=n).astype(float)
    rate = np.sum(w * y) / np.sum(w)
    firth = LogisticRegression(penalty="firth").fit(X, y, sample_weight=w)
    mean = np.sum(w * firth.predict_proba(X)[:, 1]) / np.sum(w)
    assert mean - rate > 1e-3  # Firth's bias toward 1/2 on rare events
    model = LogisticRegression(penalty="firth", firth_correction=kind)
    model.fit(X, y, sample_weight=w)
    mean = np.sum(w * model.predict_proba(X)[:, 1]) / np.sum(w)
    assert mean == pytest.approx(rate, abs=1e-9)


def test_flac_with_weights_is_flac_of_the_expanded_rows(fits):
    # frequency weights: the 36 distinct rows with counts are logistf's 239 rows
    X, y, w = _sex2()
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    model = LogisticRegression(penalty="firth", firth_correction="flac")
    model.fit(X.iloc[rows], y[rows])
    np.testing.assert_allclose(_params(model), _params(fits["flac"]), atol=1e-7)
    np.testing.assert_allclose(
        model.inference().bse, fits["flac"].inference().bse, rtol=1e-6
    )


@pytest.mark.parametrize("kind", ["flic", "flac"])
def test_grouped_counts_and_zero_weights_are_their_rows(kind):
    # successes out of trials are two weighted 0/1 rows a group; a row of
    # weight 0 is no row: the same corrected fit either way
    rng = np.random.default_rng(11)
    n = rng.integers(1, 6, size=30)
    X = rng.normal(size=(30, 2))
    s = rng.binomial(n, expit(X[:, 0] - 1.0))
    grouped = LogisticRegression(penalty="firth", firth_correction=kind)
    grouped.fit(X, s, trials=n)
    rows = LogisticRegression(penalty="firth", firth_correction=kind)
    X2, y2 = np.vstack([X, X]), np.r_[np.ones(30), np.zeros(30)]
    w2 = np.r_[s, n - s].astype(float)
    rows.fit(X2, y2, sample_weight=w2)
    np.testing.assert_allclose(_params(grouped), _params(rows), atol=1e-7)
    kept = w2 > 0
    dropped = LogisticRegression(penalty="firth", firth_correction=kind)
    dropped.fit(X2[kept], y2[kept], sample_weight=w2[kept])
    np.testing.assert_allclose(_params(dropped), _params(rows), atol=1e-8)


def test_flac_sparse_equals_dense_and_keeps_an_offset():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(120, 3)) * (rng.random((120, 3)) < 0.6)
    y = (rng.random(120) < expit(X @ [1.0, 0.5, -1.0] - 1.0)).astype(float)
    off = rng.normal(scale=0.3, size=120)
    dense = LogisticRegression(penalty="firth", firth_correction="flac")
    dense.fit(X, y, offset=off)
    sparse = LogisticRegression(penalty="firth", firth_correction="flac")
    sparse.fit(sp.csr_array(X), y, offset=off)
    np.testing.assert_allclose(_params(sparse), _params(dense), atol=1e-9)
    # statsmodels on the augmented data, hat values from a numpy Firth fit's
    firth = LogisticRegression(penalty="firth", tol=1e-12).fit(X, y, offset=off)
    Xt, beta = np.column_stack([np.ones(120), X]), _params(firth)
    p = expit(Xt @ beta + off)
    v = p * (1 - p)
    h = v * np.einsum("ij,jk,ik->i", Xt, np.linalg.inv(Xt.T @ (v[:, None] * Xt)), Xt)
    Xa = np.column_stack([np.vstack([Xt] * 3), np.r_[np.zeros(120), np.ones(240)]])
    ref = sm.GLM(
        np.r_[y, np.zeros(120), np.ones(120)],
        Xa,
        family=sm.families.Binomial(),
        offset=np.tile(off, 3),
        freq_weights=np.r_[np.ones(120), h / 2, h / 2],
    ).fit(tol=1e-12)
    np.testing.assert_allclose(_params(dense), ref.params[:-1], atol=1e-6)


def test_refusals_name_the_parameter():
    X, y, w = _sex2()
    with pytest.raises(InvalidParameterError, match="penalty='firth'"):
        LogisticRegression(firth_correction="flic").fit(X, y)
    with pytest.raises(InvalidParameterError, match="penalty='firth'"):
        LogisticRegression(penalty="l2", firth_correction="flac").fit(X, y)
    with pytest.raises(InvalidParameterError, match="fit_intercept=False"):
        LogisticRegression(
            penalty="firth", firth_correction="flic", fit_intercept=False
        ).fit(X, y)
    with pytest.raises(InvalidParameterError, match="firth_correction"):
        LogisticRegression(penalty="firth", firth_correction="FLIC").fit(X, y)
    y3 = np.arange(len(y)) % 3
    with pytest.raises(InvalidParameterError, match="penalty='firth'"):
        LogisticRegression(penalty="firth", firth_correction="flac").fit(X, y3)


def test_flac_refuses_an_augmented_copy_beyond_memory(monkeypatch):
    # the process's memory made 4 KiB: sex2's three copies (36 x 7 x 8 bytes
    # each) do not fit, Firth's 7 x 7 information does
    from logistic import _memory

    monkeypatch.setattr(_memory, "MEMORY_CHECK_MIN_BYTES", 0)
    monkeypatch.setattr(_memory, "process_memory", lambda: 4096)
    X, y, w = _sex2()
    model = LogisticRegression(penalty="firth", firth_correction="flac")
    with pytest.raises(InvalidParameterError, match="three times over.*'flic'"):
        model.fit(X, y, sample_weight=w)


def test_flac_without_intercept_is_flac_with_a_column_of_ones():
    rng = np.random.default_rng(8)
    X = np.column_stack([np.ones(80), rng.normal(size=80)])
    y = (rng.random(80) < expit(X @ [-1.0, 1.0])).astype(float)
    model = LogisticRegression(penalty="firth", firth_correction="flac")
    model.fit(X[:, 1:], y)
    free = LogisticRegression(
        penalty="firth", firth_correction="flac", fit_intercept=False
    ).fit(X, y)
    # the same model written with a column of ones: the same estimate
    assert free.coef_[0, 0] == pytest.approx(model.intercept_[0], abs=1e-7)
    assert free.coef_[0, 1] == pytest.approx(model.coef_[0, 0], abs=1e-7)


def test_summary_names_the_correction_and_is_wald_with_the_data(fits):
    X, y, w = _sex2()
    text = fits["flic"].summary().as_text()
    assert "FLIC intercept correction" in text.splitlines()[0]
    assert "Penalized LR chi2: n/a (FLIC)" in text
    assert "FLIC (Puhr et al. 2017)" in text and "Wald" in text
    # the training data add the rows' diagnostics, not logistf's penalized tests
    # (the estimate is not the penalized likelihood's maximum): the same table
    with_data = fits["flic"].summary(X, y, sample_weight=w).as_text()
    assert with_data == text
    res = fits["flac"].inference(X, y, sample_weight=w)
    np.testing.assert_allclose(res.bse, fits["flac"].inference().bse, rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="firth_correction='flac'"):
        res.pvalues_lr()
    with pytest.raises(InvalidParameterError, match="not the maximum"):
        res.conf_int(method="profile")
    text = fits["flac"].summary().as_text()
    assert "FLAC added-covariate correction" in text.splitlines()[0]
    assert "Penalized LL" not in text  # the augmented fit's information
    with pytest.raises(InvalidParameterError, match="augmented"):
        getattr(fits["flac"].inference(), "llf_penalized")  # noqa: B009
    # data that are not the training data: refused
    with pytest.raises(NotTrainingDataError, match="mean loss"):
        fits["flic"].inference(X, 1.0 - y, sample_weight=w)


def test_average_marginal_effects_use_the_kept_covariance(fits):
    # statsmodels' delta method for the average marginal effect of a column,
    # written here with numpy: d/dbeta of mean_i w_i p_i(1-p_i) beta_j
    X, y, w = _sex2()
    model = fits["flac"]
    res = model.inference(X, y, sample_weight=w)
    me = res.get_margeff()
    Xt, beta = _design(X), _params(model)
    cov = np.asarray(res.cov_params())

    def ame(b):
        p = expit(Xt @ b)
        return np.sum(w[:, None] * (p * (1 - p))[:, None] * b[1:], axis=0) / w.sum()

    eps = 1e-6
    jac = np.column_stack(
        [(ame(beta + eps * e) - ame(beta - eps * e)) / (2 * eps) for e in np.eye(7)]
    )
    np.testing.assert_allclose(np.asarray(me.margeff), ame(beta), rtol=1e-8)
    se = np.sqrt(np.diag(jac @ cov @ jac.T))
    np.testing.assert_allclose(np.asarray(me.margeff_se), se, rtol=1e-5)


def test_model_file_keeps_the_correction_as_format_1_4(fits, tmp_path):
    path = tmp_path / "flac.json"
    save(fits["flac"], path)
    doc = json.loads(path.read_text())
    assert doc["format_version"] == "1.4"
    assert doc["model"]["params"]["firth_correction"] == "flac"
    loaded = load(path)
    assert loaded.firth_correction == "flac"
    np.testing.assert_allclose(
        loaded.inference().bse, fits["flac"].inference().bse, rtol=1e-9
    )
    assert "FLAC added-covariate" in loaded.summary().as_text()
    # an uncorrected Firth fit stays 1.1
    X, y, w = _sex2()
    save(LogisticRegression(penalty="firth").fit(X, y), tmp_path / "f.json")
    assert json.loads((tmp_path / "f.json").read_text())["format_version"] == "1.1"


def test_a_file_claiming_an_older_format_with_a_correction_is_refused(fits, tmp_path):
    from logistic.io._schema import _canonical

    path = tmp_path / "flic.json"
    save(fits["flic"], path)
    doc = json.loads(path.read_text())
    doc["format_version"] = "1.3"
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelFormatError, match="firth_correction"):
            load(path)


@pytest.mark.parametrize(
    "edit, match",
    [
        ({"penalty": None}, r"needs Firth, but 'model.params.penalty' is None"),
        (
            {"fit_intercept": False},
            r"intercept, but 'model.params.fit_intercept' is false",
        ),
    ],
)
def test_a_file_whose_params_exclude_the_correction_is_refused(
    fits, tmp_path, edit, match
):
    # a correction the estimator refuses to fit (FLIC or FLAC without Firth's
    # penalty, FLIC without an intercept) must not load as a fitted model
    from logistic.io._schema import _canonical

    path = tmp_path / "flic.json"
    save(fits["flic"], path)
    doc = json.loads(path.read_text())
    doc["model"]["params"].update(edit)
    doc.pop("covariance", None)  # the covariance's size would tell first
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelFormatError, match="firth_correction.*" + match):
            load(path)


def test_cli_fit_and_summary(fits, tmp_path, capsys):
    X, y, w = _sex2()
    frame = X.assign(case=y, n=w)
    frame.to_csv(tmp_path / "sex2.csv", index=False)
    model = tmp_path / "m.json"
    argv = ["fit", tmp_path / "sex2.csv", "-t", "case", "--weights", "n"]
    argv += ["--penalty", "firth", "--firth-correction", "flic", "-o", model]
    code, out, err = run_cli(capsys, [*argv, "--json"])
    assert code == EX_OK, err
    assert json.loads(out)["intercept"] == pytest.approx(
        fits["flic"].intercept_[0], abs=1e-9
    )
    code, out, err = run_cli(capsys, ["summary", model])
    assert code == EX_OK, err
    assert "penalty firth (Firth's bias-reduced likelihood, FLIC correction)" in out
    assert "FLIC (Puhr et al. 2017)" in out
    code, out, err = run_cli(capsys, ["summary", model, tmp_path / "sex2.csv"])
    assert code == EX_OK, err
    assert "FLIC (Puhr et al. 2017)" in out and "P>chi2" not in out
    argv = ["summary", model, tmp_path / "sex2.csv", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == EX_OK, err
    block = json.loads(out)["inference"]
    assert block["firth_correction"] == "flic" and block["tests"] == "wald"
    assert block["statistics"]["llr_penalized"] is None
    argv = ["fit", tmp_path / "sex2.csv", "-t", "case", "--firth-correction", "flac"]
    code, out, err = run_cli(capsys, [*argv, "-o", tmp_path / "x.json"])
    assert code != EX_OK and "--firth-correction flac" in err and "--penalty" in err


def test_logistf_prints_the_augmented_datas_standard_errors():
    # docs/inference.md: logistf (1.26's C fitter) reports var = (X' diag((s + h) p (1 - p))
    # X)^-1, the augmented data's inverse information, not I^-1. Its published
    # sex2 summary (the `summaries` package's logistf example, se(coef)):
    logistf_se = [0.4763429, 0.4149021, 0.4344026, 0.5384872, 0.5320395,
                  0.4089620, 1.5052197]  # fmt: skip
    X, y, w = _sex2()
    model = LogisticRegression(penalty="firth").fit(X, y, sample_weight=w)
    Xt, beta = _design(X), _params(model)
    p = expit(Xt @ beta)
    v = w * p * (1 - p)
    A = np.linalg.inv(Xt.T @ (v[:, None] * Xt))
    h = v * np.einsum("ij,jk,ik->i", Xt, A, Xt)
    augmented = np.linalg.inv(Xt.T @ (((w + h) * p * (1 - p))[:, None] * Xt))
    np.testing.assert_allclose(np.sqrt(np.diag(augmented)), logistf_se, rtol=1e-5)
    # this library's are Heinze & Schemper's I^-1 at the same estimate
    np.testing.assert_allclose(model.inference().bse, np.sqrt(np.diag(A)), rtol=1e-8)


@pytest.mark.parametrize(
    "kind, said", [("flic", "at FLIC's estimate"), ("flac", "FLAC's augmented fit")]
)
def test_robust_covariance_refusal_names_the_corrected_fits_covariance(
    fits, kind, said
):
    X, y, w = _sex2()
    with pytest.raises(InvalidParameterError, match=f"nonrobust' only.*{said}"):
        fits[kind].inference(X, y, sample_weight=w, cov_type="HC0")


def test_cli_flic_with_a_formula_without_intercept_says_so(tmp_path, capsys):
    # the command line has no fit_intercept: a formula's "- 1" drops it
    X, y, w = _sex2()
    X.assign(case=y, n=w).to_csv(tmp_path / "sex2.csv", index=False)
    argv = ["fit", tmp_path / "sex2.csv", "--formula", "case ~ age + oc - 1"]
    argv += ["--weights", "n", "--penalty", "firth", "--firth-correction", "flic"]
    code, _, err = run_cli(capsys, [*argv, "-o", tmp_path / "m.json"])
    said = " ".join(err.split())
    assert code == 2 and "fit_intercept" not in said
    assert "the formula's '- 1' or '+ 0'" in said and "--firth-correction flac" in said


@pytest.mark.parametrize("kind", ["flic", "flac"])
def test_a_corrected_fit_keeps_its_statistics_past_the_parameter_limit(
    kind, monkeypatch
):
    # fits of more than MAX_STORED_PARAMS parameters keep no statistics, and
    # inference recomputes them from the data; a corrected fit's covariance
    # (FLAC's augmented fit's) cannot be recomputed so: it is kept whatever the
    # size (here the limit made 3 for sex2's 7 parameters)
    from logistic.inference import _stored

    monkeypatch.setattr(_stored, "MAX_STORED_PARAMS", 3)
    X, y, w = _sex2()
    model = LogisticRegression(penalty="firth", firth_correction=kind)
    model.fit(X, y, sample_weight=w)
    assert LogisticRegression(penalty="firth").fit(X, y).fit_statistics_ is None
    if kind == "flac":
        expected = _statsmodels_flac()[1]
    else:  # logistf(flic = TRUE)'s var, (X'WX)^-1 at the corrected coefficients
        Xt = _design(X)
        p = expit(Xt @ _params(model))
        expected = np.sqrt(
            np.diag(np.linalg.inv(Xt.T @ ((w * p * (1 - p))[:, None] * Xt)))
        )
    np.testing.assert_allclose(model.inference().bse, expected, rtol=1e-5)
    with_data = model.inference(X, y, sample_weight=w)
    np.testing.assert_allclose(with_data.bse, expected, rtol=1e-5)


@pytest.mark.parametrize("edit", [{}, {"firth_correction": "flac"}])
def test_a_k_class_file_claiming_firth_is_refused(tmp_path, edit):
    # Firth's fit (and so FLIC and FLAC) is binary only: a K-class file saying
    # penalty='firth' holds no fit of its settings, and loaded it showed a
    # maximum-likelihood table under the name of Firth's method
    from logistic.io._schema import _canonical

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(90, 2)), np.arange(90) % 3
    path = tmp_path / "k.json"
    save(LogisticRegression(penalty=None).fit(X, y), path)
    doc = json.loads(path.read_text())
    doc["model"]["params"].update(penalty="firth", **edit)
    doc["format_version"] = "1.4"
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(
            ModelFormatError, match=r"'model.params.penalty'.*3 classes"
        ):
            load(path)



@pytest.mark.filterwarnings("ignore:60 rows have non-integer sample weights")
@pytest.mark.parametrize("shift", [-1e9, 1e10])
def test_flac_with_a_column_far_from_0_keeps_statsmodels_slopes(shift):
    # before: the fit inverted FLAC's covariance in the user's coordinates
    # (condition ~ (mean/spread)², 1e17 and more): numpy's LinAlgError
    # "Singular matrix" at -1e9. Reference: statsmodels' GLM on the augmented
    # rows of the unshifted columns (as _statsmodels_flac, the hat values at
    # scipy's root of the modified score); a shift of a column moves only
    # the intercept (the hat values are invariant under it), so the slopes
    # and their standard errors are the unshifted ones.
    from test_firth_centred import _data, _modified_score_root

    _, y, w, offset, raw = _data(0.0, seed=5)
    beta = _modified_score_root(raw, y, w, offset)  # intercept first
    Xt = np.column_stack([np.ones(len(y)), raw])
    p = expit(Xt @ beta + offset)
    v = w * p * (1 - p)
    h = v * np.einsum("ij,jk,ik->i", Xt, np.linalg.inv(Xt.T @ (v[:, None] * Xt)), Xt)
    n = len(y)
    Xa = np.column_stack([np.vstack([Xt] * 3), np.r_[np.zeros(n), np.ones(2 * n)]])
    ref = sm.GLM(
        np.r_[y, np.zeros(n), np.ones(n)],
        Xa,
        family=sm.families.Binomial(),
        offset=np.r_[offset, offset, offset],
        freq_weights=np.r_[w, h / 2, h / 2],
    ).fit(tol=1e-13)
    X = raw + [shift, 0.0]
    model = LogisticRegression(penalty="firth", firth_correction="flac").fit(
        X, y, sample_weight=w, offset=offset
    )
    np.testing.assert_allclose(model.coef_.ravel(), ref.params[1:3], rtol=1e-6)
    res = model.inference(X, y, sample_weight=w, offset=offset)
    np.testing.assert_allclose(np.asarray(res.bse)[1:], ref.bse[1:3], rtol=1e-6)
