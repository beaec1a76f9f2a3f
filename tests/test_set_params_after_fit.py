"""``set_params`` after ``fit``: the fitted model stays the fit it was.

scikit-learn's convention: the constructor parameters are what the NEXT fit
uses; what a fit used is a fitted attribute (``fitted_params_``,
:mod:`logistic._fitted_params`). A model file, inference and summaries
describe the fit, whatever ``set_params`` changed since; a refit uses the new
parameters.

References (outside the code under test):

* statsmodels ``Logit`` on the Spector and Mazzeo data (``params``, ``bse``,
  ``predict``), and statsmodels ``GLM(Binomial, freq_weights=...)`` for a fit
  with class weights (inference takes the combined weights as frequency
  weights, as documented in docs/inference.md).
* R logistf on the endometrial data (Heinze & Schemper 2002), published
  estimates ``ENDO_COEF`` of tests/test_firth.py; its Wald standard errors
  ``sqrt(diag (X'WX)^-1)`` at those published estimates, computed here with
  numpy.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import expit

from logistic import InvalidParameterError, LogisticRegression, load, save
from test_firth import ENDO_COEF, endometrial
from test_inference import spector, ucla


def _logit(X, y, intercept=True):
    """statsmodels' maximum-likelihood fit (intercept first, as ours prints)."""
    exog = sm.add_constant(np.asarray(X, float)) if intercept else np.asarray(X, float)
    return sm.Logit(np.asarray(y, float), exog).fit(disp=0, method="newton", tol=1e-12)


def _endometrial_wald_se():
    """logistf's Wald standard errors at its published endometrial estimate
    (intercept first): ``sqrt(diag (X'WX)^-1)``, numpy only."""
    X, _ = endometrial()
    Xt = np.column_stack([np.ones(len(X)), X])
    p = expit(Xt @ np.asarray(ENDO_COEF))
    return np.sqrt(np.diag(np.linalg.inv(Xt.T @ (Xt * (p * (1 - p))[:, None]))))


def _firth_theta(model):
    """Intercept first, as logistf prints."""
    return np.r_[model.intercept_, model.coef_.ravel()]


def test_firth_fit_then_flic_set_saves_and_reports_firths_fit(tmp_path):
    X, y = endometrial()
    model = LogisticRegression(penalty="firth").fit(X, y)
    model.set_params(firth_correction="flic")  # for the next fit only
    path = save(model, tmp_path / "m.json")
    loaded = load(path)
    # the file is Firth's fit, not a FLIC fit holding Firth's numbers
    assert loaded.penalty == "firth" and loaded.firth_correction is None
    np.testing.assert_allclose(_firth_theta(loaded), ENDO_COEF, rtol=1e-6)
    for fitted in (model, loaded):
        res = fitted.inference()
        assert res.method == "Firth" and res.firth_correction is None
        np.testing.assert_allclose(res.bse, _endometrial_wald_se(), rtol=1e-5)
        assert "FLIC" not in fitted.summary().as_text()
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_firth_fit_then_l2_set_saves_a_file_that_loads(tmp_path):
    X, y = endometrial()
    model = LogisticRegression(penalty="firth").fit(X, y)
    model.set_params(penalty="l2")
    loaded = load(save(model, tmp_path / "m.json"))  # refused before: strengths
    assert loaded.penalty == "firth"
    np.testing.assert_allclose(_firth_theta(loaded), ENDO_COEF, rtol=1e-6)
    np.testing.assert_allclose(loaded.inference().bse, _endometrial_wald_se(), rtol=1e-5)
    # inference on the data is Firth's, as fitted (not an MLE table, not refused)
    res = model.inference(X, y)
    assert res.method == "Firth"
    np.testing.assert_allclose(res.bse, _endometrial_wald_se(), rtol=1e-5)


def test_intercept_fit_then_no_intercept_set_saves_and_infers_the_fit(tmp_path):
    X, y = spector()
    ref = _logit(X, y)
    model = LogisticRegression().fit(X, y)
    model.set_params(fit_intercept=False)
    loaded = load(save(model, tmp_path / "m.json"))  # refused before: names
    assert loaded.fit_intercept is True
    for res in (loaded.inference(), model.inference(X, y), loaded.inference(X, y)):
        assert res.term_names[0] == "Intercept"
        np.testing.assert_allclose(res.params, ref.params, rtol=1e-6)
        np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(loaded.predict_proba(X)[:, 1], ref.predict(), rtol=1e-7)
    pred = model.predict_interval(X)  # the intercept's row of the covariance
    exog = sm.add_constant(X.to_numpy())
    se_ref = np.sqrt(np.einsum("ij,jk,ik->i", exog, ref.cov_params(), exog))
    np.testing.assert_allclose(pred["linpred_se"], se_ref, rtol=1e-6)


def test_class_weight_unset_after_fit_infers_with_the_fits_weights():
    X, y = spector()
    weights = {0: 1.0, 1: 3.0}
    model = LogisticRegression(class_weight=weights).fit(X, y)
    model.set_params(class_weight=None)
    freq = np.where(np.asarray(y) == 1, 3.0, 1.0)
    ref = sm.GLM(
        np.asarray(y, float), sm.add_constant(X.to_numpy()),
        family=sm.families.Binomial(), freq_weights=freq,
    ).fit(tol=1e-12)  # fmt: skip
    with pytest.warns(UserWarning, match="fitted with class_weight"):
        res = model.inference(X, y)  # the fit's weights: its training data
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-6)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-6)


def test_class_weight_dict_changed_after_fit_is_not_what_is_saved(tmp_path):
    X, y = spector()
    weights = {0: 1.0, 1: 3.0}
    model = LogisticRegression(class_weight=weights).fit(X, y)
    weights[1] = 10.0  # the caller's dict, changed in place after the fit
    loaded = load(save(model, tmp_path / "m.json"))
    assert loaded.class_weight == {0: 1.0, 1: 3.0}


def test_penalized_fit_set_to_none_is_still_refused_naming_its_penalty():
    X, y = spector()
    model = LogisticRegression(penalty="l2", C=0.5).fit(X, y)
    model.set_params(penalty=None, C=None)
    with pytest.raises(InvalidParameterError, match="penalty='l2'"):
        model.inference(X, y)
    with pytest.raises(InvalidParameterError, match="penalty='l2'"):
        model.summary()


def test_a_refit_uses_the_new_parameters_and_saves_them(tmp_path):
    X, y = spector()
    model = LogisticRegression().fit(X, y)
    model.set_params(fit_intercept=False).fit(X, y)
    assert model.fitted_params_["fit_intercept"] is False
    ref = _logit(X, y, intercept=False)
    loaded = load(save(model, tmp_path / "m.json"))
    assert loaded.fit_intercept is False
    np.testing.assert_allclose(loaded.coef_.ravel(), ref.params, rtol=1e-6)
    np.testing.assert_allclose(loaded.inference().bse, ref.bse, rtol=1e-6)


def test_save_bytes_do_not_change_with_set_params(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    X, y = spector()
    model = LogisticRegression().fit(X, y)
    before = save(model, tmp_path / "before.json").read_bytes()
    model.set_params(penalty="l1", C=0.1, fit_intercept=False, class_weight="balanced")
    assert save(model, tmp_path / "after.json").read_bytes() == before
    # a model read back, its parameters changed, writes the file it was read from
    loaded = load(tmp_path / "before.json").set_params(penalty="elasticnet")
    assert save(loaded, tmp_path / "again.json").read_bytes() == before


def test_partial_fit_records_what_the_call_used(tmp_path):
    X, y = ucla()  # 400 rows: enough for the stream's first chunk
    model = LogisticRegression(penalty="l2", alpha=0.01, random_state=0)
    model.partial_fit(X, y, classes=[0, 1])
    model.set_params(alpha=0.5)
    assert model.fitted_params_["alpha"] == 0.01
    assert load(save(model, tmp_path / "m.json")).alpha == 0.01


def test_the_record_survives_a_pickle_and_a_model_without_it_reads_its_params(
    tmp_path,
):
    X, y = spector()
    model = LogisticRegression().fit(X, y).set_params(fit_intercept=False)
    copy = pickle.loads(pickle.dumps(model))
    assert copy.fitted_params_["fit_intercept"] is True and copy.fit_intercept is False
    # a model pickled by a build before the record: its parameters are the fit's
    del copy.fitted_params_
    copy.set_params(fit_intercept=True)
    assert load(save(copy, tmp_path / "m.json")).fit_intercept is True


def test_a_separated_fit_keeps_its_caveats_after_set_params():
    """A completely separated maximum-likelihood fit (x < 2.5 ⇒ class 0:
    Albert & Anderson's definition, checkable by hand) keeps 'no finite MLE'
    after set_params(penalty='l2'): the report and summary describe the fit
    that was made, not the next one."""
    from logistic._separation_kinds import mle_does_not_exist
    from logistic.report._diagnostics import _separated_caveat

    X = np.arange(6.0).reshape(-1, 1)
    y = np.array([0, 0, 0, 1, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression().fit(X, y)
    assert m.separation_ == "complete"
    caveat = _separated_caveat(m)
    assert caveat and mle_does_not_exist(m)
    m.set_params(penalty="l2")
    assert mle_does_not_exist(m)
    assert _separated_caveat(m) == caveat
