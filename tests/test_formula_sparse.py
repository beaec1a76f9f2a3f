"""A formula's design built sparse (``fit_design(sparse=True)``, ``fit --sparse``):
a scipy CSR matrix from the stored terms (:mod:`logistic.tabular._formula_design`),
confirmed against formulaic's own sparse matrix at fit, rebuilt sparse by
predict and evaluate from the model file's ``encoding.sparse``, and chosen
automatically when the dense design would not fit in memory and the sparse
one does (:mod:`logistic.tabular._formula_size`).

References from outside the code under test: formulaic's dense
``model_matrix`` (the design's values), statsmodels' ``smf.logit`` on the
same formula (estimates and standard errors), scikit-learn's
``LogisticRegression(C=...)`` on the same CSR matrix (a penalized fit).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from conftest import run_cli
from logistic.tabular import apply_design, fit_design, read_data

FORMULA = "y ~ C(zip) + C(campaign) + spend + C(campaign):spend"


def _frame(n: int = 3000, levels: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    zips = rng.integers(0, levels, n)
    campaign = rng.choice(["a", "b", "c"], n)
    spend = rng.gamma(2.0, 1.0, n).round(3)
    spend[rng.random(n) < 0.1] = 0.0  # exact zeros: not stored in the CSR
    effect = np.linspace(-1, 1, levels)[zips] + 0.4 * (campaign == "b") + 0.3 * spend
    y = (rng.random(n) < 1 / (1 + np.exp(-(effect - 0.8)))).astype(int)
    return pd.DataFrame(
        {"zip": [f"z{z:05d}" for z in zips], "campaign": campaign,
         "spend": spend, "y": y}
    )  # fmt: skip


@pytest.fixture
def data_csv(workdir):
    _frame(1000, 15).to_csv("d.csv", index=False)
    return "d.csv"


@pytest.mark.parametrize(
    "formula",
    [
        FORMULA,
        "y ~ C(zip):C(campaign) + np.log1p(spend)",  # factor x factor
        "y ~ 0 + C(campaign) + C(zip):spend",  # full-rank coding, factor x number
        "y ~ C(campaign, Treatment('c')) * spend + I(spend**2)",
    ],
)
def test_sparse_design_is_formulaics_dense_matrix(workdir, formula):
    formulaic = pytest.importorskip("formulaic")
    frame = _frame(600, 12)
    frame.to_csv("d.csv", index=False)
    raw = read_data("d.csv")
    design = fit_design(raw, target=None, formula=formula, sparse=True)
    assert sp.isspmatrix_csr(design.X) and design.X.has_canonical_format
    assert design.encoding["sparse"] is True
    # formulaic's own dense matrix of the same frame (the reference)
    rhs = formula.split("~", 1)[1]
    ref = formulaic.model_matrix(rhs, pd.read_csv("d.csv"), ensure_full_rank=True)
    ref = ref.drop(columns=[c for c in ref.columns if c == "Intercept"])
    assert design.feature_names == [str(c) for c in ref.columns]
    np.testing.assert_array_equal(design.X.toarray(), ref.to_numpy(dtype=float))
    dense = fit_design(raw, target=None, formula=formula, sparse=False)
    assert "sparse" not in dense.encoding
    np.testing.assert_array_equal(dense.X, design.X.toarray())


def _fit(capsys, data, *extra):
    argv = ["fit", data, "--formula", FORMULA, "-o", "m.json", "--force", "--json",
            "-q", *extra]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    return json.loads(out), json.loads(open("m.json").read())


def test_unpenalized_fit_matches_statsmodels_and_the_dense_fit(data_csv, capsys):
    smf = pytest.importorskip("statsmodels.formula.api")
    _, model = _fit(capsys, data_csv, "--sparse")
    assert model["encoding"]["sparse"] is True
    ref = smf.logit(FORMULA, pd.read_csv(data_csv)).fit(disp=0, method="newton")
    # the statistics kept at fit, and those of the training rows read again
    # (the design rebuilt sparse from the model file)
    for data in ([], [data_csv]):
        code, out, err = run_cli(capsys, ["summary", "m.json", *data, "--json"])
        assert code == 0, err
        rows = {r["term"]: r for r in json.loads(out)["coefficients"]}
        est = np.array([rows[t]["estimate"] for t in ref.params.index])
        se = np.array([rows[t]["std_error"] for t in ref.params.index])
        np.testing.assert_allclose(est, ref.params, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(se, ref.bse, rtol=1e-6)
    _, dense = _fit(capsys, data_csv, "--no-sparse")
    assert "sparse" not in dense["encoding"]
    # the sparse design carries its names (tabular._named.named_csr) into the
    # model file, as the dense one does: not x1, x2, ...
    assert model["model"]["feature_names"] == dense["model"]["feature_names"]
    assert model["model"]["feature_names"] == list(ref.params.index[1:])
    assert model["covariance"]["names"] == dense["covariance"]["names"]
    np.testing.assert_allclose(model["model"]["coef"], dense["model"]["coef"],
                               rtol=1e-7, atol=1e-9)  # fmt: skip


def test_predict_and_evaluate_rebuild_the_sparse_design(data_csv, capsys):
    said = {}
    for flag in ("--sparse", "--no-sparse"):
        _fit(capsys, data_csv, flag)
        code, _, err = run_cli(capsys, ["predict", "m.json", data_csv, "-o",
                                        f"p{flag}.csv"])  # fmt: skip
        assert code == 0, err
        assert "feature names" not in err  # named X at fit and at predict
        code, out, err = run_cli(capsys, ["evaluate", "m.json", data_csv, "--json"])
        assert code == 0, err
        said[flag] = pd.read_csv(f"p{flag}.csv"), json.loads(out)
    (p, metrics), (q, dense) = said["--sparse"], said["--no-sparse"]
    np.testing.assert_allclose(p["proba"], q["proba"], rtol=1e-7)
    assert (p["label"] == q["label"]).all()
    for key in ("log_loss", "roc_auc", "brier", "accuracy"):
        assert metrics[key] == pytest.approx(dense[key], rel=1e-9)
    # the stored flag decides how the design is rebuilt
    encoding = json.loads(open("m.json").read())["encoding"]  # the dense fit's
    raw = read_data(data_csv)
    X = apply_design(raw, encoding).X
    Xs = apply_design(raw, {**encoding, "sparse": True}).X
    assert isinstance(X, np.ndarray) and sp.isspmatrix_csr(Xs)
    np.testing.assert_array_equal(Xs.toarray(), X)


def test_penalized_fit_matches_scikit_learn_on_the_same_matrix(data_csv):
    sklearn = pytest.importorskip("sklearn.linear_model")
    from logistic import LogisticRegression

    design = fit_design(read_data(data_csv), target=None, formula=FORMULA, sparse=True)
    ours = LogisticRegression(penalty="l2", C=0.5, tol=1e-10).fit(design.X, design.y)
    ref = sklearn.LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-12)
    ref.fit(design.X, design.y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7)


def test_a_stored_sparse_flag_must_be_a_boolean(data_csv, capsys):
    from logistic._exceptions import ModelFormatError
    from logistic.io._encoding import encoding_from_dict

    _, model = _fit(capsys, data_csv, "--sparse")
    encoding, n = model["encoding"], len(model["model"]["coef"])
    assert encoding_from_dict(encoding, n, "m.json")["sparse"] is True
    with pytest.raises(ModelFormatError, match="'encoding.sparse' must be true or"):
        encoding_from_dict({**encoding, "sparse": "yes"}, n, "m.json")


def test_library_sparse_needs_a_formula(data_csv):
    from logistic._exceptions import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"sparse=True \(--sparse\) applies"):
        fit_design(read_data(data_csv), target="y", sparse=True)
    # sparse=False is the columns' own (dense) encoding: accepted
    assert isinstance(fit_design(read_data(data_csv), target="y", sparse=False).X,
                      np.ndarray)  # fmt: skip


def test_a_named_sparse_design_pickles_for_other_processes(data_csv):
    # multiprocessing and ProcessPoolExecutor send arguments with the stdlib
    # pickle, which finds a class by its module and name: a class made inside
    # a function could not be sent ("Can't pickle local object")
    import pickle

    from logistic import LogisticRegression

    design = fit_design(read_data(data_csv), target=None, formula=FORMULA, sparse=True)
    named = design.named_X()
    back = pickle.loads(pickle.dumps(named))
    assert back.columns == tuple(design.feature_names)
    assert (back != design.X).nnz == 0 and back.has_canonical_format
    fitted = LogisticRegression(penalty="l2", C=0.5).fit(back, design.y)
    assert list(fitted.feature_names_in_) == design.feature_names


@pytest.mark.parametrize("value", ["no", 1, None])
def test_apply_design_checks_the_sparse_flag_it_is_given(data_csv, value):
    # an encoding handed to the library is checked as a model file's is:
    # "no" (truthy) or 1 would otherwise pick the sparse builder
    from logistic._exceptions import ModelFormatError

    raw = read_data(data_csv)
    encoding = fit_design(raw, target=None, formula=FORMULA, sparse=True).encoding
    with pytest.raises(ModelFormatError, match="'encoding.sparse' must be true or"):
        apply_design(raw, {**encoding, "sparse": value})
