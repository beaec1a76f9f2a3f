"""``logistic margins --at-value gre=200:800:300`` (effects, not ``--method
pr``): the effects at each point of a grid, Stata's ``margins, dydx(*)
at(gre=(200(300)800))``.

References (from outside this code):

* statsmodels ``Logit(...).get_margeff(at="overall", atexog={i: v},
  dummy=...)`` at each point, on the UCLA design with rank's dummies made by
  hand (its indices count the constant) for the plain formula;
* for a formula with an interaction and a transform, statsmodels'
  ``smf.logit`` fit and its patsy design of the training rows with the
  point's variable set: each variable's average derivative as a central
  difference of statsmodels' predicted probabilities, its standard error
  by the delta method with ``statsmodels.tools.numdiff.approx_fprime`` in
  the parameters and statsmodels' ``cov_params()``.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit
from statsmodels.tools.numdiff import approx_fprime

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")
LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from logistic.cli.app import main

    tmp = tmp_path_factory.mktemp("grid")
    out = {}
    for name, data, formula in (
        ("plain", UCLA, "admit ~ gre + gpa + C(rank)"),
        ("lbw", LBW, "low ~ age*smoke + np.log(lwt)"),
    ):
        out[name] = tmp / f"{name}.json"
        args = ["fit", str(data), "-o", str(out[name]), "-q", "--formula", formula]
        assert main(args) == 0
    return out


def _json(capsys, model, data, *options):
    code, out, err = run_cli(capsys, ["margins", model, data, "--json", "-q", *options])
    assert code == 0, err
    return json.loads(out)


def _ucla_statsmodels():
    d = pd.read_csv(UCLA)
    X = d[["gre", "gpa"]].astype(float)
    for r in (2, 3, 4):
        X[f"r{r}"] = (d["rank"] == r).astype(float)
    return sm.Logit(d["admit"], sm.add_constant(X)).fit(disp=0, tol=1e-12)


def test_each_point_is_statsmodels_get_margeff(models, capsys):
    doc = _json(capsys, str(models["plain"]), str(UCLA),
                "--at-value", "gre=200:800:300", "--dummy",
                "--categorical", "columns")  # fmt: skip
    assert doc["at_values"] == [{"gre": 200.0}, {"gre": 500.0}, {"gre": 800.0}]
    sm_fit = _ucla_statsmodels()
    rows = doc["effects"]
    assert len(rows) == 15 and [r["point"] for r in rows[::5]] == [0, 1, 2]
    for g, v in enumerate([200, 500, 800]):
        ref = sm_fit.get_margeff(at="overall", atexog={1: v}, dummy=True)
        mine = rows[5 * g : 5 * g + 5]
        assert {r["label"] for r in mine} == {f"gre={v}"}
        np.testing.assert_allclose([r["effect"] for r in mine], ref.margeff, rtol=1e-5)
        np.testing.assert_allclose(
            [r["std_error"] for r in mine], ref.margeff_se, rtol=1e-4
        )
    cov = np.array(doc["cov"])
    assert cov.shape == (15, 15)
    np.testing.assert_allclose(
        np.sqrt(np.diag(cov)), [r["std_error"] for r in rows], rtol=1e-12
    )


def test_text_is_one_block_per_point_and_csv_one_row_per_effect(
    models, capsys, tmp_path
):
    code, out, err = run_cli(capsys, ["margins", str(models["plain"]), str(UCLA),
                                      "--at-value", "gre=200,800", "--at-value",
                                      "rank=*", "--dummy"])  # fmt: skip
    assert code == 0, err
    assert out.count("\nat gre=") == 8 and "at gre=800, rank=4" in out
    assert "Set on every row" not in out
    path = tmp_path / "g.csv"
    code, _, err = run_cli(capsys, ["margins", str(models["plain"]), str(UCLA),
                                    "--at-value", "gre=(200 800)", "-o", str(path),
                                    "--level", "0.9"])  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0])[:3] == ["gre", "term", "effect"]
    assert [r["gre"] for r in rows] == ["200.0"] * 5 + ["800.0"] * 5
    sm_fit = _ucla_statsmodels()
    ref = sm_fit.get_margeff(at="overall", atexog={1: 800})
    low = ref.conf_int(alpha=0.1)[:, 0]
    np.testing.assert_allclose([float(r["ci_low"]) for r in rows[5:]], low, rtol=1e-4)


def test_one_value_each_keeps_the_single_table(models, capsys):
    doc = _json(capsys, str(models["plain"]), str(UCLA), "--at-value", "gre=200")
    assert doc["at_values"] == {"gre": 200.0} and "cov" not in doc
    assert "point" not in doc["effects"][0]


def _design(frame):
    """The design of ``low ~ age*smoke + np.log(lwt)``, set by hand."""
    return np.column_stack([np.ones(len(frame)), frame.age, frame.smoke,
                            np.log(frame.lwt), frame.age * frame.smoke])  # fmt: skip


def _lbw_reference(variable, column, value):
    d = pd.read_csv(LBW)
    fit = sm.Logit(d["low"], _design(d)).fit(disp=0, tol=1e-12)
    base = d.assign(**{column: value})
    h = 1e-4 * d[variable].abs().mean()
    design = _design

    up = design(base.assign(**{variable: base[variable] + h}))
    down = design(base.assign(**{variable: base[variable] - h}))

    def effect(params):
        return np.array(
            [np.mean((expit(up @ params) - expit(down @ params)) / (2 * h))]
        )

    params = np.asarray(fit.params)
    J = approx_fprime(params, effect, centered=True)
    return effect(params)[0], float(np.sqrt(J @ fit.cov_params().to_numpy() @ J.T))


def test_formula_variables_through_every_term_at_each_point(models, capsys):
    doc = _json(capsys, str(models["lbw"]), str(LBW), "--at-value", "lwt=100,150")
    by = {(r["label"], r["term"]): r for r in doc["effects"]}
    assert sorted({r["term"] for r in doc["effects"]}) == ["age", "lwt", "smoke"]
    for v in (100, 150):
        effect, se = _lbw_reference("age", "lwt", v)
        row = by[(f"lwt={v}", "age")]
        np.testing.assert_allclose(row["effect"], effect, rtol=1e-5)
        np.testing.assert_allclose(row["std_error"], se, rtol=1e-4)


def test_grid_refusals_name_the_option(models, capsys):
    code, _, err = run_cli(capsys, ["margins", str(models["lbw"]), str(LBW),
                                    "--at-value", "lwt=0,100"])  # fmt: skip
    assert code == 2 and "np.log(lwt) is not finite at 0" in err
    code, _, err = run_cli(capsys, ["margins", str(models["plain"]), str(UCLA),
                                    "--at-value", "gre=1:5000:1"])  # fmt: skip
    assert code == 2 and "--at-value gre=1:5000:1 makes more than 2000 values" in err


def test_k_classes_take_a_grid(capsys, tmp_path):
    # a model of more than two classes: the effects on every class at each
    # point (statsmodels references: tests/test_cli_margins_multiclass.py)
    from logistic.cli.app import main

    model = tmp_path / "race.json"
    assert main(["fit", str(LBW), "-o", str(model), "-q", "--formula",
                 "race ~ age + lwt"]) == 0  # fmt: skip
    code, out, err = run_cli(capsys, ["margins", str(model), str(LBW),
                                      "--at-value", "age=20,30"])  # fmt: skip
    assert code == 0, err
    assert "at age=20: race = 1" in out and "at age=30: race = 3" in out


def test_formula_margins_in_python_takes_a_grid(tmp_path):
    # logistic.tabular._formula_margins.formula_margins (the per-variable
    # effects of a formula model file) with atexog={"age": [20, 30]}: the
    # effects at each point. Reference: low ~ age + I(age**2) + smoke by
    # statsmodels on the design set by hand, dp/dage = mean p(1-p)(b1 + 2 b2 a).
    import logistic
    from logistic.cli.app import main
    from logistic.inference import MarginalEffectsGrid
    from logistic.tabular._formula_margins import formula_margins

    model = tmp_path / "q.json"
    assert main(["fit", str(LBW), "-o", str(model), "-q", "--formula",
                 "low ~ age + I(age**2) + smoke"]) == 0  # fmt: skip
    encoding = json.loads(model.read_text())["encoding"]
    d = pd.read_csv(LBW)
    a, s = d.age.to_numpy(float), d.smoke.to_numpy(float)
    X = pd.DataFrame({"age": a, "I(age ** 2)": a**2, "smoke": s})
    results = logistic.load(model).inference(X, d.low)
    grid = formula_margins(results, encoding, d[["age", "smoke"]],
                           atexog={"age": [20, 30]})  # fmt: skip
    assert isinstance(grid, MarginalEffectsGrid)
    ref = sm.Logit(d.low, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    b0, b1, b2, b3 = ref.params
    for age in (20.0, 30.0):
        p = expit(b0 + b1 * age + b2 * age**2 + b3 * s)
        want = np.mean(p * (1 - p) * (b1 + 2 * b2 * age))
        np.testing.assert_allclose(
            grid.margeff.loc[f"age={age:g}", "age"], want, rtol=1e-6
        )
