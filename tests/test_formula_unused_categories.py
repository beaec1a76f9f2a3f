"""A ``C(column)`` of a Parquet column of categories has the levels its
training rows hold, in the category order.

A pandas ``Categorical`` written to Parquet keeps its unused categories in
the column's dictionary. With an unused first category (``['z', 'a', 'b',
'c']``, no row ``z``) ``--formula "y ~ x + C(g)"`` made ``z`` the reference:
the summary printed ``C(g)[T.a]`` and ``C(g)[T.b]`` (in truth against ``c``)
and ``C(g)[T.c]`` as NA "not defined because of singularities"; an unused
last category printed a NA row of zeros. The same file without a formula
drops unused categories (reference ``a``), and so does R's ``glm``
(``drop.unused.levels``). Now the formula does too, also for a level only
rows left out by ``--missing drop`` held. Reference: statsmodels' ``Logit``
on the dummies of the levels present, ``a`` the reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

sm = pytest.importorskip("statsmodels.api")


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 300
    x = rng.normal(size=n)
    g = rng.choice(["a", "b", "c"], n)
    eta = x + np.select([g == "a", g == "b"], [0.0, 1.0], -1.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return pd.DataFrame({"x": x, "g": g, "y": y})


def _statsmodels(frame: pd.DataFrame) -> np.ndarray:
    g = frame["g"].astype(str).to_numpy()
    design = np.column_stack(
        [
            np.ones(len(frame)),
            frame["x"].to_numpy(),
            (g == "b").astype(float),
            (g == "c").astype(float),
        ]
    )
    fit = sm.Logit(frame["y"].to_numpy(), design).fit(disp=0, tol=1e-12)
    return np.asarray(fit.params)


def _fit(workdir, capsys, *options: str):
    from logistic import load

    args = ["fit", "d.parquet", "--formula", "y ~ x + C(g)", "-o", "m.json"]
    code, out, err = run_cli(capsys, [*args, *options])
    assert code == 0, err
    assert "NA" not in out
    return load(workdir / "m.json")


@pytest.mark.parametrize(
    "categories", [["z", "a", "b", "c"], ["a", "b", "c", "z"], ["a", "z", "b", "c"]]
)
def test_unused_categories_are_no_levels(workdir, capsys, categories):
    frame = _frame()
    written = frame.assign(g=pd.Categorical(frame["g"], categories=categories))
    written.to_parquet(workdir / "d.parquet")
    model = _fit(workdir, capsys)
    assert list(model.feature_names_in_) == ["x", "C(g)[T.b]", "C(g)[T.c]"]
    np.testing.assert_allclose(
        np.r_[model.intercept_, model.coef_.ravel()],
        _statsmodels(frame),
        rtol=1e-6,
        atol=1e-8,
    )
    code, _, err = run_cli(capsys, ["predict", "m.json", "d.parquet", "-o", "p.csv"])
    assert code == 0, err


def test_a_level_only_dropped_rows_held(workdir, capsys):
    frame = _frame()
    written = frame.copy()
    written.loc[0, ["g", "x"]] = ["d", np.nan]
    written["g"] = written["g"].astype("category")
    written.to_parquet(workdir / "d.parquet")
    model = _fit(workdir, capsys, "--missing", "drop")
    assert list(model.feature_names_in_) == ["x", "C(g)[T.b]", "C(g)[T.c]"]
    np.testing.assert_allclose(
        np.r_[model.intercept_, model.coef_.ravel()],
        _statsmodels(frame.iloc[1:]),
        rtol=1e-6,
        atol=1e-8,
    )
