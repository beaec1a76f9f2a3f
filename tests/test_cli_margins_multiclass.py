"""``logistic margins`` of a model of more than two classes at set values:
predictive margins of every class (``--method pr``), effects at a point and
over a grid (``--at-value``), and ``--outcome``.

Data: the bundled MASS birthwt (tests/data/lbw-hosmer-lemeshow), race (3
classes) on age, lwt and smoke. References, computed here from statsmodels:

* ``MNLogit`` on the same columns (``add_constant`` first, so its column 1
  is age): the average of ``predict(params, exog)`` over the rows with a
  column set, and the delta method with statsmodels' ``cov_params()`` and
  the complex-step Jacobian (``approx_fprime_cs``) of that average;
  ``get_margeff(atexog={1: age})`` for the effects at a point;
* for ``race ~ age*smoke + np.log(lwt)``, ``smf.mnlogit``'s own fit and
  formula design of the rows with the raw variable set (every term
  following), averaged and differentiated the same way.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

sm = pytest.importorskip("statsmodels.api")
smf = pytest.importorskip("statsmodels.formula.api")
from statsmodels.tools.numdiff import approx_fprime_cs  # noqa: E402

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
COLUMNS = ["age", "lwt", "smoke"]
FIT = {"disp": 0, "method": "newton", "tol": 1e-12, "maxiter": 100}


@pytest.fixture(scope="module")
def lbw():
    return pd.read_csv(LBW)


@pytest.fixture(scope="module")
def mnlogit(lbw):
    exog = sm.add_constant(lbw[COLUMNS].to_numpy(float))
    return sm.MNLogit(lbw.race.to_numpy() - 1, exog).fit(**FIT), exog


@pytest.fixture
def plain(workdir, capsys):
    args = ["fit", LBW, "--target", "race", "--features", ",".join(COLUMNS),
            "-o", "m.json", "-q"]  # fmt: skip
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    return "m.json"


def _averaged(r, design):
    """statsmodels' class probabilities averaged over the rows of
    ``design(params)``'s exog, and their delta-method standard errors."""
    shape = np.asarray(r.params).shape  # (q, K-1)

    def average(theta):
        return r.model.predict(theta.reshape(shape, order="F"), design).mean(axis=0)

    theta = np.asarray(r.params).ravel(order="F")
    J = approx_fprime_cs(theta, average)
    return average(theta), np.sqrt(np.diag(J @ np.asarray(r.cov_params()) @ J.T))


def _json(capsys, *args):
    code, out, err = run_cli(capsys, ["margins", *args, "--json", "-q"])
    assert code == 0, err
    return json.loads(out)


def test_predictive_margins_of_every_class(plain, capsys, mnlogit):
    r, exog = mnlogit
    doc = _json(capsys, plain, LBW, "--method", "pr", "--at-value", "smoke=0,1")
    assert doc["classes"] == ["1", "2", "3"] and doc["effect"] == "Pr(race = class)"
    rows = doc["margins"]
    assert [(m["class"], m["label"]) for m in rows] == [
        (c, f"smoke={v}") for c in "123" for v in (0, 1)
    ]
    margin = np.array([m["margin"] for m in rows]).reshape(3, 2).T  # point, class
    se = np.array([m["std_error"] for m in rows]).reshape(3, 2).T
    for g in range(2):
        moved = exog.copy()
        moved[:, 3] = g
        value, ref_se = _averaged(r, moved)
        np.testing.assert_allclose(margin[g], value, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(se[g], ref_se, rtol=1e-5)
    np.testing.assert_allclose(margin.sum(axis=1), 1.0, atol=1e-12)
    cov = np.array(doc["cov"])  # class by class, as the rows
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), se.T.ravel(), rtol=1e-12)
    code, out, err = run_cli(capsys, ["margins", plain, LBW, "--method", "pr",
                                      "--at-value", "smoke=0,1"])  # fmt: skip
    assert code == 0, err
    assert "race = 3" in out and "smoke=1" in out and "Pr(race = class)" in out
    # -o FILE: a class column after the grid's variables; --outcome: one class
    code, _, err = run_cli(capsys, ["margins", plain, LBW, "--method", "pr",
                                    "--at-value", "smoke=0,1", "--outcome", "3",
                                    "-o", "pr.csv"])  # fmt: skip
    assert code == 0, err
    with open("pr.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert [(t["smoke"], t["class"]) for t in table] == [("0.0", "3"), ("1.0", "3")]
    np.testing.assert_allclose([float(t["margin"]) for t in table], margin[:, 2])


def test_effects_at_a_point_and_over_a_grid(plain, capsys, mnlogit):
    r, _ = mnlogit
    doc = _json(capsys, plain, LBW, "--at-value", "age=20", "--at", "mean")
    me = r.get_margeff(at="mean", atexog={1: 20.0})
    assert doc["at_values"] == {"age": 20.0}
    effect = np.array([e["effect"] for e in doc["effects"]]).reshape(3, 3).T
    se = np.array([e["std_error"] for e in doc["effects"]]).reshape(3, 3).T
    np.testing.assert_allclose(effect, me.margeff, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(se, me.margeff_se, rtol=1e-5)
    doc = _json(capsys, plain, LBW, "--at-value", "age=20,30")
    rows = doc["effects"]
    assert [(e["point"], e["class"], e["term"]) for e in rows] == [
        (g, c, t) for g in range(2) for c in "123" for t in COLUMNS
    ]
    cov = np.array(doc["cov"])
    for g, age in enumerate([20.0, 30.0]):
        me = r.get_margeff(atexog={1: age})
        part = rows[9 * g : 9 * (g + 1)]
        effect = np.array([e["effect"] for e in part]).reshape(3, 3).T
        se = np.array([e["std_error"] for e in part]).reshape(3, 3).T
        np.testing.assert_allclose(effect, me.margeff, rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(se, me.margeff_se, rtol=1e-5)
        # the joint covariance's diagonal block of the point: statsmodels' own
        block = cov[9 * g : 9 * (g + 1), 9 * g : 9 * (g + 1)]
        np.testing.assert_allclose(block, me.margeff_cov, rtol=1e-5, atol=1e-12)
    code, out, err = run_cli(capsys, ["margins", plain, LBW, "--at-value",
                                      "age=20,30", "--outcome", "2"])  # fmt: skip
    assert code == 0, err
    assert "at age=30: race = 2" in out and "race = 3" not in out
    code, _, err = run_cli(capsys, ["margins", plain, LBW, "--at-value", "age=20,30",
                                    "-o", "g.csv"])  # fmt: skip
    assert code == 0, err
    with open("g.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header[:3] == ["age", "class", "term"]


def test_a_formula_taken_per_variable(workdir, capsys, lbw):
    formula = "race ~ age*smoke + np.log(lwt)"
    code, _, err = run_cli(capsys, ["fit", LBW, "--formula", formula, "-o", "f.json",
                                    "-q"])  # fmt: skip
    assert code == 0, err
    r = smf.mnlogit(formula, lbw).fit(**FIT)
    spec = r.model.data.model_spec

    def design(frame):
        if hasattr(spec, "get_model_matrix"):  # formulaic
            return np.asarray(spec.get_model_matrix(frame), dtype=float)
        import patsy

        return np.asarray(patsy.build_design_matrices([spec], frame)[0])

    # predictive margins with age set: age:smoke follows
    doc = _json(capsys, "f.json", LBW, "--method", "pr", "--at-value", "age=20,30")
    margin = np.array([m["margin"] for m in doc["margins"]]).reshape(3, 2).T
    se = np.array([m["std_error"] for m in doc["margins"]]).reshape(3, 2).T
    for g, age in enumerate([20, 30]):
        value, ref_se = _averaged(r, design(lbw.assign(age=age)))
        np.testing.assert_allclose(margin[g], value, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(se[g], ref_se, rtol=1e-5)
    # the discrete change of smoke at each age: P(smoke=1) - P(smoke=0)
    doc = _json(capsys, "f.json", LBW, "--at-value", "age=20,30", "--dummy",
                "--outcome", "1", "--outcome", "3")  # fmt: skip
    assert doc["classes"] == ["1", "3"]
    got = {(e["point"], e["class"], e["term"]): e for e in doc["effects"]}
    shape = np.asarray(r.params).shape
    for g, age in enumerate([20, 30]):
        one = design(lbw.assign(age=age, smoke=1))
        zero = design(lbw.assign(age=age, smoke=0))

        def change(theta, one=one, zero=zero):
            params = theta.reshape(shape, order="F")
            return (r.model.predict(params, one) - r.model.predict(params, zero)).mean(0)

        theta = np.asarray(r.params).ravel(order="F")
        J = approx_fprime_cs(theta, change)
        ref_se = np.sqrt(np.diag(J @ np.asarray(r.cov_params()) @ J.T))
        for k, cls in [(0, "1"), (2, "3")]:
            row = got[(g, cls, "smoke")]
            assert row["discrete"]
            np.testing.assert_allclose(row["effect"], change(theta)[k], rtol=1e-7)
            np.testing.assert_allclose(row["std_error"], ref_se[k], rtol=1e-5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "7"], "--outcome '7' is not one of the classes (1, 2, 3)"),
        (["--at", "median"], "--at median"),
        (["--method", "pr", "--dummy"], "--dummy applies to marginal effects"),
        (["--at-value", "nope=1"], "--at-value names 'nope'"),
    ],
)
def test_refusals(plain, capsys, args, message):
    code, _, err = run_cli(capsys, ["margins", plain, LBW, *args])
    assert code == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_two_class_model_refuses_outcome(workdir, capsys):
    code, _, err = run_cli(capsys, ["fit", LBW, "--target", "low", "--features",
                                    "age,lwt", "-o", "b.json", "-q"])  # fmt: skip
    assert code == 0, err
    code, _, err = run_cli(capsys, ["margins", "b.json", LBW, "--outcome", "1"])
    assert code == 2 and "more than two classes" in err, err


def test_the_covariance_note_counts_margins_not_points(plain, capsys, mnlogit):
    """``cov`` is left out beyond 1000 margins: 334 points of 3 classes make
    1002 margins (1002² numbers), which the note says, with --outcome as a
    way to fewer; one class of the same points keeps it (334 margins). The
    last margin: statsmodels' average prediction at age 45."""
    r, exog = mnlogit
    grid = ["--method", "pr", "--at-value", "age=12:45.3:0.1"]  # 334 points
    doc = _json(capsys, plain, LBW, *grid)
    assert len(doc["margins"]) == 3 * 334 and doc["cov"] is None
    note = next(n for n in doc["notes"] if "cov is null" in n)
    assert "1002 margins (334 points x 3 classes)" in note and "--outcome" in note
    one = _json(capsys, plain, LBW, *grid, "--outcome", "2")
    assert len(one["margins"]) == 334 and len(one["cov"]) == 334
    moved = exog.copy()
    moved[:, 1] = one["margins"][-1]["at"]["age"]
    value, _ = _averaged(r, moved)
    assert one["margins"][-1]["margin"] == pytest.approx(value[1], rel=1e-7)


def test_a_class_named_twice_is_shown_once(plain, capsys, mnlogit):
    """--outcome 3 --outcome 1 --outcome 3: classes 3 then 1, each once (it
    had printed class 3's rows twice); the margins statsmodels' averages."""
    r, exog = mnlogit
    args = ["--method", "pr", "--at-value", "smoke=1"]
    doc = _json(capsys, plain, LBW, *args, "--outcome", "3", "--outcome", "1",
                "--outcome", "3")  # fmt: skip
    assert doc["classes"] == ["3", "1"]
    assert [m["class"] for m in doc["margins"]] == ["3", "1"]
    moved = exog.copy()
    moved[:, 3] = 1.0
    value, _ = _averaged(r, moved)
    np.testing.assert_allclose([m["margin"] for m in doc["margins"]],
                               value[[2, 0]], rtol=1e-7)  # fmt: skip
