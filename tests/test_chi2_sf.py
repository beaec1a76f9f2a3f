"""The χ² upper tail used by the tests and summaries (``inference._hypothesis``).

``chi2_sf`` (``inference._distributions``) sums the closed form for whole df up
to 1000 and calls ``scipy.special.chdtrc`` otherwise, to keep scipy out of a
fit's start-up; the reference here is ``scipy.stats.chi2.sf`` itself (to
1e-12 relative: the closed form's rounding differs from cephes' series in the
last few bits) and a published table (critical values at the 5 % and 1 % levels, e.g. NIST/SEMATECH
e-Handbook of Statistical Methods, section 1.3.6.7.4).
"""

import numpy as np
import pytest

from logistic.inference._hypothesis import chi2_sf

stats = pytest.importorskip("scipy.stats")


@pytest.mark.parametrize("df", [1, 2, 3, 5.5, 10, 100, 1000])
def test_equals_scipy_stats_chi2_sf_over_a_grid(df):
    x = np.concatenate(
        [[-np.inf, -5.0, -1e-300, 0.0, 1e-300, np.inf, np.nan],
         np.linspace(0.0, 50.0, 501), np.logspace(-12, 4, 161)]
    )
    np.testing.assert_allclose(chi2_sf(x, df), stats.chi2.sf(x, df), rtol=1e-12, atol=0)
    for v in (-1.0, 0.5, 3.0, np.nan):  # scalars give scalars, as chi2.sf
        got, ref = chi2_sf(v, df), stats.chi2.sf(v, df)
        assert np.ndim(got) == 0
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)


def test_domain_edges_match_scipy_stats():
    x = np.array([-1.0, 0.0, 1.0, 4.0])
    for df in (0, -1, np.nan):
        np.testing.assert_array_equal(chi2_sf(x, df), stats.chi2.sf(x, df))
    df = np.array([1.0, 2.0, 0.0, 3.0])  # arrays of df broadcast like chi2.sf
    np.testing.assert_allclose(chi2_sf(x, df), stats.chi2.sf(x, df), rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    "x, df, p",
    [(3.841, 1, 0.05), (5.991, 2, 0.05), (7.815, 3, 0.05), (6.635, 1, 0.01),
     (9.210, 2, 0.01), (18.307, 10, 0.05)],
)
def test_published_critical_values(x, df, p):
    assert chi2_sf(x, df) == pytest.approx(p, abs=5e-5)


def test_a_fit_summary_does_not_import_scipy_stats():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from logistic import LogisticRegression\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((200, 3)); y = (X[:, 0] + rng.standard_normal(200) > 0) * 1.0\n"
        "m = LogisticRegression().fit(X, y)\n"
        "r = m.inference()\n"
        "print(r.llr_pvalue)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == "False", out.stdout
