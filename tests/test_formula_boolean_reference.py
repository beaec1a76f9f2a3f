"""``C(flag, Treatment(True))``: the reference level of a boolean column.

A boolean column's levels are ``False`` and ``True``; formulaic and patsy
take ``Treatment(True)`` (statsmodels' ``smf.logit`` on the same frame gives
the reference values below). The term reader took only a number or a string
as the reference, so ``Treatment(True)`` was refused with "treatment coding
is the only one supported (no Sum, Helmert or Poly contrast ...)": wrong,
for it is treatment coding, and with no way to make ``True`` the reference.
Now ``True``/``False`` is read as the level, stored and rebuilt at predict.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from conftest import run_cli


def test_treatment_true_of_a_boolean_column(tmp_path, capsys):
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(8)
    n = 300
    frame = pd.DataFrame({"a": rng.normal(size=n), "flag": rng.random(n) < 0.4})
    logit = 0.5 * frame["a"] - 0.7 * frame["flag"]
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame.to_csv(tmp_path / "d.csv", index=False)  # flag written True/False
    model = tmp_path / "m.json"
    formula = "y ~ C(flag, Treatment(True)) + a"
    code, _, err = run_cli(
        capsys, ["fit", tmp_path / "d.csv", "--formula", formula, "-o", model]
    )
    assert code == 0, err
    ref = smf.logit(formula, frame).fit(disp=0)
    doc = json.loads(model.read_text())
    assert doc["model"]["feature_names"] == ["C(flag, Treatment(True))[T.False]", "a"]
    np.testing.assert_allclose(
        np.ravel(doc["model"]["coef"]),
        [ref.params["C(flag, Treatment(True))[T.False]"], ref.params["a"]],
        rtol=1e-6,
    )
    code, out, err = run_cli(capsys, ["predict", model, tmp_path / "d.csv", "-o", "-"])
    assert code == 0, err
    proba = pd.read_csv(io.StringIO(out))["proba"].to_numpy()
    np.testing.assert_allclose(proba, ref.predict(frame), rtol=1e-6)
