"""A ``cov_type`` spelled as Stata, R or statsmodels spell theirs is answered
with the spelling here.

Stata's ``logit ..., vce(robust)`` is the covariance a Stata user asks for
first; ``cov_type="robust"`` (``--cov-type robust``) was refused listing
nonrobust, HC0, HC1 and cluster, none of which is Stata's (it is
``n/(n-1)`` · HC0: ``"cluster"`` with every row its own group, as
docs/inference.md says). The refusal names that recipe, and the recipe is
checked here against statsmodels: ``Logit(...).fit(cov_type="HC0")``'s
standard errors times ``sqrt(n/(n-1))``, Stata's small-sample factor for
``vce(robust)`` ([R] vce_option: ``n/(n-1)`` for ``robust``). HC2/HC3 are
named as not offered, and a name in another case ("hc1") as case-sensitive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import InvalidParameterError, LogisticRegression

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
FEATURES = ["age", "lwt", "smoke", "ht"]


@pytest.fixture(scope="module")
def lbw():
    frame = pd.read_csv(LBW)
    return frame[FEATURES], frame["low"]


def test_robust_names_stata_recipe_which_matches_statsmodels(lbw):
    sm = pytest.importorskip("statsmodels.api")
    X, y = lbw
    model = LogisticRegression().fit(X, y)
    with pytest.raises(InvalidParameterError) as info:
        model.inference(X, y, cov_type="robust")
    assert "cov_type='cluster' with groups=np.arange(n_rows)" in str(info.value)
    n = len(y)
    stata = model.inference(X, y, cov_type="cluster", groups=np.arange(n))
    hc0 = sm.Logit(y, sm.add_constant(X)).fit(disp=0, cov_type="HC0")
    expected = hc0.bse.to_numpy() * np.sqrt(n / (n - 1))
    np.testing.assert_allclose(stata.bse.to_numpy(), expected, rtol=1e-7)


@pytest.mark.parametrize(
    ("name", "said"),
    [("HC3", "HC2 and HC3 (leverage-adjusted) are not offered"),
     ("hc1", "the names are case-sensitive: 'HC1'")],
)
def test_other_names_are_answered(lbw, name, said):
    X, y = lbw
    model = LogisticRegression().fit(X, y)
    for call in (lambda: model.inference(X, y, cov_type=name),
                 lambda: model.inference(cov_type=name)):  # fmt: skip
        with pytest.raises(InvalidParameterError) as info:
            call()
        assert said in str(info.value)


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_cli_robust_names_the_cluster_option(workdir, capsys, command):
    argv = ["fit", LBW, "-t", "low", "--features", ",".join(FEATURES), "-o", "m.json"]
    assert run_cli(capsys, [*argv, "-q"])[0] == 0
    code, _, err = run_cli(capsys, [command, "m.json", LBW, "--cov-type", "robust"])
    assert code == 2, err
    assert "--cov-type cluster --cluster COL with a column that differs on every" in err
