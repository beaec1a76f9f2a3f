"""A summary under a robust covariance says that its LR test is not robust,
and gives the Wald test of every slope on that covariance.

The header's ``LR chi2`` is the likelihood's whatever ``cov_type`` is (as
statsmodels prints it); ``lr_test`` warns after a robust ``cov_type`` and
Stata's ``logit, vce(robust)`` header reports the Wald chi2 of the slopes
instead. The summary printed the LR test alone, as under ``nonrobust``. The
reference for the Wald statistic: statsmodels ``Logit(...).fit(cov_type=
"HC0").wald_test`` of the slopes on the MASS birthwt data; Stata's
``vce(robust)`` covariance is ``n/(n-1)`` times HC0 ([R] vce_option), so its
statistic is the HC0 one times ``(n-1)/n`` (the recipe ``cov_type="cluster"``
with every row its own group, docs/inference.md).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path
from logistic import LogisticRegression, NumericalStabilityWarning

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
FEATURES = ["age", "lwt", "smoke", "ht", "ui"]


@pytest.fixture(scope="module")
def fitted():
    frame = pd.read_csv(LBW)
    X, y = frame[FEATURES].astype(float), frame["low"]
    return LogisticRegression().fit(X, y), X, y


def _wald_note(summary):
    notes = [n for n in summary.notes if n.startswith("LR chi2 and its p-value")]
    assert len(notes) == 1, summary.notes
    found = re.search(r"chi2\((\d+)\) = ([0-9.]+)", notes[0])
    assert found, notes[0]
    return int(found.group(1)), float(found.group(2))


def _statsmodels_hc0(X, y):
    sm = pytest.importorskip("statsmodels.api")
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, cov_type="HC0")
    R = np.eye(len(ref.params))[1:]
    return float(np.squeeze(ref.wald_test(R, scalar=True).statistic))


def test_hc0_summary_gives_the_robust_wald_test(fitted):
    model, X, y = fitted
    df, stat = _wald_note(model.inference(X, y, cov_type="HC0").summary())
    assert df == len(FEATURES)
    assert stat == pytest.approx(_statsmodels_hc0(X, y), abs=0.006)  # 2 decimals


def test_stata_robust_recipe_gives_stata_wald_chi2(fitted):
    model, X, y = fitted
    n = len(y)
    res = model.inference(X, y, cov_type="cluster", groups=np.arange(n))
    _, stat = _wald_note(res.summary())
    assert stat == pytest.approx(_statsmodels_hc0(X, y) * (n - 1) / n, abs=0.006)


def test_nonrobust_summary_has_no_such_note(fitted):
    model, X, y = fitted
    notes = model.inference(X, y).summary().notes
    assert not any(n.startswith("LR chi2 and its p-value") for n in notes)


def test_the_note_leaves_the_process_warning_filters_alone(fitted, monkeypatch):
    """``warnings.catch_warnings`` is process-wide, not per thread: the note's
    ``simplefilter("error")`` turned every other thread's warnings into
    exceptions while a summary was being built (a fit's ConvergenceWarning
    raised in a web service's other request), and two summaries built at
    once could leave the "error" filter installed for good. The filters
    seen while the note's test runs are those of the caller."""
    model, X, y = fitted
    seen = []
    eigh = np.linalg.eigh

    def recording(a, *args, **kwargs):
        seen.append(list(warnings.filters))
        return eigh(a, *args, **kwargs)

    monkeypatch.setattr(np.linalg, "eigh", recording)
    before = list(warnings.filters)
    _wald_note(model.inference(X, y, cov_type="HC0").summary())
    assert seen, "the note's Wald test did not run"
    assert all(filters == before for filters in seen)


def test_rank_deficient_robust_covariance_gives_the_note_without_a_test(fitted):
    """Two clusters: the cluster covariance has rank at most 1 < 5 slopes, so
    the note gives no Wald test, and says nothing on the way."""
    model, X, y = fitted
    groups = np.arange(len(y)) % 2
    res = model.inference(X, y, cov_type="cluster", groups=groups)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalStabilityWarning)
        notes = res.summary().notes
    note = [n for n in notes if n.startswith("LR chi2 and its p-value")]
    assert note == [
        "LR chi2 and its p-value are likelihood-based and do not use the "
        "cluster covariance."
    ]


def _sampling_note(summary):
    notes = [n for n in summary.notes if n.startswith("Sampling weights:")]
    assert len(notes) == 1, summary.notes
    return notes[0]


def test_sampling_weights_summary_gives_the_wald_chi2_of_statas_header(fitted):
    """Under sampling weights the header's likelihood statistics are n/a and
    Stata's ``logit [pw=]`` header reports the Wald chi2 of every slope on the
    robust covariance instead; the summary gave no overall test at all (only
    "res.wald_test() tests coefficients jointly"), although docs/inference.md
    says a summary under any robust covariance gives it. Reference:
    statsmodels ``GLM(var_weights=w).fit(cov_type="HC0").wald_test`` of the
    slopes (docs/inference.md: our sampling HC0 is that covariance)."""
    sm = pytest.importorskip("statsmodels.api")
    model, X, y = fitted
    w = np.random.default_rng(7).uniform(0.5, 40.0, size=len(y))
    model = LogisticRegression().fit(X, y, sample_weight=w)
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    found = re.search(r"chi2\((\d+)\) = ([0-9.]+)", _sampling_note(res.summary()))
    assert found
    ref = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=w
    ).fit(cov_type="HC0")
    R = np.eye(len(ref.params))[1:]
    expected = float(np.squeeze(ref.wald_test(R, scalar=True).statistic))
    assert int(found.group(1)) == len(FEATURES)
    assert float(found.group(2)) == pytest.approx(expected, abs=0.006)


def test_sampling_weights_few_clusters_summary_gives_no_wald_chi2(fitted):
    """Two clusters for five slopes: the covariance is singular on them, so no
    overall test, and the note points at wald_test as before."""
    model, X, y = fitted
    w = np.random.default_rng(7).uniform(0.5, 40.0, size=len(y))
    model = LogisticRegression().fit(X, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalStabilityWarning)
        res = model.inference(
            X,
            y,
            w,
            sample_weight_kind="sampling",
            cov_type="cluster",
            groups=np.arange(len(y)) % 2,
        )
        note = _sampling_note(res.summary())
    assert "chi2(" not in note
    assert note.endswith("res.wald_test() tests coefficients jointly.")
