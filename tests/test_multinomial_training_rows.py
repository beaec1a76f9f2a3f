"""A K-class model's inference refuses data whose rows of positive weight are
not the fit's, as the two-class path does: the weight sum alone cannot tell
a fit on weights [0, 2, 0, 2, …] from the same rows given with weight 1 each
(both sum to n; with each row written twice the gradient is zero on both),
though the second has twice the rows and standard errors smaller by √2. The
count of positive-weight rows (``fit_statistics.rows``) is checked where the
fit or its file keeps it; files written before it keep the weight-sum check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from conftest import data_path, rewrite_model_file, run_cli
from logistic import DataValidationError, LogisticRegression, ModelFormatError

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture(scope="module")
def pairs():
    """UCLA's 400 rows each written twice (rank, four classes, on gre and
    gpa), with weights 0 and 2 on each pair: 400 rows of positive weight,
    total weight 800."""
    frame = pd.read_csv(UCLA)
    twice = frame.loc[frame.index.repeat(2)].reset_index(drop=True)
    w = np.tile([0.0, 2.0], len(frame))
    return frame, twice[["gre", "gpa"]], twice["rank"].to_numpy(), w


@pytest.fixture(scope="module")
def weighted(pairs):
    _, X, y, w = pairs
    return LogisticRegression(penalty=None).fit(X, y, sample_weight=w)


def _reference_bse(frame):
    # statsmodels MNLogit on the 400 rows each repeated twice (frequency
    # weight 2, as GLM's freq_weights): the fit's own standard errors
    rows = pd.concat([frame, frame])
    exog = sm.add_constant(rows[["gre", "gpa"]])
    res = sm.MNLogit(rows["rank"].to_numpy(), exog).fit(disp=0, method="newton")
    return np.asarray(res.bse)  # (3 features, K-1 = 3 equations)


def test_unit_weights_on_the_doubled_rows_are_refused(pairs, weighted):
    _, X, y, _ = pairs
    with pytest.raises(
        DataValidationError,
        match="total weight 800 over 800 rows, the fit's 800 over 400 rows",
    ):
        weighted.inference(X, y, np.ones(len(y)))


def test_the_same_weights_pass_with_mnlogits_standard_errors(pairs, weighted):
    frame, X, y, w = pairs
    res = weighted.inference(X, y, w)
    assert res.nobs == 800
    bse = np.asarray(res.bse)  # rows: equations 2, 3, 4 against rank 1
    ref = _reference_bse(frame)  # rows: const, gre, gpa; columns: equations
    np.testing.assert_allclose(bse[:, -1], ref[0], rtol=1e-5)  # intercepts
    np.testing.assert_allclose(bse[:, :2], ref[1:].T, rtol=1e-5)


def test_a_loaded_model_checks_the_rows_of_its_file(pairs, weighted, tmp_path):
    _, X, y, w = pairs
    logistic.save(weighted, tmp_path / "m.json")
    loaded = logistic.load(tmp_path / "m.json")
    with pytest.raises(DataValidationError, match="the fit's 800 over 400 rows"):
        loaded.inference(X, y, np.ones(len(y)))
    loaded.inference(X, y, w)  # control: the training data pass


def test_a_file_without_rows_keeps_the_weight_sum_check(pairs, weighted, tmp_path):
    """Files written before ``fit_statistics.rows`` cannot tell the two apart:
    the unit weights (sum 800) pass, weights summing to 1600 do not."""
    _, X, y, w = pairs
    logistic.save(weighted, tmp_path / "m.json")
    popped = []
    rewrite_model_file(
        tmp_path / "m.json",
        lambda doc: popped.append(doc["training"]["fit_statistics"].pop("rows")),
    )
    assert popped == [400]
    old = logistic.load(tmp_path / "m.json")
    assert old.inference(X, y, np.ones(len(y))).nobs == 800
    with pytest.raises(
        DataValidationError, match=r"total weight 1600 over 800 rows, the fit's 800 \("
    ):
        old.inference(X, y, np.full(len(y), 2.0))


def test_a_file_with_a_wrong_rows_field_names_it(weighted, tmp_path):
    logistic.save(weighted, tmp_path / "m.json")
    rewrite_model_file(
        tmp_path / "m.json",
        lambda doc: doc["training"]["fit_statistics"].update(rows="400"),
    )
    with pytest.raises(ModelFormatError, match="fit_statistics.rows"):
        logistic.load(tmp_path / "m.json")


def test_summary_of_a_k_class_file_refuses_the_other_weights(pairs, workdir, capsys):
    """``logistic summary MODEL DATA``: the same rows with a weight column of
    ones are not the data a fit with weights 0 and 2 was fitted on."""
    frame, _, _, w = pairs
    twice = frame.loc[frame.index.repeat(2)].reset_index(drop=True)
    twice.assign(w=w).to_csv("fit.csv", index=False)
    twice.assign(w=1.0).to_csv("ones.csv", index=False)
    argv = ["fit", "fit.csv", "--target", "rank", "--features", "gre,gpa",
            "--weights", "w", "--penalty", "none", "-o", "m.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["summary", "m.json", "ones.csv"])
    assert (code, out) == (65, "")
    assert err.startswith("error: ones.csv is not the data m.json was fitted on: ")
    assert "total weight 800 over 800 rows, the fit's 800 over 400 rows" in err
    assert run_cli(capsys, ["summary", "m.json", "fit.csv"])[0] == 0  # control
