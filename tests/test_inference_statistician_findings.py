"""What a statistician's trial of the inference API found, each fixed:

- ``inference(X, y, groups=g)`` without ``cov_type="cluster"`` returned
  model-based standard errors and ignored ``groups``; HC0/HC1 with groups and
  the K-class path already refused it. Without data, the same call said
  "cov_type='nonrobust' needs the training data", contradicting itself.
- ``summary MODEL DATA --cluster nope`` named the "margins input column".
- K-class results had no ``df_resid`` (statsmodels ``MNLogit`` has it) and the
  K-class summary printed the LR p-value without its statistic.
- Marginal-effects tables printed p-values as ``0.000``; their header said
  ``Covariance: HC0`` under sampling weights, where the summary says
  ``HC0, sampling weights``.

References: statsmodels ``MNLogit`` (``df_resid``, ``llr``) and ``Logit``
``get_margeff`` p-values on the UCLA admissions data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from conftest import data_path, run_cli
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture(scope="module")
def ucla():
    return pd.read_csv(UCLA)


def test_groups_without_cluster_are_refused(ucla):
    X, y = ucla[["gre", "gpa"]], ucla["admit"]
    groups = np.arange(len(y)) // 10
    model = LogisticRegression().fit(X, y)
    given = "no cov_type was given: pass cov_type='cluster'"
    with pytest.raises(InvalidParameterError, match=given):
        model.inference(X, y, groups=groups)
    with pytest.raises(InvalidParameterError, match=given):
        model.summary(X, y, groups=groups)
    # without data: the same refusal, not "nonrobust needs the training data"
    with pytest.raises(InvalidParameterError, match=given):
        model.inference(groups=groups)
    with pytest.raises(InvalidParameterError, match="groups must be given with"):
        model.inference(X, y, cov_type="HC1", groups=groups)
    clustered = model.inference(X, y, cov_type="cluster", groups=groups)
    assert clustered.cov_type == "cluster"


def test_summary_names_the_cluster_option(workdir, capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json", "-q"])
    assert code == 0, err
    argv = ["summary", "m.json", UCLA, "--cov-type", "cluster", "--cluster", "nope"]
    code, _, err = run_cli(capsys, argv)
    assert code == 65
    assert err.startswith("error: --cluster column 'nope' not found in ")
    assert "margins" not in err


def test_k_class_df_resid_and_lr_statistic_as_statsmodels(ucla):
    X, y = ucla[["gre", "gpa", "admit"]], ucla["rank"]
    res = LogisticRegression().fit(X, y).inference(X, y)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12, maxiter=200)
    assert res.df_resid == ref.df_resid == 388.0
    assert res.llr == pytest.approx(ref.llr, rel=1e-7)
    text = str(res.summary())
    assert "Df residuals" in text and "388" in text
    assert f"LR chi2(9)                      {ref.llr:.2f}" in text


def test_margins_p_values_never_print_as_zero(ucla):
    frame = ucla.copy()
    X = frame[["gre", "gpa", "rank"]]
    res = LogisticRegression().fit(X, frame["admit"]).inference(X, frame["admit"])
    effects = res.get_margeff()
    ref = sm.Logit(frame["admit"], sm.add_constant(X)).fit(disp=0).get_margeff()
    np.testing.assert_allclose(np.asarray(effects.pvalues), ref.pvalues, rtol=1e-6)
    assert ref.pvalues[2] < 1e-3  # rank: a p-value that "%.3f" shows as 0.000
    line = next(row for row in effects.summary().splitlines() if row.startswith("rank"))
    assert " 0.000 " not in line and f"{ref.pvalues[2]:.3g}" in line


def test_margins_header_names_sampling_weights(ucla):
    X, y = ucla[["gre", "gpa", "rank"]], ucla["admit"]
    w = np.linspace(0.5, 2.0, len(y))
    model = LogisticRegression().fit(X, y, sample_weight=w)
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    assert "Covariance: HC0, sampling weights" in res.get_margeff().summary()


def test_a_named_target_titles_the_k_class_tables(ucla):
    """statsmodels' MNLogit names the dependent variable (``Dep. Variable:
    rank``); a fit on a named pandas Series titles the equations and the
    margins blocks with it (they read ``y = 2``)."""
    X, y = ucla[["gre", "gpa", "admit"]], ucla["rank"]
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0)
    assert "Dep. Variable:                   rank" in str(ref.summary())
    res = LogisticRegression().fit(X, y).inference(X, y)
    assert res.target_name == "rank"
    assert "rank: 2 vs 1" in res.summary().as_text()
    assert "rank = 2" in res.get_margeff().summary()
    unnamed = LogisticRegression().fit(X.to_numpy(), y.to_numpy())
    assert unnamed.inference(X.to_numpy(), y.to_numpy()).target_name is None
