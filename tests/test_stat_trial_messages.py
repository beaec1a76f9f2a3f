"""Messages a statistician's trial found naming the wrong thing.

* ``fit --formula 'cbind(s, f) ~ ...'``: errors quoted the rewritten
  ``'s ~ ...'``, as if the left side had been misread;
* Firth with fewer rows than parameters blamed "collinear or constant
  columns".
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError


@pytest.fixture()
def grouped_csv(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "s,f,x,g,lt\n3,7,0.1,a,1\n5,5,0.4,b,2\n8,2,0.9,a,1\n2,8,-0.3,b,2\n6,4,0.5,c,1\n"
    )
    return path


@pytest.mark.parametrize(
    "formula, words",
    [
        ("cbind(s, f) ~ x + C(g) + offset(lt)", "calls offset()"),
        ("cbind(s, f) ~ x + C(g, Sum)", "treatment coding is the only one supported"),
    ],
)
def test_cbind_formula_is_quoted_as_written(grouped_csv, tmp_path, capsys, formula, words):
    code, _, err = run_cli(capsys, ["fit", grouped_csv, "--formula", formula, "-o", tmp_path / "m.json", "-q"])
    assert code == 2  # the formula's grammar: a bad option value
    assert f"--formula {formula!r}" in err and words in err
    assert "--formula 's ~" not in err


def test_cbind_formula_still_fits(grouped_csv, tmp_path, capsys):
    code, _, err = run_cli(capsys, ["fit", grouped_csv, "--formula", "cbind(s, f) ~ x", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err


@pytest.mark.parametrize("intercept, k, what", [(True, 13, "the features and the intercept"), (False, 12, "features")])
def test_firth_with_fewer_rows_than_parameters_says_so(intercept, k, what):
    X = np.random.default_rng(0).normal(size=(8, 12))
    y = np.array([0, 1] * 4)
    with pytest.raises(InvalidParameterError, match=rf"fewer rows \(8\) than parameters \({k}: {what}\)"):
        LogisticRegression(penalty="firth", fit_intercept=intercept).fit(X, y)
