"""Formula arithmetic on an integer column, which formulaic does in int64.

The stored terms rebuild a design in float64; formulaic, whose matrix
confirms it at fit time, computes ``I(n**25)`` of an integer column in
64-bit integers, which wrap around past 2**63 (9**25 becomes
6048575297968530377; patsy and so statsmodels' ``smf.logit`` fit those
wrapped numbers without a word). The fit was refused as "cannot be stored
exactly in a model file; precompute its transformed columns", naming no
column and no cause; ``I(n**-1)`` failed with numpy's "Integers to negative
integer powers are not allowed". Both now name the remedy, a float in the
term, with which formulaic, numpy and statsmodels agree (reference values:
statsmodels' ``smf.logit`` of ``I(n ** 3.0)``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(9)
    n = 300
    frame = pd.DataFrame({"n": rng.integers(1, 10, n), "y": rng.integers(0, 2, n)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "d.csv"


def _fit(capsys, data, formula, model):
    return run_cli(capsys, ["fit", data, "--formula", formula, "-o", model])


def test_an_integer_power_past_int64_names_the_column(data, tmp_path, capsys):
    assert int(np.int64(9) ** 25) != 9**25  # int64 wraps around: the cause
    code, _, err = _fit(capsys, data, "y ~ I(n**25)", tmp_path / "m.json")
    assert code == 65, err
    assert "column 'I(n ** 25)' is not what formulaic computes for it" in err, err
    assert "64-bit integers" in err and "x**25.0" in err
    assert "precompute its transformed columns" not in err


def test_a_negative_integer_power_names_the_remedy(data, tmp_path, capsys):
    code, _, err = _fit(capsys, data, "y ~ I(n**-1)", tmp_path / "m.json")
    assert code == 65, err
    assert "an integer column takes no negative integer power" in err, err
    assert "x**-1.0" in err


def test_the_float_spelling_fits_as_statsmodels(data, tmp_path, capsys):
    import statsmodels.formula.api as smf

    model = tmp_path / "m.json"
    code, _, err = _fit(capsys, data, "y ~ I(n**3.0)", model)
    assert code == 0, err
    ref = smf.logit("y ~ I(n**3.0)", pd.read_csv(data)).fit(disp=0).params
    coef = np.ravel(json.loads(model.read_text())["model"]["coef"])
    np.testing.assert_allclose(coef, [ref["I(n ** 3.0)"]], rtol=1e-6)
