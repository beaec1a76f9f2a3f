"""Formula margins: the derivative's step follows the variable's scale, and
the categorical convention of the per-variable route is stated.

References, from outside the code under test:

* the exact chain rule written out in numpy at the fitted coefficients:
  ``dp/dx = p (1 - p) b / x`` for ``np.log(x)``, ``p (1 - p) 2 b x`` for
  ``I(x**2)``, and the Jacobian of the log effect in ``(b0, b_log, b_age)``;
  the variable ``x`` is lwt (MASS birthwt) rescaled to 1e-6, 1e-3, 1 and 1e6,
  so a step that ignores the scale shows (relative error 9e-6 at 1e-3, a
  failure at 1e-6);
* the same model written two ways (``C(race) + age + smoke`` with ``--dummy``
  and ``C(race) + age + smoke - 1``) gives the same discrete changes, because
  both have the same fitted probabilities.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path
from logistic.cli.app import main
from logistic.tabular._formula_margins import formula_margins

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")


def _fit(tmp_path, d, formula):
    data = tmp_path / "d.csv"
    d.to_csv(data, index=False)
    model = tmp_path / "m.json"
    argv = ["fit", str(data), "--formula", formula, "-o", str(model), "-q", "--force"]
    assert main(argv) == 0
    back = pd.read_csv(data)
    return data, model, back


def _effects(model, X, y, frame):
    encoding = json.loads(model.read_text())["encoding"]
    est = logistic.load(model)
    results = est.inference(X, y)
    return est, formula_margins(results, encoding, frame, method="dydx")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("scale", [1e-6, 1e-3, 1.0, 1e6])
def test_log_effect_equals_the_chain_rule_at_every_scale(tmp_path, scale):
    d = pd.read_csv(LBW)[["low", "age", "lwt"]]
    d["x"] = d.lwt * (scale / 100.0)
    data, model, back = _fit(tmp_path, d[["low", "age", "x"]], "low ~ np.log(x) + age")
    x, age = back.x.to_numpy(float), back.age.to_numpy(float)
    X = pd.DataFrame({"np.log(x)": np.log(x), "age": age})
    est, me = _effects(model, X, back.low, back[["x", "age"]])
    b_log, b_age = est.coef_[0]
    p = _sigmoid(est.intercept_[0] + b_log * np.log(x) + b_age * age)
    f = p * (1 - p)
    exact = np.mean(f * b_log / x)
    np.testing.assert_allclose(np.asarray(me.margeff)[0], exact, rtol=1e-9)
    df = f * (1 - 2 * p) * b_log / x  # d(f b / x)/dz
    jac = [np.mean(df), np.mean(df * np.log(x) + f / x), np.mean(df * age)]
    np.testing.assert_allclose(me.jacobian[0], jac, rtol=1e-8)


@pytest.mark.parametrize("scale", [1e-6, 1e-3, 1.0, 1e6])
def test_square_effect_equals_the_chain_rule_at_every_scale(tmp_path, scale):
    d = pd.read_csv(LBW)[["low", "age", "lwt"]]
    d["x"] = d.lwt * (scale / 100.0)
    data, model, back = _fit(tmp_path, d[["low", "age", "x"]], "low ~ I(x**2) + age")
    x, age = back.x.to_numpy(float), back.age.to_numpy(float)
    X = pd.DataFrame({"I(x ** 2)": x**2, "age": age})
    est, me = _effects(model, X, back.low, back[["x", "age"]])
    b_sq, b_age = est.coef_[0]
    p = _sigmoid(est.intercept_[0] + b_sq * x**2 + b_age * age)
    exact = np.mean(p * (1 - p) * 2 * b_sq * x)
    np.testing.assert_allclose(np.asarray(me.margeff)[0], exact, rtol=1e-9)


def test_a_row_far_below_the_others_keeps_its_step_inside_the_log(tmp_path):
    """One value 1e-9 among values near 1: the usual step (6e-6) would cross
    0; that row takes a step relative to its own value."""
    d = pd.read_csv(LBW)[["low", "age", "lwt"]]
    d["x"] = d.lwt / 100.0
    d.loc[0, "x"] = 1e-9
    data, model, back = _fit(tmp_path, d[["low", "age", "x"]], "low ~ np.log(x) + age")
    x, age = back.x.to_numpy(float), back.age.to_numpy(float)
    X = pd.DataFrame({"np.log(x)": np.log(x), "age": age})
    est, me = _effects(model, X, back.low, back[["x", "age"]])
    b_log, b_age = est.coef_[0]
    p = _sigmoid(est.intercept_[0] + b_log * np.log(x) + b_age * age)
    exact = np.mean(p * (1 - p) * b_log / x)
    np.testing.assert_allclose(np.asarray(me.margeff)[0], exact, rtol=1e-9)


def _margins(capsys, model, data, *options):
    capsys.readouterr()
    code = main(["margins", str(model), str(data), *options])
    captured = capsys.readouterr()
    return code, captured.out, " ".join(captured.err.split())


def test_sqrt_at_zero_is_refused_naming_the_variable(tmp_path, capsys):
    d = pd.read_csv(LBW)[["low", "age", "lwt"]]
    d["x"] = d.lwt - d.lwt.min()  # one row at 0: sqrt has no finite slope there
    data, model, _ = _fit(tmp_path, d[["low", "age", "x"]], "low ~ np.sqrt(x) + age")
    code, _, err = _margins(capsys, model, data, "-q")
    assert code == 2, err
    assert "the effect of 'x' is a derivative on every row" in err
    assert "smallest |x| is 0" in err


def test_a_value_set_outside_a_terms_domain_names_the_option(tmp_path, capsys):
    d = pd.read_csv(LBW)[["low", "age", "lwt"]]
    data, model, _ = _fit(tmp_path, d, "low ~ np.log(lwt) + age")
    code, _, err = _margins(capsys, model, data, "-q", "--at-value", "lwt=0")
    assert code == 2, err
    assert "--at-value lwt=0: np.log(lwt) is not finite at 0" in err
    assert "data row" not in err


def test_categorical_convention_of_the_two_routes(tmp_path, capsys):
    """The per-variable route (``- 1``) shows race's levels as discrete
    changes and says so on stderr; the plain route gives the same numbers
    with --dummy, and its derivative (no note) without."""
    d = pd.read_csv(LBW)[["low", "age", "smoke", "race"]]
    plain = tmp_path / "plain"
    full = tmp_path / "full"
    plain.mkdir()
    full.mkdir()
    data, m_plain, _ = _fit(plain, d, "low ~ C(race) + age + smoke")
    _, m_full, _ = _fit(full, d, "low ~ C(race) + age + smoke - 1")
    code, out, err = _margins(capsys, m_full, data, "--json")
    assert code == 0
    by_var = {r["term"]: r for r in json.loads(out)["effects"]}
    assert by_var["C(race)[T.2]"]["discrete"]
    assert "discrete changes against their reference level" in err
    code, out, err = _margins(capsys, m_plain, data, "--json", "--dummy")
    assert code == 0 and "discrete changes against" not in err
    dummy = {r["term"]: r for r in json.loads(out)["effects"]}
    for level in ("C(race)[T.2]", "C(race)[T.3]"):
        np.testing.assert_allclose(
            by_var[level]["effect"], dummy[level]["effect"], rtol=1e-7
        )
        np.testing.assert_allclose(
            by_var[level]["std_error"], dummy[level]["std_error"], rtol=1e-5
        )
    code, out, err = _margins(capsys, m_plain, data, "--json")
    assert code == 0 and "discrete changes against" not in err
    assert not {r["term"]: r for r in json.loads(out)["effects"]}["C(race)[T.2]"][
        "discrete"
    ]
    code, out, err = _margins(capsys, m_full, data, "--json", "-q")
    assert code == 0 and "discrete changes against" not in err
