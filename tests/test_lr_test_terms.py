"""``InferenceResults.lr_test_terms``: the likelihood-ratio test of each term
(all of its columns at 0), R's ``drop1(fit, test = "Chisq")`` for a model
without interactions.

References: statsmodels' ``Logit`` fits of the model without each term on
UCLA admissions (``2 (llf_full - llf_reduced)``, df the columns dropped);
for a Firth fit, the nested test of the fit without the term
(``lr_test``, logistf's ``anova(method = "nested")``) and the per-coefficient
penalized LR tests (``pvalues_lr``, logistf's defaults) for one-column terms.
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import chi2

from conftest import data_path
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")


@pytest.fixture(scope="module")
def ucla():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = d[["gre", "gpa", "rank"]].astype({"rank": "category"})
    return X, d["admit"]


def _design(X, drop=()):
    frame = pd.get_dummies(X, columns=["rank"], drop_first=True, dtype=float)
    frame = frame.drop(columns=[c for c in frame if c.split("_")[0] in drop])
    return frame


def test_each_term_equals_statsmodels_refits(ucla):
    X, y = ucla
    res = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    tests = res.lr_test_terms()
    assert list(tests) == ["Intercept", "gre", "gpa", "rank"]
    full = sm.Logit(y, sm.add_constant(_design(X))).fit(disp=0)
    for term, columns in (("gre", 1), ("gpa", 1), ("rank", 3)):
        reduced = sm.Logit(y, sm.add_constant(_design(X, drop=(term,)))).fit(disp=0)
        want = 2 * (full.llf - reduced.llf)
        assert tests[term].df == columns
        assert tests[term].statistic == pytest.approx(want, rel=1e-8)
        assert tests[term].pvalue == pytest.approx(chi2.sf(want, columns), rel=1e-6)
    no_constant = sm.Logit(y, _design(X)).fit(disp=0)
    want = 2 * (full.llf - no_constant.llf)
    assert tests["Intercept"].statistic == pytest.approx(want, rel=1e-8)
    with pytest.raises(KeyError, match="no term 'admit'"):
        tests["admit"]


def test_firth_keeps_the_full_models_penalty(ucla):
    X, y = ucla
    res = LogisticRegression(penalty="firth").fit(X, y).inference(X, y)
    tests = res.lr_test_terms()
    small = X.drop(columns="rank")
    nested = LogisticRegression(penalty="firth").fit(small, y).inference(small, y)
    want = res.lr_test(nested)
    assert tests["rank"].df == want.df == 3
    assert tests["rank"].statistic == pytest.approx(want.statistic, rel=1e-7)
    per_coefficient = res.pvalues_lr()
    for term in ("gre", "gpa"):
        assert tests[term].pvalue == pytest.approx(per_coefficient[term], rel=1e-7)


def test_needs_the_rows(ucla):
    X, y = ucla
    model = LogisticRegression(penalty=None).fit(X, y)
    with pytest.raises(Exception, match="lr_test_terms"):
        model.inference().lr_test_terms()
    # three classes: tests/test_multinomial_lr_terms.py


def test_robust_covariance_warning_names_the_call(ucla):
    """The likelihood-ratio statistics ignore a robust covariance, and the
    warning said so as 'pvalues_lr() or a profile interval after
    cov_type=...' whatever was called: lr_test_terms() (and logistic test
    --terms --lr) named a method the user never called."""
    X, y = ucla
    model = LogisticRegression(penalty=None).fit(X, y)
    res = model.inference(X, y, cov_type="HC1")
    with pytest.warns(UserWarning, match=r"^lr_test_terms\(\) after cov_type='HC1'"):
        res.lr_test_terms()
    with pytest.warns(UserWarning, match=r"^pvalues_lr\(\) after cov_type='HC1'"):
        res.pvalues_lr()
    with pytest.warns(UserWarning, match=r"^conf_int\(method='profile'\) after"):
        res.conf_int(method="profile")
