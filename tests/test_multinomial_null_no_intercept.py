"""The null model of a K-class fit without an intercept follows the two-class rule.

``llnull`` was always the class shares' (the intercept-only model) and
``df_model`` ``(K-1)·q``, with or without an intercept: for columns that do
not span the constant the intercept-only model is not nested in the fit (its
LR test on χ²((K-1)·q) meant nothing), and for a dummy of every level (which
span it) the degrees of freedom were K-1 too many. Now, as for two classes
(docs/inference.md): the intercept-only null where the columns span the
constant (statsmodels' ``MNLogit``, the reference for that case), else every
logit 0 (each class 1/K) with ``(K-1)·q`` degrees of freedom; in memory, with
the rows and from a model file alike. Data: UCLA admissions (the repository's
copy), rank (4 classes) on gre and gpa, admit as a factor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import logistic
from conftest import data_path
from logistic import LogisticRegression


@pytest.fixture(scope="module")
def ucla():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X = pd.DataFrame({
        "admit0": (d["admit"] == 0).astype(float),
        "admit1": (d["admit"] == 1).astype(float),
        "gre": d["gre"] / 100.0,
        "gpa": d["gpa"],
    })  # fmt: skip
    return X, d["rank"].to_numpy()


def _paths(model, X, y, tmp_path):
    path = tmp_path / "m.json"
    logistic.save(model, path)
    return [model.inference(), model.inference(X, y), logistic.load(path).inference()]


def test_dummies_spanning_the_constant_test_against_the_class_shares(ucla, tmp_path):
    X, y = ucla
    model = LogisticRegression(penalty=None, fit_intercept=False, tol=1e-10).fit(X, y)
    reference = sm.MNLogit(y, X).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    for res in _paths(model, X, y, tmp_path):
        assert res.df_model == reference.df_model == 9.0
        assert res.llnull == pytest.approx(reference.llnull, rel=1e-6)
        assert res.llr_pvalue == pytest.approx(reference.llr_pvalue, rel=1e-4)


def test_columns_not_spanning_it_test_against_equal_shares(ucla, tmp_path):
    X, y = ucla
    X = X[["gre", "gpa"]]
    model = LogisticRegression(penalty=None, fit_intercept=False, tol=1e-10).fit(X, y)
    for res in _paths(model, X, y, tmp_path):
        assert res.llnull == pytest.approx(-len(y) * np.log(4.0), rel=1e-12)
        assert res.df_model == 6.0  # 3 equations × 2 columns
        assert res.llr == pytest.approx(2 * (res.llf + len(y) * np.log(4.0)), rel=1e-12)
        assert any(n.startswith("null model: every logit 0") for n in res.summary().notes)


def test_fits_with_an_intercept_keep_the_class_shares(ucla):
    X, y = ucla
    X = X[["gre", "gpa"]]
    model = LogisticRegression(penalty=None).fit(X, y)
    reference = sm.MNLogit(y, sm.add_constant(X)).fit(method="newton", disp=0)
    res = model.inference()
    assert res.df_model == reference.df_model == 6.0
    assert res.llnull == pytest.approx(reference.llnull, rel=1e-6)


def test_float32_dummies_still_span_the_constant(ucla, tmp_path):
    """The span test's tolerance follows the data's precision: float32 rows
    (Fortran order, summed as float32 by BLAS) left a relative residual of
    ~7e-9 on dummies that span the constant, above float64's 1e-10, and the
    null became every logit 0."""
    X, y = ucla
    X32 = np.asfortranarray(X.to_numpy(dtype=np.float32))
    model = LogisticRegression(penalty=None, fit_intercept=False).fit(X32, y)
    for res in _paths(model, X32, y, tmp_path):
        assert res.df_model == 9.0 and res.null_has_intercept is True
    binary = (y > 2).astype(int)
    from scipy import sparse

    Xs = sparse.csr_matrix(X32)
    two = LogisticRegression(penalty=None, fit_intercept=False).fit(Xs, binary)
    for res in _paths(two, Xs, binary, tmp_path):
        assert res.df_model == 3.0  # four columns, the constant among them


def test_a_file_written_before_the_rule_reads_as_fitted_then(ucla, tmp_path):
    import hashlib
    import json

    from logistic.io import _schema

    X, y = ucla
    X = X[["gre", "gpa"]]
    model = LogisticRegression(penalty=None, fit_intercept=False).fit(X, y)
    path = tmp_path / "m.json"
    logistic.save(model, path)
    doc = json.loads(path.read_text())
    kept = doc["training"]["fit_statistics"]
    del kept["null_has_intercept"], kept["llnull"]
    doc["checksum"]["value"] = hashlib.sha256(_schema._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    res = logistic.load(path).inference()
    t = np.bincount(y)[1:]
    assert res.llnull == pytest.approx(float(np.sum(t * np.log(t / len(y)))), rel=1e-12)
    assert res.df_model == 6.0 and res.null_has_intercept is None
    assert not any(n.startswith("null model") for n in res.summary().notes)


def test_a_forged_null_on_a_fit_with_an_intercept_is_refused(ucla, tmp_path):
    import hashlib
    import json

    from logistic._exceptions import ModelFormatError
    from logistic.io import _schema

    X, y = ucla
    path = tmp_path / "m.json"
    logistic.save(LogisticRegression(penalty=None).fit(X[["gre", "gpa"]], y), path)
    doc = json.loads(path.read_text())
    doc["training"]["fit_statistics"].update(null_has_intercept=False, llnull=-600.0)
    doc["checksum"]["value"] = hashlib.sha256(_schema._canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFormatError, match="null_has_intercept"):
        logistic.load(path)
