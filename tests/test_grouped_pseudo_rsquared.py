"""McFadden's pseudo R² of a grouped binomial fit does not depend on the grouping.

The same trials as 0/1 rows, as counts of one grouping and as counts of
another have one likelihood up to the constant ``Σ log C(n, k)``, the same
coefficients and the same LR statistic. ``1 - ℓ/ℓ₀`` with that constant in
both log-likelihoods changed with the grouping: on the birthwt data grouped
by (smoke, ht, ui, ptl), 16 groups, it was 0.2614 where the 189 0/1 rows
give 0.0769 (Stata's ``blogit`` reports the 0/1 rows' value). The reference
is statsmodels' ``Logit`` on the trials expanded to 0/1 rows (``prsquared``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")


def _grouped(by):
    frame = pd.read_csv(LBW)
    groups = frame.groupby(by)["low"].agg(["sum", "count"]).reset_index()
    return groups[by].astype(float), groups["sum"].to_numpy(), groups["count"].to_numpy()


@pytest.fixture(scope="module")
def expanded_prsquared():
    sm = pytest.importorskip("statsmodels.api")
    frame = pd.read_csv(LBW)
    X = sm.add_constant(frame[["smoke", "ht", "ui", "ptl"]].astype(float))
    return sm.Logit(frame["low"], X).fit(disp=0).prsquared


@pytest.mark.parametrize(
    "by", [["smoke", "ht", "ui", "ptl"], ["smoke", "ht", "ui", "ptl", "race"]]
)
def test_grouped_pseudo_rsquared_is_the_0_1_rows_one(expanded_prsquared, by):
    X, successes, trials = _grouped(by)
    X = X[["smoke", "ht", "ui", "ptl"]]  # race only splits the groups further
    res = LogisticRegression().fit(X, successes, trials=trials).inference()
    assert res.pseudo_rsquared == pytest.approx(expanded_prsquared, rel=1e-9)


def test_cli_grouped_summary_pseudo_rsquared(workdir, capsys, expanded_prsquared):
    X, successes, trials = _grouped(["smoke", "ht", "ui", "ptl"])
    data = X.assign(k=successes, n=trials)
    data.to_csv(workdir / "g.csv", index=False)
    argv = ["fit", "g.csv", "-t", "k", "--trials", "n", "-o", "m.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == 0, err
    stored = json.loads(out)["training"]["statistics"]["pseudo_rsquared"]
    assert np.isclose(stored, expanded_prsquared, rtol=1e-9)


def test_the_summary_says_why_its_pseudo_r2_is_not_one_minus_the_ratio():
    # the header's LL and LL-null hold the constant and its Pseudo R-sq. does
    # not: 1 - LL/LL-null of the printed numbers differs, so the note says why
    X, k, n = _grouped(["smoke", "ht", "ui", "ptl"])
    res = LogisticRegression(penalty=None).fit(X, k, trials=n).inference()
    assert abs((1 - res.llf / res.llnull) - res.pseudo_rsquared) > 0.1
    text = str(res.summary())
    assert "Pseudo R-sq. leaves it out" in " ".join(text.split())
    frame = pd.read_csv(LBW)
    rows = frame[["smoke", "ht", "ui", "ptl"]].astype(float)
    plain = LogisticRegression(penalty=None).fit(rows, frame["low"]).summary(rows, frame["low"])
    assert "Grouped counts" not in str(plain)
