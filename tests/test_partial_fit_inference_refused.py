"""Inference of a ``partial_fit`` stream is refused saying why, from the
session and from its model file.

A stream of mini-batch SGD steps has no stopping rule (``tol_`` NaN, saved
as null): its coefficients are not the maximum-likelihood estimate, and its
gradient on its own rows is not zero, so the check that data given for
inference are the training rows (their gradient within ``10·max(tol_, ...)``)
has no bound to apply: the refusal names the stream, not the data, and the
loaded model's null ``tol_`` is read as no bound. It is refused before any
warning (a warning that its estimates are approximate would say otherwise).
The reference for "not the MLE": statsmodels ``Logit`` on the same rows, whose
estimate the stream's coefficients are far from.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

import logistic
from logistic import InvalidParameterError, LogisticRegression
from test_inference import spector

REFUSAL = "fitted by partial_fit, a stream of mini-batch SGD steps with no stopping rule"


@pytest.fixture(scope="module")
def stream():
    X, y = spector()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().partial_fit(X, y, classes=[0, 1])
    return model, X, y


def test_the_stream_is_not_the_mle_and_its_inference_says_so(stream, tmp_path):
    model, X, y = stream
    mle = sm.Logit(y.to_numpy(float), sm.add_constant(X.to_numpy())).fit(disp=0)
    assert np.max(np.abs(model.coef_.ravel() - mle.params[1:]) / mle.bse[1:]) > 0.1
    path = tmp_path / "stream.json"
    logistic.save(model, path)
    loaded = logistic.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused before any warning
        for fitted in (model, loaded):
            for args, kw in (((X, y), {}), ((), {}), ((), {"cov_type": "HC0"})):
                with pytest.raises(InvalidParameterError, match=REFUSAL):
                    fitted.inference(*args, **kw)
            with pytest.raises(InvalidParameterError, match=REFUSAL):
                fitted.summary(X, y)


def test_an_sgd_fit_with_a_tolerance_keeps_its_approximate_inference(stream):
    _, X, y = stream
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(solver="sgd", random_state=0).fit(X, y)
    with pytest.warns(logistic.ConvergenceWarning, match="approximation"):
        res = model.inference(X, y)
    assert np.all(np.isfinite(np.asarray(res.bse)))


def test_a_k_class_stream_is_refused_alike():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(300, 2)), rng.integers(0, 3, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().partial_fit(X, y, classes=[0, 1, 2])
        for args in ((X, y), ()):
            with pytest.raises(InvalidParameterError, match=REFUSAL):
                model.inference(*args)


def test_the_command_line_summary_says_why_a_stream_has_no_errors(stream, tmp_path, capsys):
    from conftest import run_cli

    model, _, _ = stream
    path = tmp_path / "stream.json"
    logistic.save(model, path)
    code, out, err = run_cli(capsys, ["summary", path])
    assert code == 0, err
    assert "Note: no standard errors: inference needs a fit that stops" in out
    assert REFUSAL in out
