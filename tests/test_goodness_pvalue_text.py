"""The printed goodness-of-fit tests write their p-values as the coefficient
table does (R's ``format.pval`` style: 4 decimals, 3 significant digits below
0.001, ``< 2e-16`` below that), never ``p = 0``.

References: statsmodels ``GLM(Binomial())`` for the deviance and Pearson χ²
(tests/test_grouped.py's ``sm_grouped``; star98 as statsmodels' loader reads
it, deviance 4078.765 on 282 df), scipy's ``chi2.sf`` for their
p-values; the expected text is formatted here from those numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import chi2

from logistic import LogisticRegression
from logistic.inference._goodness import GoodnessOfFit, hosmer_lemeshow
from test_grouped import sm_grouped


def test_star98_deviance_test_prints_below_2e16_not_zero():
    # statsmodels' own loader (NABOVE successes, NBELOW failures), the data of
    # the published deviance 4078.765 on 282 df
    data = sm.datasets.star98.load_pandas()
    X, k, f = data.exog, data.endog["NABOVE"], data.endog["NBELOW"]
    model = LogisticRegression().fit(X, k.to_numpy(), trials=(k + f).to_numpy())
    text = str(model.inference().goodness_of_fit())
    ref = sm_grouped(X, k, f)
    assert ref.deviance == pytest.approx(4078.765, abs=1e-3)
    # χ²(282) at 4079: the p-value underflows to 0 in double precision
    assert chi2.sf(ref.deviance, ref.df_resid) < 2e-16
    assert chi2.sf(ref.pearson_chi2, ref.df_resid) < 2e-16
    assert text == (
        f"Deviance {ref.deviance:.4f} on {ref.df_resid:g} df, p < 2e-16; "
        f"Pearson chi2 {ref.pearson_chi2:.4f} on {ref.df_resid:g} df, p < 2e-16"
    )
    assert "p = 0" not in text


def test_an_ordinary_p_value_keeps_four_decimals():
    # counts drawn from the model itself (test_goodness.py's case): p well above 0.001
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    n = rng.integers(20, 60, size=60).astype(float)
    k = rng.binomial(n.astype(int), 1 / (1 + np.exp(-(X @ [0.5, -1.0] + 0.2))))
    k = k.astype(float)
    gof = LogisticRegression().fit(X, k, trials=n).inference().goodness_of_fit()
    ref = sm_grouped(X, k, n - k)
    p_dev = chi2.sf(ref.deviance, ref.df_resid)
    p_pearson = chi2.sf(ref.pearson_chi2, ref.df_resid)
    assert 0.001 < min(p_dev, p_pearson)
    assert str(gof) == (
        f"Deviance {ref.deviance:.4f} on 57 df, p = {p_dev:.4f}; "
        f"Pearson chi2 {ref.pearson_chi2:.4f} on 57 df, p = {p_pearson:.4f}"
    )


@pytest.mark.parametrize(
    ("statistic", "shown"),
    # scipy: chi2.sf(60, 8) = 4.661e-10, chi2.sf(5000, 8) = 0.0 (underflow),
    # chi2.sf(14, 8) = 0.08177
    [(60.0, "p = 4.66e-10"), (5000.0, "p < 2e-16"), (14.0, "p = 0.0818")],
)
def test_p_values_follow_the_coefficient_table_rule(statistic, shown):
    p = float(chi2.sf(statistic, 8))
    gof = GoodnessOfFit(statistic, p, statistic, p, 8.0, True)
    assert str(gof).count(shown) == 2


def test_no_residual_df_prints_the_note_not_a_format_error():
    gof = GoodnessOfFit(3.5, None, 3.25, None, 0.0, True, "df_resid = 0: nothing")
    assert str(gof) == "Deviance 3.5000, Pearson chi2 3.2500: df_resid = 0: nothing"


def test_hosmer_lemeshow_text_uses_the_same_rule():
    # fitted probabilities far from the outcomes: HL huge, p below 2e-16
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, 2000)
    y = (p < 0.5).astype(float)
    hl = hosmer_lemeshow(y, p)
    assert chi2.sf(hl.statistic, hl.df) < 2e-16
    assert str(hl).startswith(
        f"Hosmer-Lemeshow chi2(8) = {hl.statistic:.4f}, p < 2e-16 "
    )
    y = (rng.uniform(size=2000) < p).astype(float)
    hl = hosmer_lemeshow(y, p)
    assert f", p = {chi2.sf(hl.statistic, 8):.4f} (10 groups" in str(hl)


def test_report_and_infinite_statistics_follow_the_rule():
    """The report's Hosmer–Lemeshow line writes an underflowed p-value as
    ``p < 2e-16`` (it wrote ``p = 0``); an infinite statistic's p is exactly 0
    and says so, in the report and in ``str``, as its note does."""
    import warnings

    from logistic.inference import hosmer_lemeshow
    from logistic.report import _hl_label

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200_000)
    p = np.clip(rng.random(200_000), 0.01, 0.99)  # fitted values unrelated to y
    hl = hosmer_lemeshow(y, p)
    assert hl.pvalue < 2e-16
    assert "p < 2e-16" in _hl_label(hl) and "p = 0" not in _hl_label(hl)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        impossible = hosmer_lemeshow(np.array([1, 0, 1, 1, 0, 1]), np.array([0.0, 0.0, 0.5, 0.6, 0.3, 0.7]))
    assert np.isinf(impossible.statistic)
    assert "p = 0 (" in str(impossible) and "p = 0" in _hl_label(impossible)
