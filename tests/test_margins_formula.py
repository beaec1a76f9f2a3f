"""``logistic margins`` on formula models: effects of the variables a user wrote.

With interactions, transforms, a variable in two terms or full-rank factor
coding, the effect of a variable is taken through every term that reads it
(Stata's ``margins, dydx(*)`` on factor-variable notation), never per design
column. References, computed here from outside the code under test:

* the effects: statsmodels' formula API, ``smf.logit(formula, d).fit()``
  (``smf.glm`` with ``freq_weights`` and ``offset`` for a weighted fit), its
  ``predict`` on copies of the data with the raw variable moved: a central
  difference ``(predict(v + h) - predict(v - h)) / 2h`` for a continuous
  variable, ``predict(level) - predict(reference)`` for a categorical or 0/1
  one, averaged over the rows (with the frequency weights);
* their standard errors: the delta method ``J V Jᵀ`` with ``V`` statsmodels'
  covariance of its own fit and ``J`` the gradient in the coefficients of
  that same averaged function: ``Σ s (p₁(1-p₁) x₁ - p₀(1-p₀) x₀) / Σ s``
  (divided by ``2h`` for a slope), ``x`` the rows of statsmodels' design of
  the moved data (its fit's own formula state, ``model_spec``; the averaged
  function is checked equal to statsmodels' ``predict``);
* for ``age + I(age**2)``, the exact chain rule ``p (1 - p) (b_age + 2
  b_age2 age)`` written out in numpy (checks the library's own derivative
  to ~1e-9, well inside the 1e-7 asked of it).

Data: the bundled MASS birthwt (tests/data/lbw-hosmer-lemeshow).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import logistic
from conftest import data_path
from logistic.cli.app import main
from logistic.tabular._formula_margins import by_variable

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
H = 1e-5  # the references' step on the raw variables


@pytest.fixture(scope="module")
def lbw():
    return pd.read_csv(LBW)


def fit(tmp_path, formula, *options, data=LBW):
    model = tmp_path / "m.json"
    argv = ["fit", str(data), "--formula", formula, "-o", str(model), "-q"]
    argv.append("--force")
    assert main([*argv, *options]) == 0
    return model


def margins_json(capsys, model, *options, data=LBW):
    capsys.readouterr()
    assert main(["margins", str(model), str(data), "--json", "-q", *options]) == 0
    return {r["term"]: r for r in json.loads(capsys.readouterr().out)["effects"]}


class Reference:
    """Average effects of raw variables from a statsmodels formula fit."""

    def __init__(self, result, d, weights=None, offset=None):
        self.r, self.d = result, d
        self.spec = result.model.data.model_spec  # statsmodels' formula state
        self.s = np.ones(len(d)) if weights is None else np.asarray(weights, float)
        self.off = np.zeros(len(d)) if offset is None else np.asarray(offset, float)

    def _design(self, frame):
        if hasattr(self.spec, "get_model_matrix"):  # formulaic
            return np.asarray(self.spec.get_model_matrix(frame), dtype=float)
        import patsy

        return np.asarray(patsy.build_design_matrices([self.spec], frame)[0])

    def _points(self, variable, change, base):
        """Designs of the two evaluation points and the divisor of their change."""
        if change is None:
            v = base[variable].astype(float)
            values, divisor = (v - H, v + H), 2 * H
        else:
            values, divisor = change, 1.0
        frames = [base.assign(**{variable: value}) for value in values]
        return [self._design(f) for f in frames], divisor, frames

    def effect_and_se(self, variable, change=None, at=None, method="dydx"):
        """The average effect and its delta-method SE; ``eydx`` averages the
        change of log p, ``dyex``/``eyex`` weight each row's slope by v."""
        base = self.d.copy() if at is None else self.d.assign(**{at[0]: at[1]})
        (X0, X1), divisor, frames = self._points(variable, change, base)
        params = np.asarray(self.r.params, float)
        p0, p1 = (1 / (1 + np.exp(-(X @ params + self.off))) for X in (X0, X1))
        c = base[variable].to_numpy(float) if method.endswith("ex") else 1.0
        w = self.s * c / divisor / self.s.sum()
        if method.startswith("ey"):
            value = w @ (np.log(p1) - np.log(p0))
            grad = (w * (1 - p1)) @ X1 - (w * (1 - p0)) @ X0
        else:
            value = w @ (p1 - p0)
            # d/dparams of the same average: the logistic's derivative times rows
            grad = (w * p1 * (1 - p1)) @ X1 - (w * p0 * (1 - p0)) @ X0
        if not self.off.any() and method == "dydx":  # statsmodels' predict
            direct = np.asarray(self.r.predict(frames[1])) - self.r.predict(frames[0])
            assert value == pytest.approx(self.s @ direct / divisor / self.s.sum())
        return value, float(np.sqrt(grad @ np.asarray(self.r.cov_params()) @ grad))


def check(row, expected, rtol_se=1e-6):
    value, se = expected
    np.testing.assert_allclose(row["effect"], value, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(row["std_error"], se, rtol=rtol_se)


def test_interaction_transform_and_factor(tmp_path, capsys, lbw):
    """``age*smoke + np.log(lwt) + C(race)``: age through age:smoke, smoke's
    discrete change moving age:smoke too, lwt per pound through the log, race
    each level against 1; no row for age:smoke or np.log(lwt)."""
    formula = "low ~ age*smoke + np.log(lwt) + C(race)"
    doc = margins_json(capsys, fit(tmp_path, formula), "--dummy")
    ref = Reference(smf.logit(formula, lbw).fit(disp=0), lbw)
    assert list(doc) == ["age", "smoke", "lwt", "C(race)[T.2]", "C(race)[T.3]"]
    check(doc["age"], ref.effect_and_se("age"))
    check(doc["smoke"], ref.effect_and_se("smoke", (0, 1)))
    check(doc["lwt"], ref.effect_and_se("lwt"))
    check(doc["C(race)[T.2]"], ref.effect_and_se("race", (1, 2)))
    check(doc["C(race)[T.3]"], ref.effect_and_se("race", (1, 3)))
    # T3's hand-computed values (findings #1), for the record
    assert doc["smoke"]["effect"] == pytest.approx(0.2044, abs=1e-4)
    assert doc["lwt"]["effect"] == pytest.approx(-0.00279, abs=1e-5)
    assert [r["discrete"] for r in doc.values()] == [False, True, False, True, True]
    # without --dummy, smoke is differentiated (through age:smoke as well)
    plain = margins_json(capsys, tmp_path / "m.json")
    check(plain["smoke"], ref.effect_and_se("smoke"))
    ey = margins_json(capsys, tmp_path / "m.json", "--dummy", "--method", "eydx")
    check(ey["age"], ref.effect_and_se("age", method="eydx"))
    check(ey["smoke"], ref.effect_and_se("smoke", (0, 1), method="eydx"))
    check(ey["C(race)[T.3]"], ref.effect_and_se("race", (1, 3), method="eydx"))


@pytest.mark.parametrize("method", ["dyex", "eyex"])
def test_elasticities_through_every_term(tmp_path, capsys, lbw, method):
    formula = "low ~ age*smoke + np.log(lwt)"
    doc = margins_json(capsys, fit(tmp_path, formula), "--method", method)
    ref = Reference(smf.logit(formula, lbw).fit(disp=0), lbw)
    check(doc["age"], ref.effect_and_se("age", method=method))
    check(doc["lwt"], ref.effect_and_se("lwt", method=method))


def test_square_term_and_a_value_set_on_the_variable(tmp_path, capsys, lbw):
    formula = "low ~ age + I(age**2) + smoke"
    model = fit(tmp_path, formula)
    ref = Reference(smf.logit(formula, lbw).fit(disp=0), lbw)
    doc = margins_json(capsys, model)
    assert list(doc) == ["age", "smoke"]
    check(doc["age"], ref.effect_and_se("age"))
    assert doc["age"]["effect"] == pytest.approx(-0.00612, abs=1e-5)
    at30 = margins_json(capsys, model, "--at-value", "age=30")
    check(at30["age"], ref.effect_and_se("age", at=("age", 30.0)))
    assert at30["age"]["effect"] == pytest.approx(-0.0229, abs=1e-4)
    check(at30["smoke"], ref.effect_and_se("smoke", at=("age", 30.0)))


def test_derivative_equals_the_exact_chain_rule(tmp_path, lbw):
    """The library's derivative of the re-encoded design against the chain
    rule written out: dp/dage = p (1 - p) (b1 + 2 b2 age), and its exact
    Jacobian in (b1, b2, b3, b0)."""
    from logistic.tabular._formula_margins import formula_margins

    model = fit(tmp_path, "low ~ age + I(age**2) + smoke")
    encoding = json.loads(model.read_text())["encoding"]
    est = logistic.load(model)
    a, s = lbw.age.to_numpy(float), lbw.smoke.to_numpy(float)
    X = pd.DataFrame({"age": a, "I(age ** 2)": a**2, "smoke": s})
    results = est.inference(X, lbw.low)
    me = formula_margins(results, encoding, lbw[["age", "smoke"]], method="dydx")
    b1, b2, b3 = est.coef_[0]
    z = est.intercept_[0] + b1 * a + b2 * a**2 + b3 * s
    p = 1 / (1 + np.exp(-z))
    f, slope = p * (1 - p), b1 + 2 * b2 * a
    np.testing.assert_allclose(np.asarray(me.margeff)[0], np.mean(f * slope), rtol=1e-9)
    df = f * (1 - 2 * p) * slope  # d f / dz times the slope
    jac = np.array(  # display order: intercept, b1, b2, b3
        [
            np.mean(df),
            np.mean(df * a + f),
            np.mean(df * a**2 + f * 2 * a),
            np.mean(df * s),
        ]
    )
    np.testing.assert_allclose(me.jacobian[0], jac, rtol=1e-8, atol=1e-12)


def test_full_rank_factor_levels_against_the_reference(tmp_path, capsys, lbw):
    """``C(race) + smoke - 1``: race 2 and 3 against race 1 (findings #14),
    not three impossible 0 -> 1 moves of single columns. Reference: the same
    likelihood written with an intercept."""
    doc = margins_json(capsys, fit(tmp_path, "low ~ C(race) + smoke - 1"), "--dummy")
    ref = Reference(smf.logit("low ~ C(race) + smoke", lbw).fit(disp=0), lbw)
    assert list(doc) == ["C(race)[T.2]", "C(race)[T.3]", "smoke"]
    check(doc["C(race)[T.2]"], ref.effect_and_se("race", (1, 2)))
    check(doc["C(race)[T.3]"], ref.effect_and_se("race", (1, 3)))
    check(doc["smoke"], ref.effect_and_se("smoke", (0, 1)))
    assert doc["C(race)[T.2]"]["effect"] == pytest.approx(0.2138, abs=1e-4)


def test_full_coding_treatment_levels_against_the_named_reference(
    tmp_path, capsys, lbw
):
    """``0 + C(race, Treatment(3)) + smoke``: every level a column (sorted, as
    formulaic and patsy), and race's levels 1 and 2 against 3, the reference
    the formula names (they were taken against the first sorted level, 1).
    Reference: the same likelihood with an intercept and treatment coding
    against 3 (statsmodels)."""
    model = fit(tmp_path, "low ~ 0 + C(race, Treatment(3)) + smoke")
    stored = json.loads(model.read_text())["encoding"]["factors"]
    assert stored["C(race, Treatment(3))"]["levels"] == [1, 2, 3]
    assert stored["C(race, Treatment(3))"]["reference"] == 3
    doc = margins_json(capsys, model, "--dummy")
    ref = Reference(
        smf.logit("low ~ C(race, Treatment(3)) + smoke", lbw).fit(disp=0), lbw
    )
    label = "C(race, Treatment(3))"
    assert list(doc) == [f"{label}[T.1]", f"{label}[T.2]", "smoke"]
    check(doc[f"{label}[T.1]"], ref.effect_and_se("race", (3, 1)))
    check(doc[f"{label}[T.2]"], ref.effect_and_se("race", (3, 2)))
    check(doc["smoke"], ref.effect_and_se("smoke", (0, 1)))
    # the reduced coding of the same factor stores 3 first and no reference
    reduced = fit(tmp_path, "low ~ C(race, Treatment(3)) + smoke")
    stored = json.loads(reduced.read_text())["encoding"]["factors"]
    assert stored["C(race, Treatment(3))"] == {
        "kind": "categorical",
        "column": "race",
        "levels": [3, 1, 2],
    }


def test_weights_offset_and_robust_covariance(tmp_path, capsys, lbw):
    """Frequency weights and an offset: statsmodels' GLM with freq_weights and
    offset; the sandwich covariance (HC0) of smf.logit for the unweighted fit."""
    rng = np.random.default_rng(3)
    d = lbw.copy()
    d["w"] = rng.integers(1, 4, size=len(d))
    d["off"] = np.round(rng.normal(scale=0.3, size=len(d)), 6)
    path = tmp_path / "lbw.csv"
    d.to_csv(path, index=False)
    formula = "low ~ age*smoke + np.log(lwt)"
    model = fit(tmp_path, formula, "--weights", "w", "--offset", "off", data=path)
    doc = margins_json(capsys, model, "--dummy", data=path)
    glm = smf.glm(
        formula, d, family=sm.families.Binomial(), freq_weights=d.w, offset=d.off
    ).fit(tol=1e-12)
    ref = Reference(glm, d, weights=d.w, offset=d.off)
    check(doc["age"], ref.effect_and_se("age"), rtol_se=1e-6)
    check(doc["smoke"], ref.effect_and_se("smoke", (0, 1)), rtol_se=1e-6)
    check(doc["lwt"], ref.effect_and_se("lwt"), rtol_se=1e-6)

    plain = fit(tmp_path, formula)
    doc = margins_json(capsys, plain, "--cov-type", "HC0")
    robust = Reference(smf.logit(formula, lbw).fit(disp=0, cov_type="HC0"), lbw)
    check(doc["age"], robust.effect_and_se("age"))
    check(doc["lwt"], robust.effect_and_se("lwt"))


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("y ~ a + b + C(g)", False),
        ("y ~ a + b - 1", False),
        ("y ~ a * b", True),
        ("y ~ np.log(a) + b", True),
        ("y ~ a + I(a ** 2)", True),
        ("y ~ C(g) + a - 1", True),
    ],
)
def test_which_formulas_take_effects_per_variable(tmp_path, formula, expected):
    rng = np.random.default_rng(0)
    n = 200
    d = pd.DataFrame(
        {
            "a": rng.uniform(1, 2, n),
            "b": rng.normal(size=n),
            "g": rng.choice(["u", "v", "w"], n),
        }
    )
    d["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-d.b))).astype(int)
    path = tmp_path / "d.csv"
    d.to_csv(path, index=False)
    encoding = json.loads(fit(tmp_path, formula, data=path).read_text())["encoding"]
    assert by_variable(encoding) is expected


@pytest.mark.parametrize(
    "options, message",
    [
        (["--at", "mean"], "--at overall"),
        (["--at-value", "np.log(lwt)=5"], "not a variable of the formula"),
        (["--at-value", "race=7"], "is not one of its levels (1, 2, 3)"),
        (["--method", "eyex"], "not defined for discrete changes"),
        (["--dummy", "--categorical", "columns"], "against the reference"),
    ],
)
def test_refusals(tmp_path, capsys, options, message):
    model = fit(tmp_path, "low ~ age*smoke + np.log(lwt) + C(race)")
    capsys.readouterr()
    assert main(["margins", str(model), str(LBW), "-q", *options]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_a_categorical_value_set_on_every_row(tmp_path, capsys, lbw):
    formula = "low ~ age*smoke + np.log(lwt) + C(race)"
    doc = margins_json(capsys, fit(tmp_path, formula), "--at-value", "race=3")
    ref = Reference(smf.logit(formula, lbw).fit(disp=0), lbw)
    check(doc["age"], ref.effect_and_se("age", at=("race", 3)))


def test_multinomial_effects_of_the_variables(tmp_path, capsys, lbw):
    """race (3 classes) ~ age*smoke + np.log(lwt): the effects on every class
    probability, against statsmodels' ``smf.mnlogit`` (its own fit, design and
    covariance; the softmax's derivative written out here)."""
    formula = "race ~ age*smoke + np.log(lwt)"
    model = fit(tmp_path, formula)
    capsys.readouterr()
    argv = ["margins", str(model), str(LBW), "--json", "-q", "--dummy"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {(r["class"], r["term"]): r for r in doc["effects"]}
    r = smf.mnlogit(formula, lbw).fit(disp=0, method="newton", tol=1e-12)
    spec = r.model.data.model_spec
    params = np.asarray(r.params, float)  # (q, K-1)
    bse = np.asarray(r.bse, float)
    cov = np.asarray(r.cov_params(), float)
    # statsmodels' covariance is equation by equation: its diagonal is bse's columns
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), bse.T.ravel(), rtol=1e-12)

    def design(frame):
        if hasattr(spec, "get_model_matrix"):
            return np.asarray(spec.get_model_matrix(frame), dtype=float)
        import patsy

        return np.asarray(patsy.build_design_matrices([spec], frame)[0])

    def probabilities(X):
        Z = np.hstack([np.zeros((len(X), 1)), X @ params])
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    def reference(variable, change=None, log=False):
        if change is None:
            v = lbw[variable].astype(float)
            values, divisor = (v - H, v + H), 2 * H
        else:
            values, divisor = change, 1.0
        X0, X1 = (design(lbw.assign(**{variable: x})) for x in values)
        P0, P1 = probabilities(X0), probabilities(X1)
        F = np.log if log else (lambda P: P)
        effect = (F(P1) - F(P0)).mean(axis=0) / divisor  # (K,)
        K = P0.shape[1]
        delta = np.eye(K)[:, 1:]

        def grad(P, X):  # d mean P_j / d theta_{m,k}: (K, K-1, q)
            H_ = delta[None] - P[:, None, 1:]  # d log P_j / d z_m
            H_ = H_ if log else P[:, :, None] * H_
            return np.einsum("njm,nk->jmk", H_, X) / len(X)

        J = ((grad(P1, X1) - grad(P0, X0)) / divisor).reshape(K, -1)
        return effect, np.sqrt(np.diag(J @ cov @ J.T))

    for term, variable, change in [
        ("age", "age", None),
        ("smoke", "smoke", (0, 1)),
        ("lwt", "lwt", None),
    ]:
        effect, se = reference(variable, change)
        for j, cls in enumerate(["1", "2", "3"]):
            row = got[(cls, term)]
            np.testing.assert_allclose(row["effect"], effect[j], rtol=1e-7, atol=1e-12)
            np.testing.assert_allclose(row["std_error"], se[j], rtol=1e-6)
    argv += ["--method", "eydx"]
    assert main(argv) == 0
    ey = {
        (r["class"], r["term"]): r
        for r in json.loads(capsys.readouterr().out)["effects"]
    }
    for term, variable, change in [("age", "age", None), ("smoke", "smoke", (0, 1))]:
        effect, se = reference(variable, change, log=True)
        for j, cls in enumerate(["1", "2", "3"]):
            row = ey[(cls, term)]
            np.testing.assert_allclose(row["effect"], effect[j], rtol=1e-7, atol=1e-12)
            np.testing.assert_allclose(row["std_error"], se[j], rtol=1e-6)
    assert sum(got[(c, "smoke")]["effect"] for c in "123") == pytest.approx(
        0, abs=1e-12
    )


def test_python_effects_of_formula_columns_warn(tmp_path, lbw):
    """In Python, get_margeff takes the design columns it is given: columns a
    formula made (age:smoke, np.log(lwt)) get a warning; plain ones none."""
    import warnings

    model = fit(tmp_path, "low ~ age*smoke + np.log(lwt)")
    est = logistic.load(model)
    X = pd.DataFrame(
        {
            "age": lbw.age * 1.0,
            "smoke": lbw.smoke * 1.0,
            "np.log(lwt)": np.log(lbw.lwt),
            "age:smoke": lbw.age * lbw.smoke * 1.0,
        }
    )[list(est.feature_names_in_)]
    with pytest.warns(UserWarning, match="per design column") as record:
        est.inference(X, lbw.low).get_margeff()
    assert record[0].filename == __file__
    plain = logistic.LogisticRegression().fit(X[["age", "smoke"]], lbw.low)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain.inference(X[["age", "smoke"]], lbw.low).get_margeff()


def test_text_categorical_in_an_interaction_with_rows_left_out(tmp_path, capsys, lbw):
    """``age*grp`` with grp a text column (categorical without C()), three rows
    with a missing lwt left out as at fit: age through age:grp, each grp level
    against the first (black)."""
    d = lbw.copy()
    d["grp"] = np.where(d.race == 1, "white", np.where(d.race == 2, "black", "other"))
    d.loc[[3, 10, 50], "lwt"] = np.nan
    path = tmp_path / "edge.csv"
    d.to_csv(path, index=False)
    formula = "low ~ age*grp + np.log(lwt)"
    model = fit(tmp_path, formula, "--missing", "drop", data=path)
    doc = margins_json(capsys, model, data=path)
    assert list(doc) == ["age", "grp[T.other]", "grp[T.white]", "lwt"]
    kept = d.dropna(subset=["lwt"]).reset_index(drop=True)
    ref = Reference(smf.logit(formula, kept).fit(disp=0), kept)
    check(doc["age"], ref.effect_and_se("age"))
    check(doc["lwt"], ref.effect_and_se("lwt"))
    check(doc["grp[T.other]"], ref.effect_and_se("grp", ("black", "other")))
    check(doc["grp[T.white]"], ref.effect_and_se("grp", ("black", "white")))
