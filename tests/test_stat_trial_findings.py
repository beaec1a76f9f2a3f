"""Findings of a statistician's trial of the summaries (smaller ones; the
larger have files of their own: test_training_totals, test_firth's nested
LR tests, test_wald_terms_grouping, test_sampling_weight_measures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import log_expit

from conftest import data_path
from logistic import LogisticRegression


def test_the_null_model_note_names_the_offset_it_uses():
    """A model without intercept but with an offset: LL-null is R's null
    model η = offset, ``Σ log σ(±offset)`` (numpy here), and the note says
    so (it said η = 0, every probability 1/2)."""
    frame = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X, y = frame[["gre", "gpa"]], frame["admit"].to_numpy()
    offset = np.random.default_rng(0).normal(0.0, 0.3, len(y))
    model = LogisticRegression(fit_intercept=False).fit(X, y, offset=offset)
    res = model.inference(X, y, offset=offset)
    llnull = np.sum(np.where(y == 1, log_expit(offset), log_expit(-offset)))
    assert res.llnull == pytest.approx(llnull, rel=1e-12)
    text = str(res.summary())
    assert "null model: η = offset, no intercept" in text
    assert "every probability 1/2" not in text


def test_sum_coding_is_refused_naming_the_coding_that_works(workdir, capsys):
    from conftest import run_cli

    argv = ["fit", data_path("ucla-admissions", "binary.csv"), "--formula",
            "admit ~ gre + C(rank, Sum)", "-o", "m.json"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "")  # the formula's grammar: a bad option value
    assert "C(column, Treatment(reference=LEVEL))" in err
    argv[3] = "admit ~ gre + C(rank, Treatment(reference=3))"  # what it names works
    assert run_cli(capsys, argv)[0] == 0


def test_inference_from_a_file_path_as_fit_takes_it():
    """``fit(path, label)`` works, and so does ``inference(path, label)`` (it
    read the path as an array of text). Reference: statsmodels' Logit HC0 on
    the same columns."""
    import statsmodels.api as sm

    path = data_path("ucla-admissions", "binary.csv")
    model = LogisticRegression().fit(path, "admit")
    res = model.inference(path, "admit", cov_type="HC0")
    frame = pd.read_csv(path)
    exog = sm.add_constant(frame[["gre", "gpa", "rank"]])
    ref = sm.Logit(frame["admit"], exog).fit(disp=0, cov_type="HC0")
    np.testing.assert_allclose(np.asarray(res.bse), np.asarray(ref.bse), rtol=1e-6)
