"""A constant feature column at ``logistic fit``: one explanation, not two.

An unpenalized fit with an intercept and a constant column has a singular
Hessian. The summary shows the column as ``NA`` with R's note ("not defined
because of singularities"), naming it; Newton's warning of a damped step,
which can only guess at the cause ("collinear columns or separation?"), is
then left out of the command's output and of the model file. The library
still warns (a Python caller may never print a summary), and names the
column it left out.

Reference: statsmodels ``Logit`` on the columns without the constant one
(R's ``glm`` reports the same estimates for the other terms, the constant
column ``NA``).
"""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import run_cli
from logistic import LogisticRegression, NumericalStabilityWarning
from logistic._fit_aliased import ALIASED_LEFT_OUT
from logistic.solvers.newton import SINGULAR_HESSIAN

UCLA = Path(__file__).parent / "data" / "ucla-admissions" / "binary.csv"


def _with_constant(path: Path) -> Path:
    with open(UCLA, newline="") as fh:
        rows = list(csv.reader(fh))
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([*rows[0], "site"])
        out.writerows([*row, "7"] for row in rows[1:])
    return path


def _ucla() -> tuple[np.ndarray, np.ndarray]:
    data = np.loadtxt(UCLA, delimiter=",", skiprows=1)
    return data[:, 1:3], data[:, 0]  # gre, gpa


def test_constant_column_is_na_with_one_note_and_no_damping_warning(workdir, capsys):
    data = _with_constant(workdir / "site.csv")
    code, out, err = run_cli(
        capsys,
        ["fit", data, "--target", "admit", "--features", "gre,gpa,site", "-o", "m.json"],
    )
    assert code == 0, err
    assert SINGULAR_HESSIAN not in err and "damped" not in err
    assert ALIASED_LEFT_OUT not in err  # the table's note names the column
    assert "not defined because of singularities: site" in out
    row = next(line.split() for line in out.splitlines() if line.startswith("site"))
    assert row[1:] == ["NA"] * 6
    stored = json.loads(Path("m.json").read_text())["training"]["warnings"]
    assert not any(SINGULAR_HESSIAN in w or ALIASED_LEFT_OUT in w for w in stored)
    # the other terms: statsmodels' fit without the constant column
    X, y = _ucla()
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    code, doc, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == 0, err
    coef = {r["term"]: r for r in json.loads(doc)["coefficients"]}
    for k, term in enumerate(["Intercept", "gre", "gpa"]):
        assert coef[term]["estimate"] == pytest.approx(ref.params[k], rel=1e-6)
        assert coef[term]["std_error"] == pytest.approx(ref.bse[k], rel=1e-5)


def test_the_library_still_warns_of_the_damped_step():
    X, y = _ucla()
    Xc = np.column_stack([X, np.full(len(y), 7.0)])
    with pytest.warns(NumericalStabilityWarning, match=SINGULAR_HESSIAN):
        LogisticRegression(penalty=None, solver="newton").fit(Xc, y)


def test_the_library_names_the_aliased_column_after_the_damping_warning():
    """The damping warning can only guess at its cause ("collinear columns or
    separation?"); the fit knows which column it left out and says so, once,
    by name (the third column is the sum of the first two)."""
    X, y = _ucla()
    frame = pd.DataFrame({"gre": X[:, 0], "gpa": X[:, 1], "total": X.sum(axis=1)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty=None, solver="newton").fit(frame, y)
    texts = [str(w.message) for w in caught]
    assert sum(SINGULAR_HESSIAN in t for t in texts) == 1, texts
    notes = [t for t in texts if t.startswith(ALIASED_LEFT_OUT)]
    assert len(notes) == 1, texts
    assert "column 'total' (coefficient 0, R's NA)" in notes[0]
    assert model.coef_[0, 2] == 0.0
    # the other coefficients: statsmodels' fit without the sum
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    assert model.coef_[0, :2] == pytest.approx(ref.params[1:], rel=1e-6)


def test_the_aliased_note_follows_the_steepest_descent_fallback_too(workdir, capsys):
    """On this design Newton's first warning is "the step is not a descent
    direction" (one warning a fit), not the damping one: the fit names the
    column it left out after it all the same, and the command line prints
    neither (its table names the column)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    X = np.column_stack([X, X.sum(axis=1)])
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty=None, solver="newton").fit(X, y)
    texts = [str(w.message) for w in caught]
    assert texts[0].startswith("Newton: the step is not a descent direction"), texts
    assert [t for t in texts if t.startswith(ALIASED_LEFT_OUT)] == [
        f"{ALIASED_LEFT_OUT}: the column 'x3' (coefficient 0, R's NA): the information "
        "matrix cannot tell it from a combination of the earlier columns (collinear "
        "columns, a constant or empty column); the other coefficients and their "
        "standard errors are the fit without it, as R's glm reports them."
    ]
    assert model.coef_[0, 2] == 0.0
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "s": X[:, 2], "y": y}).to_csv(
        "ali.csv", index=False
    )
    code, out, err = run_cli(
        capsys, ["fit", "ali.csv", "-t", "y", "--solver", "newton", "-o", "m.json"]
    )
    assert code == 0, err
    assert "not a descent direction" not in err and ALIASED_LEFT_OUT not in err
    assert "not defined because of singularities: s" in out


def test_no_aliased_note_without_a_damping_warning():
    """A fit whose solver gave no warning stays silent, as R's glm: L-BFGS on
    the aliased design, Newton on the design without the sum."""
    X, y = _ucla()
    total = np.column_stack([X, X.sum(axis=1)])
    for solver, design in (("lbfgs", total), ("newton", X)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            LogisticRegression(penalty=None, solver=solver).fit(design, y)
        assert not [w for w in caught if ALIASED_LEFT_OUT in str(w.message)]


def test_a_fit_without_aliased_columns_keeps_its_warnings(workdir, capsys):
    """The damping warning is left out only when aliased columns explain it:
    a fit that needs no damping prints no such warning, and its other
    warnings stay (here the separation of a perfectly separated file)."""
    path = workdir / "sep.csv"
    path.write_text("x,y\n" + "".join(f"{v},{int(v > 0)}\n" for v in range(-5, 6)))
    code, out, err = run_cli(capsys, ["fit", path, "--target", "y", "-o", "s.json"])
    assert code == 0, err
    assert "PerfectSeparationWarning" in err
