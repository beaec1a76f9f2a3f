"""``get_margeff(at="zero", atexog={...})``: the other columns at 0 and the
set ones at their values. statsmodels 0.15 drops ``atexog`` under
``at="zero"``, so the reference is its coefficients in the closed form
``dP/dx_j = σ(z)σ(-z) w_j`` at ``z = b + Σ_set w_k v_k``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from conftest import data_path
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")


def test_at_zero_with_set_values_is_the_closed_form():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X, y = d[["gre", "gpa"]], d["admit"]
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12).params
    res = LogisticRegression(penalty=None).fit(X, y).inference()
    got = res.get_margeff(at="zero", atexog={"gre": 500}).margeff
    z = ref["const"] + 500 * ref["gre"]
    expected = expit(z) * expit(-z) * ref[["gre", "gpa"]].to_numpy()
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6)
