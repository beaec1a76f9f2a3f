"""Multinomial tables: the intercept first, equations titled ``level vs reference``,
and separated fits on the command line with their estimates alone.

References: statsmodels ``MNLogit`` (Newton to 1e-12) on the low-birth-weight
data's ``race`` (1/2/3) against ``age``, ``lwt``, ``smoke``
(tests/data/lbw-hosmer-lemeshow); iris (tests/data/iris), whose four
measurements separate setosa (quasi-complete separation: the MLE does not
exist, statsmodels' standard errors there are ~1e4 and more as ours).
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api", reason="references come from statsmodels")

IRIS = data_path("iris", "iris.csv")
LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
LBW_X = ["age", "lwt", "smoke"]
FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


@pytest.fixture(scope="module")
def lbw():
    with open(LBW, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in LBW_X] for r in rows])
    y = np.array([int(r["race"]) for r in rows])
    ref = sm.MNLogit(y - 1, sm.add_constant(X)).fit(**FIT)  # const first
    return X, y, np.asarray(ref.params).T, np.asarray(ref.bse).T  # (K-1, q)


def _block_rows(text, title):
    """The (term, numbers) rows of the block whose title ends with ``title``."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(title))
    out = []
    for line in lines[at + 2 :]:
        if line.startswith(("-", "=")):
            break
        name, *cells = line.split()
        out.append((name, [float(c) for c in cells]))
    return out


def test_python_summary_intercept_first_and_titles(lbw):
    X, y, params, bse = lbw
    res = LogisticRegression(tol=1e-10).fit(X, y).inference()
    summary = res.summary()
    assert [title for title, _ in summary.blocks] == ["2 vs 1", "3 vs 1"]
    for e, (_, rows) in enumerate(summary.blocks):
        assert [r[0] for r in rows] == ["Intercept", "x1", "x2", "x3"]
        np.testing.assert_allclose([r[1] for r in rows], params[e], rtol=1e-6)
        np.testing.assert_allclose([r[2] for r in rows], bse[e], rtol=1e-6)
    res.target_name = "race"
    assert "race: 3 vs 1" in res.summary().as_text()
    # the arrays keep the objective's order (intercept last), as documented
    np.testing.assert_allclose(res.params[:, -1], params[:, 0], rtol=1e-6)


def test_cli_summary_names_the_target_and_puts_the_intercept_first(
    workdir, capsys, lbw
):
    _, _, params, bse = lbw
    code, _, err = run_cli(
        capsys,
        ["fit", LBW, "--target", "race", "--features", ",".join(LBW_X),
         "--reference", "1", "-o", "lbw.json"],
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "lbw.json"])
    assert code == 0, err
    assert "y = 2 (vs 1)" not in out
    for e, title in enumerate(["race: 2 vs 1", "race: 3 vs 1"]):
        rows = _block_rows(out, title)
        assert [name for name, _ in rows] == ["Intercept", *LBW_X]
        np.testing.assert_allclose([c[0] for _, c in rows], params[e], rtol=1e-3)
        np.testing.assert_allclose([c[1] for _, c in rows], bse[e], rtol=1e-3)


@pytest.fixture
def iris_file(workdir, capsys):
    code, out, err = run_cli(
        capsys, ["fit", IRIS, "--target", "species", "-o", "m.json"]
    )
    assert code == 0, err
    return out, err


def test_cli_separated_fit_prints_estimates_alone(iris_file, capsys):
    out, err = iris_file
    summary = run_cli(capsys, ["summary", "m.json"])[1]
    assert "species: versicolor vs setosa" in summary  # fit: with the lead's patch
    for text in (out, summary):
        assert "std err" not in text and "P>|z|" not in text
        assert "Separation (quasi-complete): the MLE does not exist" in text
        assert "no standard errors. Use a penalty (--penalty l2)." in text
        # shown at the fit's stopping point (its supremum: statsmodels' Logit
        # of virginica vs versicolor, setosa separated; test_separated_summary_lr)
        assert "Pseudo R-sq.                   0.9639" in text
        assert "evaluated where the fit stopped" in text
        rows = _block_rows(text, "versicolor vs setosa")
        assert [name for name, _ in rows][0] == "Intercept"
        assert all(len(cells) == 1 for _, cells in rows)  # the estimate alone
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--odds-ratios"])
    assert code == 0 and "RRR" in out and "std err" not in out
    assert "Use a penalty (--penalty l2)." in out
    code, out, _ = run_cli(capsys, ["summary", "m.json", "--json"])
    rows = json.loads(out)["coefficients"]
    assert len(rows) == 2 * 5 and rows[0]["term"] == "Intercept"
    assert all(set(r) == {"class", "term", "estimate"} for r in rows)


def test_python_separated_summary_keeps_errors_under_the_note():
    """The Python summary of a separated fit keeps its (huge) standard errors,
    as statsmodels' MNLogit prints them, under the note; its likelihood-ratio
    statistics are shown where the fit stopped, as in the binary summary."""
    with open(IRIS, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(v) for k, v in r.items() if k != "species"] for r in rows])
    y = np.array([r["species"] for r in rows])
    with pytest.warns(UserWarning):
        model = LogisticRegression().fit(X, y)
    text = model.summary().as_text()
    assert "std err" in text and "meaningless" in text
    # statsmodels' MNLogit prints 7.055e-64 (test_separated_summary_lr); every table
    # here writes p-values below 2e-16 as R does
    assert "LLR p-value                    <2e-16" in text
    assert "no finite MLE (separation)" in text
