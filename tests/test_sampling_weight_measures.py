"""Under sampling weights the Hosmer–Lemeshow test and the influence
measures, which count the weights as frequencies, are refused (as
``logistic report`` and ``evaluate`` leave them out): the statistic grew
with the weights' scale (13.3 with the weights as given, 133.2 with them
times 10, same model and rows)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import InvalidParameterError, LogisticRegression
from logistic.inference import hosmer_lemeshow

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture(scope="module")
def data():
    frame = pd.read_csv(UCLA)
    w = np.random.default_rng(0).uniform(1.0, 4.0, len(frame))
    return frame[["gre", "gpa"]], frame["admit"].to_numpy(), w


def _inference(data, kind):
    X, y, w = data
    model = LogisticRegression(penalty=None).fit(X, y, sample_weight=w)
    with warnings.catch_warnings():  # non-integer frequency weights warn
        warnings.simplefilter("ignore", UserWarning)
        return model.inference(X, y, w, sample_weight_kind=kind)


@pytest.mark.parametrize(
    ("method", "words"),
    [("hosmer_lemeshow", "statistic grows"), ("get_influence", "var_weights")],
)
def test_frequency_measures_are_refused_under_sampling_weights(data, method, words):
    res = _inference(data, "sampling")
    with pytest.raises(InvalidParameterError, match="not computed under sampling"):
        getattr(res, method)()
    with pytest.raises(InvalidParameterError, match=words):
        getattr(res, method)()


def test_frequency_weights_keep_the_test(data):
    """Control: with frequency weights the test is the function's on the
    fitted probabilities (independent of the results object)."""
    X, y, w = data
    res = _inference(data, "frequency")
    model = LogisticRegression(penalty=None).fit(X, y, sample_weight=w)
    direct = hosmer_lemeshow(y, model.predict_proba(X)[:, 1], w)
    assert res.hosmer_lemeshow().statistic == pytest.approx(direct.statistic, rel=1e-9)
    assert res.get_influence().hat_matrix_diag.shape == (len(y),)


def test_likelihood_ratio_p_values_under_a_robust_covariance_warn(data):
    """``pvalues_lr()`` and profile intervals read the likelihood (the
    model-based variance), as ``lr_test`` does, which already warned under a
    robust covariance; they warn the same way, at the caller's line."""
    X, y, _ = data
    res = LogisticRegression(penalty=None).fit(X, y).inference(X, y, cov_type="HC1")
    with pytest.warns(UserWarning, match=r"pvalues_lr\(\) "
                      "after cov_type='HC1'") as caught:  # fmt: skip
        res.pvalues_lr()
    assert caught[0].filename == __file__
    plain = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # control: model-based results do not warn
        plain.pvalues_lr()
