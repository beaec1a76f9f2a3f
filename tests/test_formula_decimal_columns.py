"""A decimal column (Parquet ``decimal128``, as pyarrow, polars or Spark write
money and measurements) named in a ``--formula`` holds numbers.

Without a formula the command line read such a column as numbers; with one,
pyarrow's ``to_pandas`` gave Python ``Decimal`` objects: ``y ~ x + C(g)``
stopped on its own training rows with "column 'x' (formula term 'x') ... has
categories not seen at fit time: [Decimal('-0.0010'), ...]; known: [None,
None, ...]", and ``predict`` of a formula model on such a file with "must be
numeric for formula term 'x', got object". Now the column is read as float64,
as without a formula. Reference: statsmodels' ``Logit`` on the same values as
float64 with the dummies of ``g`` (reference level ``a``).
"""

from __future__ import annotations

import csv
import decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import run_cli

sm = pytest.importorskip("statsmodels.api")


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    n = 300
    x = np.round(rng.normal(size=n), 4)
    g = rng.choice(["a", "b", "c"], n)
    eta = x + np.select([g == "a", g == "b"], [0.0, 1.0], -1.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return x, g, y


def _decimals(x: np.ndarray, dictionary: bool = False) -> pa.Array:
    values = pa.array(
        [decimal.Decimal(f"{v:.4f}") for v in x], type=pa.decimal128(10, 4)
    )
    return values.dictionary_encode() if dictionary else values


def _statsmodels(x: np.ndarray, g: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.column_stack(
        [np.ones_like(x), x, (g == "b").astype(float), (g == "c").astype(float)]
    )
    return np.asarray(sm.Logit(y, design).fit(disp=0, tol=1e-12).params)


@pytest.mark.parametrize("dictionary", [False, True])
def test_fit_reads_a_decimal_column_as_numbers(workdir, capsys, dictionary):
    from logistic import load

    x, g, y = _data()
    table = pa.table({"x": _decimals(x, dictionary), "g": g, "y": y})
    pq.write_table(table, workdir / "d.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "d.parquet", "--formula", "y ~ x + C(g)", "-o", "m.json"]
    )
    assert code == 0, err
    model = load(workdir / "m.json")
    assert list(model.feature_names_in_) == ["x", "C(g)[T.b]", "C(g)[T.c]"]
    ours = np.r_[model.intercept_, model.coef_.ravel()]
    np.testing.assert_allclose(ours, _statsmodels(x, g, y), rtol=1e-6, atol=1e-8)


def test_predict_of_a_formula_model_on_decimal_data(workdir, capsys):
    x, g, y = _data()
    pq.write_table(pa.table({"x": x, "g": g, "y": y}), workdir / "f.parquet")
    pq.write_table(
        pa.table({"x": _decimals(x), "g": g, "y": y}), workdir / "d.parquet"
    )
    code, _, err = run_cli(
        capsys, ["fit", "f.parquet", "--formula", "y ~ x + C(g)", "-o", "m.json"]
    )
    assert code == 0, err
    for name in ("f", "d"):
        code, _, err = run_cli(
            capsys, ["predict", "m.json", f"{name}.parquet", "-o", f"{name}.csv"]
        )
        assert code == 0, err
    with open(workdir / "f.csv") as f, open(workdir / "d.csv") as d:
        floats, decimals = list(csv.DictReader(f)), list(csv.DictReader(d))
    assert len(decimals) == len(x)
    np.testing.assert_allclose(
        [float(r["proba"]) for r in decimals], [float(r["proba"]) for r in floats]
    )
    design = np.column_stack(
        [np.ones_like(x), x, (g == "b").astype(float), (g == "c").astype(float)]
    )
    expected = 1 / (1 + np.exp(-design @ _statsmodels(x, g, y)))
    np.testing.assert_allclose(
        [float(r["proba"]) for r in decimals], expected, rtol=1e-6
    )


def test_decimal_levels_inside_c_are_numbers(workdir, capsys):
    from logistic import load

    levels = np.array([0.5, 1.25, 2.0])
    rng = np.random.default_rng(3)
    x = levels[rng.integers(0, 3, 90)]
    y = (rng.random(90) < np.where(x > 1, 0.7, 0.3)).astype(int)
    pq.write_table(pa.table({"x": _decimals(x), "y": y}), workdir / "d.parquet")
    code, _, err = run_cli(
        capsys, ["fit", "d.parquet", "--formula", "y ~ C(x)", "-o", "m.json"]
    )
    assert code == 0, err
    model = load(workdir / "m.json")
    assert list(model.feature_names_in_) == ["C(x)[T.1.25]", "C(x)[T.2.0]"]
    design = np.column_stack(
        [np.ones_like(x), (x == 1.25).astype(float), (x == 2.0).astype(float)]
    )
    expected = sm.Logit(y, design).fit(disp=0, tol=1e-12).params
    np.testing.assert_allclose(
        np.r_[model.intercept_, model.coef_.ravel()], expected, rtol=1e-6
    )
    code, _, err = run_cli(capsys, ["predict", "m.json", "d.parquet", "-o", "p.csv"])
    assert code == 0, err
