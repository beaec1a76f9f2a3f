"""Streamed and Dask fits with an aliased column store R's reduced model, as
an in-memory fit does.

Their separation is not checked (``separation_ = "unchecked"``), and the step
that sets aliased coefficients to 0 and moves the others to the reduced
model's optimum was skipped for them: the summary's table read the reduced
model (intercept 0.2748, ``a`` NA) while the model file kept the solver's
point (``a`` 3e-16, intercept -0.038), so predictions from the file
disagreed with the table; an exact dependency warned only Newton's guess.
References: the in-memory fit of the same file, and statsmodels' ``Logit``
without the aliased column.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import run_cli
from logistic import LogisticRegression
from logistic._fit_aliased import ALIASED_LEFT_OUT
from logistic.backends import Chunked

UCLA = Path(__file__).parent / "data" / "ucla-admissions" / "binary.csv"


def _shifted(path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 5000
    a, b = rng.normal(size=(2, n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + 0.5 * b)))).astype(int)
    pd.DataFrame({"a": a + 1e15, "b": b, "y": y}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("mode", [["--stream"], ["--stream", "--no-cache"]])
def test_a_streamed_model_file_stores_the_reduced_model(workdir, capsys, mode):
    data = _shifted(workdir / "shift.csv")
    files = {}
    for name, extra in (("memory", []), ("streamed", mode)):
        code, out, err = run_cli(
            capsys, ["fit", data, "-t", "y", *extra, "-o", f"{name}.json"]
        )
        assert code == 0, err
        assert "a              NA" in out
        files[name] = json.loads(Path(f"{name}.json").read_text())["model"]
    assert files["streamed"]["coef"][0] == 0.0
    np.testing.assert_allclose(
        np.r_[files["streamed"]["coef"], files["streamed"]["intercept"]],
        np.r_[files["memory"]["coef"], files["memory"]["intercept"]],
        rtol=1e-9,
    )


def test_a_streamed_fit_of_an_exact_dependency_is_r_reduced_model(tmp_path):
    frame = pd.read_csv(UCLA)[["admit", "gre", "gpa"]]
    frame["total"] = frame["gre"] + frame["gpa"]
    frame.to_csv(tmp_path / "d.csv", index=False)
    source = Chunked.from_csv(
        tmp_path / "d.csv", target="admit", features=["gre", "gpa", "total"]
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty=None, solver="newton").fit(source, None)
    assert model.coef_[0, 2] == 0.0
    ref = sm.Logit(frame["admit"], sm.add_constant(frame[["gre", "gpa"]])).fit(disp=0)
    assert model.coef_[0, :2] == pytest.approx(ref.params[["gre", "gpa"]], rel=1e-6)
    assert model.intercept_[0] == pytest.approx(ref.params["const"], rel=1e-6)
    texts = [str(w.message) for w in caught]
    assert texts[0].startswith("Newton: the Hessian is singular"), texts
    assert [t for t in texts if t.startswith(ALIASED_LEFT_OUT)][0].startswith(
        f"{ALIASED_LEFT_OUT}: the column 'total' (coefficient 0, R's NA)"
    )
