"""logistic.inference._distributions against scipy.special (the reference:
cephes' ``ndtr``/``ndtri``/``chdtrc``, what ``scipy.stats`` evaluates) and
published table values."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.special import chdtrc, ndtr, ndtri

from logistic.inference._distributions import (
    CHI2_CLOSED_MAX,
    chi2_sf,
    normal_isf,
    normal_sf,
)


def test_normal_sf_matches_scipy_ndtr():
    z = np.r_[-40.0, -8, -1, -1e-9, 0, 1e-9, 0.5, 1, 1.96, 5, 10, 30]
    # rounding of z/√2 moves erfc by ≈ z² ulp in the far tail (both ways)
    np.testing.assert_allclose(normal_sf(z), ndtr(-z), rtol=1e-12, atol=0)
    assert np.isnan(normal_sf(np.nan)) and normal_sf(np.inf) == 0.0
    assert normal_sf(-np.inf) == 1.0 and normal_sf(0.0) == 0.5


@pytest.mark.parametrize("q", [1e-12, 0.005, 0.025, 0.05, 0.3, 0.5, 0.9])
def test_normal_isf_matches_scipy_ndtri(q):
    assert normal_isf(q) == pytest.approx(-ndtri(q), rel=1e-15, abs=1e-15)


def test_normal_isf_table_value():
    # z_{0.975} = 1.959963984540054 (Abramowitz & Stegun table 26.5)
    assert normal_isf(0.025) == pytest.approx(1.959963984540054, rel=1e-15)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 10, 51, 396, CHI2_CLOSED_MAX])
def test_chi2_sf_closed_sums_match_scipy(df):
    x = np.r_[1e-300, 1e-12, 1e-3, 0.5, np.geomspace(0.01, 3.0 * df + 300, 60)]
    want = chdtrc(df, x)
    got = chi2_sf(x, df)
    keep = want > 1e-300
    np.testing.assert_allclose(got[keep], want[keep], rtol=2e-12, atol=0)


def test_chi2_sf_table_values():
    # upper 5 % points (Abramowitz & Stegun table 26.8)
    for df, point in [(1, 3.841459), (3, 7.814728), (10, 18.307038)]:
        assert chi2_sf(point, df) == pytest.approx(0.05, rel=1e-6)


def test_chi2_sf_domain_and_fallback():
    assert chi2_sf(-1.0, 3) == 1.0 and chi2_sf(0.0, 2) == 1.0
    assert np.isnan(chi2_sf(np.nan, 3)) and np.isnan(chi2_sf(2.0, 0))
    assert chi2_sf(np.inf, 4) == 0.0
    # fractional and large df go to scipy's chdtrc itself
    assert chi2_sf(3.0, 2.5) == chdtrc(2.5, 3.0)
    big = CHI2_CLOSED_MAX + 1
    assert chi2_sf(big + 5.0, big) == chdtrc(big, big + 5.0)
    got = chi2_sf([1.0, 2.0], [1, 2])
    assert got.shape == (2,) and isinstance(chi2_sf(1.0, 1), float)


def test_summary_distributions_import_no_scipy():
    code = (
        "import sys\n"
        "from logistic.inference._distributions import chi2_sf, normal_isf, normal_sf\n"
        "from logistic.inference._wald import wald_table\n"
        "t = wald_table([1.0, -2.0], [[0.25, 0.0], [0.0, 1.0]])\n"
        "assert abs(t.pvalues[0] - 0.04550026389635842) < 1e-15, t.pvalues\n"
        "assert abs(chi2_sf(40.5, 3) - 8.347492575743389e-9) < 1e-20\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('scipy'))\n"
        "assert loaded == [], loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
