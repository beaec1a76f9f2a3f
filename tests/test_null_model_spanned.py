"""A fit without an intercept whose columns span the constant has one null model.

With a full set of dummies and ``fit_intercept=False`` the columns add up to
the ones vector. Inference given the training rows took the intercept-only
null (statsmodels' and Stata's rule: the same model as one written with an
intercept), while inference from the fit's stored statistics
(``model.inference()``, ``summary()``, a saved and reloaded model) took R's
``z = 0`` null: LL-null, the LR chi2, its degrees of freedom and the pseudo
R² changed with the call. The fit now finds the span (one Hessian pass, only
for fits without an intercept) and keeps the intercept-only null, in memory
and in the model file. Reference: statsmodels' ``Logit(...).llnull`` on the
same design (UCLA admissions, the repository's copy).
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from logistic import LogisticRegression
from logistic._exceptions import ModelFormatError
from logistic.io import _schema


def _dummies():
    X, y, names = logistic.datasets.load_ucla_admissions()
    frame = pd.DataFrame(X, columns=names)  # gre, gpa, rank2..rank4 (rank 1 the base)
    frame.insert(2, "rank1", 1.0 - frame[["rank2", "rank3", "rank4"]].sum(axis=1))
    return frame, np.asarray(y)


def _numbers(res):
    return np.array([res.llnull, res.df_model, res.llr, res.pseudo_rsquared])


def test_every_path_gives_statsmodels_null(tmp_path):
    X, y = _dummies()
    reference = sm.Logit(y, X).fit(method="newton", tol=1e-12, disp=0)
    model = LogisticRegression(penalty=None, fit_intercept=False, tol=1e-10).fit(X, y)
    path = tmp_path / "m.json"
    logistic.save(model, path)
    paths = {
        "stored": model.inference(),
        "with rows": model.inference(X, y),
        "reloaded": logistic.load(path).inference(),
    }
    expected = [reference.llnull, reference.df_model, reference.llr, reference.prsquared]
    for name, res in paths.items():
        np.testing.assert_allclose(_numbers(res), expected, rtol=1e-7, err_msg=name)
    assert "LR chi2(5)" in str(model.summary())


def test_columns_not_spanning_keep_the_zero_null():
    # R's glm without an intercept: the null is z = 0 (every probability 1/2)
    X, y = _dummies()
    X = X[["gre", "gpa", "rank1", "rank2"]]
    model = LogisticRegression(penalty=None, fit_intercept=False).fit(X, y)
    for res in (model.inference(), model.inference(X, y)):
        assert res.llnull == pytest.approx(-len(y) * np.log(2.0), rel=1e-12)
        assert res.df_model == 4.0


def test_an_offset_gives_the_same_null_either_way():
    X, y = _dummies()
    offset = np.round(np.linspace(-0.5, 0.5, len(y)), 6)
    model = LogisticRegression(penalty=None, fit_intercept=False, tol=1e-10)
    model.fit(X, y, offset=offset)
    stored, rows = model.inference(), model.inference(X, y, offset=offset)
    np.testing.assert_allclose(_numbers(stored), _numbers(rows), rtol=1e-7)
    reference = sm.GLM(y, X, family=sm.families.Binomial(), offset=offset).fit()
    # statsmodels' GLM null with an offset and a constant in the span: the
    # intercept-only fit with the offset (its null_deviance)
    exog = np.ones((len(y), 1))
    null = sm.GLM(y, exog, family=sm.families.Binomial(), offset=offset).fit()
    assert stored.llnull == pytest.approx(null.llf, rel=1e-8)
    assert stored.llf == pytest.approx(reference.llf, rel=1e-9)


def _rewrite(path, edit) -> None:
    doc = json.loads(path.read_text())
    edit(doc["training"]["fit_statistics"])
    doc["checksum"]["value"] = hashlib.sha256(_schema._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.update(null_has_intercept="yes"),
        lambda s: s.update(null_has_intercept=1),
        lambda s: s.update(llnull=None),
    ],
    ids=["text", "number", "no-llnull"],
)
def test_a_forged_field_is_refused(tmp_path, edit):
    X, y = _dummies()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None, fit_intercept=False).fit(X, y)
    path = tmp_path / "m.json"
    logistic.save(model, path)
    assert json.loads(path.read_text())["training"]["fit_statistics"]["null_has_intercept"]
    _rewrite(path, edit)
    with pytest.raises(ModelFormatError, match="null_has_intercept"):
        logistic.load(path)
