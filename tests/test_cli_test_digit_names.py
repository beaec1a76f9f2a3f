"""``logistic test`` of a multinomial model whose classes are numbers: its
terms are named ``1:x1``, ``2:x1`` (class, colon, column), as ``summary`` and
the "did you mean" hint print them. Such a name starts with a digit, and was
read as the number 1 followed by an unknown ``:x1``, so the hint offered the
very name that had been typed. A target of 0/1 with one ``yes`` among them is
read as text classes '0', '1', 'yes' (the rare-class warning): the terms
``1:x1`` and ``yes:x1`` are the ones a user types.

Reference: statsmodels' ``MNLogit`` on the same rows (classes coded 0, 1, 2 in
the sorted order '0' < '1' < 'yes'), its estimates and covariance giving the
Wald statistics.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

sm = pytest.importorskip("statsmodels.api")


def _write(path):
    rng = np.random.default_rng(7)
    x1, x2 = rng.normal(size=200), rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-(0.4 + x1 - x2)))).astype(int).astype(str)
    y[[5, 60, 150]] = "yes"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "y"])
        writer.writerows(zip(np.round(x1, 4), np.round(x2, 4), y, strict=True))


@pytest.fixture
def model_and_reference(workdir, capsys):
    _write(workdir / "d.csv")
    code, _, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q"])
    assert code == 0, err
    # Python's csv reads the labels as text; statsmodels gets them as codes
    frame = pd.read_csv(workdir / "d.csv", dtype={"y": str})
    codes = frame["y"].map({"0": 0, "1": 1, "yes": 2})
    ref = sm.MNLogit(codes, sm.add_constant(frame[["x1", "x2"]])).fit(
        disp=0, method="newton", maxiter=100
    )
    return ref


def _statistic(capsys, hypothesis):
    code, out, err = run_cli(capsys, ["test", "m.json", hypothesis, "--json"])
    assert code == 0, err
    return json.loads(out)["statistic"]


def test_a_term_named_with_a_leading_digit_is_read_as_that_term(
    model_and_reference, capsys
):
    ref = model_and_reference
    b, se = ref.params.loc["x1", 0], ref.bse.loc["x1", 0]  # class '1' against '0'
    assert _statistic(capsys, "1:x1 = 0") == pytest.approx((b / se) ** 2, rel=1e-5)
    # the same term quoted with backticks (the way that worked before)
    assert _statistic(capsys, "`1:x1` = 0") == pytest.approx((b / se) ** 2, rel=1e-5)


def test_a_digit_named_term_against_a_word_named_one(model_and_reference, capsys):
    ref = model_and_reference
    names = list(ref.cov_params().index)
    i, j = names.index(("1", "x1")), names.index(("2", "x1"))  # codes 1, 2
    V = ref.cov_params().to_numpy()
    diff = ref.params.loc["x1", 0] - ref.params.loc["x1", 1]
    var = V[i, i] + V[j, j] - 2 * V[i, j]
    got = _statistic(capsys, "1:x1 = yes:x1")
    assert got == pytest.approx(diff**2 / var, rel=1e-5)
    # a number times such a term still reads the number first
    assert _statistic(capsys, "2*1:x1 = 2*yes:x1") == pytest.approx(got, rel=1e-9)
