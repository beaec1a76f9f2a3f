"""Predictions and marginal effects that need an aliased coefficient.

An interaction with an empty cell (``C(A)*C(B)`` with no row at A = c,
B = y) leaves the cell's coefficient aliased (a column of zeros: R's NA).
A prediction in that cell, and a discrete change that moves rows into it,
depend on that coefficient, which the data do not determine: the reference
is statsmodels' GLM refitted with the aliased column as an offset of
different sizes, whose log-likelihood stays the same while such a
prediction moves (and an estimable one does not). As R's ``predict``
(``non-estim``) and Stata's ``margins`` ("not estimable"), their standard
errors are the reduced model's (R's ``predict.glm``) but marked and warned
of, and such effects are NaN, with a NonEstimableWarning.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from conftest import run_cli
from logistic import LogisticRegression, NonEstimableWarning

COLUMNS = ["x", "A_b", "A_c", "B_y", "A_b:B_y", "A_c:B_y"]


def _cells(n=300, seed=7):
    rng = np.random.default_rng(seed)
    A = rng.choice(["a", "b", "c"], n)
    B = rng.choice(["x", "y"], n)
    B[A == "c"] = "x"  # the cell (c, y) is empty
    x = rng.normal(size=n)
    eta = -0.3 + 0.5 * x + 0.4 * (A == "b") - 0.6 * (A == "c") + 0.7 * (B == "y")
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return pd.DataFrame({"y": y, "x": x, "A": A, "B": B})


def _design(d):
    a_b, a_c, b_y = (d.A == "b") * 1.0, (d.A == "c") * 1.0, (d.B == "y") * 1.0
    cols = [d.x, a_b, a_c, b_y, a_b * b_y, a_c * b_y]
    return pd.DataFrame(dict(zip(COLUMNS, cols, strict=True)))


NEW = pd.DataFrame({"x": [0.0, 0.5], "A": ["c", "a"], "B": ["y", "y"]})


def test_the_empty_cell_is_not_determined_by_the_data():
    # the premise, from statsmodels: the likelihood does not see the cell's
    # coefficient, the prediction in the cell does, the other one does not
    d = _cells()
    X = sm.add_constant(_design(d)[COLUMNS[:-1]])
    new = sm.add_constant(_design(NEW)[COLUMNS[:-1]], has_constant="add")
    cell = _design(NEW)[COLUMNS[-1]].to_numpy()
    fits = []
    for c in (-3.0, 0.0, 3.0):  # the aliased column's coefficient, fixed at c
        offset = c * _design(d)[COLUMNS[-1]].to_numpy()
        res = sm.GLM(d.y, X, family=sm.families.Binomial(), offset=offset).fit()
        fits.append((res.llf, res.predict(new, offset=c * cell)))
    assert np.ptp([f[0] for f in fits]) < 1e-9
    in_cell = [f[1][0] for f in fits]
    assert np.ptp(in_cell) > 0.5
    assert np.ptp([f[1][1] for f in fits]) < 1e-9


def _fitted():
    d = _cells()
    with warnings.catch_warnings():  # Newton meets the column of zeros
        warnings.simplefilter("ignore", logistic.NumericalStabilityWarning)
        model = LogisticRegression().fit(_design(d), d.y)
    return d, model


def test_predictions_in_the_empty_cell_are_marked_not_estimable():
    d, model = _fitted()
    res = model.inference(_design(d), d.y)
    assert res.aliased == ["A_c:B_y"]
    with pytest.warns(NonEstimableWarning, match=r"1 of 2 rows \(row 1,.*A_c:B_y"):
        pred = res.get_prediction(_design(NEW))
    np.testing.assert_array_equal(pred.estimable, [False, True])
    # both rows' numbers: statsmodels' reduced fit (the empty cell's column
    # dropped), R's predict.glm with the NA read as 0
    X = sm.add_constant(_design(d)[COLUMNS[:-1]])
    ref = sm.GLM(d.y, X, family=sm.families.Binomial()).fit()
    new = sm.add_constant(_design(NEW)[COLUMNS[:-1]], has_constant="add")
    expected = ref.get_prediction(new).summary_frame(0.05)
    np.testing.assert_allclose(pred.predicted, expected["mean"], rtol=1e-7)
    np.testing.assert_allclose(pred.se, expected["mean_se"], rtol=1e-6)


def test_training_rows_are_all_estimable():
    d, model = _fitted()
    res = model.inference(_design(d), d.y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonEstimableWarning)
        pred = res.get_prediction(_design(d))
    assert pred.estimable.all()


def test_a_saved_model_keeps_what_it_can_estimate(tmp_path, capsys):
    d, model = _fitted()
    path = tmp_path / "m.json"
    logistic.save(model, path)
    stats = json.loads(path.read_text())["training"]["fit_statistics"]
    assert len(stats["null_basis"]) == 1
    loaded = logistic.load(path)
    with pytest.warns(NonEstimableWarning, match=r"1 of 2 rows \(row 1,"):
        frame = loaded.predict_interval(_design(NEW))
    expected = model.inference(_design(d), d.y)
    with pytest.warns(NonEstimableWarning):
        expected = expected.get_prediction(_design(NEW)).summary_frame(0.05)
    np.testing.assert_allclose(frame.to_numpy(float), expected.to_numpy(float), rtol=1e-8)
    # the command line says so too
    _design(NEW).to_csv(tmp_path / "new.csv", index=False)
    args = ["predict", str(path), str(tmp_path / "new.csv"), "--interval", "0.95", "-o", "-"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    # named by its place in the file (data row 1 is the CSV's line 2)
    assert "not estimable" in err and "1 of 2 rows scored (line 2)" in err


@pytest.mark.parametrize(
    "bad",
    [
        [[1.0, 0.0]],
        "zero",
        [["x"] * 7],
        [[1.0] * 7, [1.0] * 7],
        [[None] * 7],
        3,
        [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],  # nothing at the aliased parameter
        [[0.0, 0.0, 0.0, 0.0, 0.0, 5e-324, 0.0]],  # not scaled to a largest 1
        [[0.0, 0.0, 0.0, 0.0, 0.0, 1e308, 0.0]],
        "negative spread",
        "no spread",
        "spread of text",
    ],
)
def test_a_malformed_null_basis_is_refused(tmp_path, bad):
    from test_aliased_model_file import _rewrite  # a valid checksum

    d, model = _fitted()
    path = tmp_path / "m.json"
    logistic.save(model, path)
    value = [[0.0] * 7] if bad == "zero" else bad
    spread = None
    if bad in ("negative spread", "no spread", "spread of text"):
        value = json.loads(path.read_text())["training"]["fit_statistics"]["null_basis"]
        spread = {"negative spread": [-1.0], "no spread": [], "spread of text": ["x"]}[bad]

    def edit(doc):
        doc["training"]["fit_statistics"]["null_basis"] = value
        if spread is not None:
            doc["training"]["fit_statistics"]["null_spread"] = spread

    _rewrite(path, edit)
    with pytest.raises(logistic.ModelFormatError, match="null_basis|null_spread"):
        logistic.load(path)


def test_margins_through_the_empty_cell_are_not_estimable(workdir, capsys):
    _cells().to_csv(workdir / "cell.csv", index=False)
    args = ["fit", "cell.csv", "--formula", "y ~ x + C(A)*C(B)", "-o", "m.json", "-q"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "cell.csv", "--dummy", "--json"])
    assert code == 0, err
    effects = {r["term"]: r for r in json.loads(out)["effects"]}
    assert effects["C(A)[T.c]"]["effect"] is None
    assert effects["C(B)[T.y]"]["effect"] is None
    assert effects["C(A)[T.b]"]["effect"] is not None
    assert effects["x"]["effect"] is not None
    assert "not estimable" in err


def _sum_column(extra=None, seed=0, n=1000):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=(2, n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(x1 - x2)))).astype(float)
    x3 = x1 + x2 if extra is None else extra(x1, x2, rng)
    return pd.DataFrame({"x1": x1, "x2": x2, "x3": x3}), y


def _x3_aliased_and_training_rows_estimable(X, y):
    """The inference of an unpenalized fit of ``X`` (x3 a combination of
    x1, x2), after checking that x3 is the aliased column and that every
    training row is estimable (without a NonEstimableWarning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", logistic.NumericalStabilityWarning)
        res = LogisticRegression().fit(X, y).inference(X, y)
    assert res.aliased == ["x3"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonEstimableWarning)
        assert res.get_prediction(X).estimable.all()
    return res


@pytest.mark.parametrize(
    "case",
    [
        "exact",
        "written with six decimals",  # aliased by the rank rule, not exactly
        "off by 1e-8",  # a residual ratio of ~1e-8: aliased on 1 000 rows
        "large mean",
    ],
)
def test_the_training_rows_and_their_span_are_estimable(case):
    # x3 = x1 + x2 on the training rows: any row with x3 = x1 + x2, the
    # all-zero row (the intercept alone) included, is in their span
    extra = {
        "exact": None,
        "written with six decimals": lambda a, b, r: np.round(a + b, 6),
        "off by 1e-8": lambda a, b, r: a + b + 1e-8 * r.normal(size=a.size),
        "large mean": None,
    }[case]
    X, y = _sum_column(extra)
    if case == "large mean":
        X = X.assign(x1=X.x1 + 1e4, x3=X.x3 + 1e4)
    res = _x3_aliased_and_training_rows_estimable(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonEstimableWarning)
        new = pd.DataFrame({"x1": [0.0, 1.0], "x2": [0.0, 2.0], "x3": [0.0, 3.0]})
        if case == "large mean":
            new = new.assign(x1=new.x1 + 1e4, x3=new.x3 + 1e4)
        assert res.get_prediction(new).estimable.all()
    off = pd.DataFrame({"x1": [1.0], "x2": [2.0], "x3": [5.0]})  # 5 ≠ 1 + 2
    if case == "large mean":
        off = off.assign(x1=off.x1 + 1e4, x3=off.x3 + 1e4)
    with pytest.warns(NonEstimableWarning):
        assert not res.get_prediction(off).estimable[0]


def test_a_slope_through_an_empty_cell_is_not_estimable(workdir, capsys):
    # y ~ x*C(A) with x = 0 on every row at A = c: x:C(A)[T.c] is aliased, so
    # x's slope at A = c (β_x + β_x:c) is undetermined, and so is the average
    # slope over rows that include them; A = b's change is not affected
    rng = np.random.default_rng(1)
    n = 600
    A = rng.choice(["a", "b", "c"], n)
    x = np.where(A == "c", 0.0, rng.normal(size=n))
    eta = 0.2 + 0.8 * x - 0.5 * (A == "b") + 0.6 * (A == "c")
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    pd.DataFrame({"y": y, "x": x, "A": A}).to_csv(workdir / "slope.csv", index=False)
    code, _, err = run_cli(
        capsys, ["fit", "slope.csv", "--formula", "y ~ x*C(A)", "-o", "m.json", "-q"]
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, ["margins", "m.json", "slope.csv", "--json"])
    assert code == 0, err
    effects = {r["term"]: r["effect"] for r in json.loads(out)["effects"]}
    assert effects["x"] is None and effects["C(A)[T.c]"] is None
    assert effects["C(A)[T.b]"] is not None
    assert "not estimable" in err


def test_a_duplicate_of_a_column_with_a_large_mean():
    # the information is the raw columns': a column whose mean is 100 times
    # its spread still tells a row 0.01 standard deviations off its duplicate,
    # and never flags a training row
    X, y = _sum_column()
    X = X.assign(x1=X.x1 + 100.0, x3=X.x1 + 100.0)  # x3 duplicates x1
    res = _x3_aliased_and_training_rows_estimable(X, y)
    off = pd.DataFrame({"x1": [100.0], "x2": [0.0], "x3": [100.05]})
    with pytest.warns(NonEstimableWarning):
        assert not res.get_prediction(off).estimable[0]


def test_a_column_aliased_by_rounding_gives_the_reduced_models_fit(workdir, capsys):
    # s = x + z written with six decimals: aliased by the rank rule, not exactly;
    # the full fit drifts along the rounding (hundreds of Newton steps), and one
    # step back to the reduced model missed its optimum (0.2 % off, the
    # drifted fit's log-likelihood), so `margins` refused the training file.
    # Reference: statsmodels' fit without s.
    rng = np.random.default_rng(3)
    n = 800
    x, z = rng.uniform(1, 3, n), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * x - 0.4 * z)))).astype(int)
    d = pd.DataFrame({"y": y, "x": x, "z": z, "s": np.round(x + z, 6)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(d[["x", "z", "s"]], d.y)
        res = model.inference(d[["x", "z", "s"]], d.y)
    ref = sm.GLM(d.y, sm.add_constant(d[["x", "z"]]), family=sm.families.Binomial()).fit()
    assert res.aliased == ["s"]
    np.testing.assert_allclose(model.coef_.ravel()[:2], ref.params[["x", "z"]], rtol=1e-7)
    np.testing.assert_allclose(model.intercept_[0], ref.params["const"], rtol=1e-7)
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    d.to_csv(workdir / "d.csv", index=False)
    args = ["fit", "d.csv", "--formula", "y ~ x + z + s", "-o", "m.json", "-q"]
    assert run_cli(capsys, args)[0] == 0
    code, _, err = run_cli(capsys, ["margins", "m.json", "d.csv", "-q"])
    assert code == 0, err
