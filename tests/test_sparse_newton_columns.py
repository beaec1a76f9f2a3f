"""The solver ``newton-cd-columns`` (:mod:`logistic.solvers.column_newton`) and
``auto``'s choice of it (:mod:`logistic.solvers._auto`).

Reference optima come from scikit-learn's ``LogisticRegression`` (``lbfgs`` at
``tol=1e-12``; the same objective: L2 with ``C = 1/(alpha·n)``, intercept not
penalized) and from duplicated rows (an integer weight is that many copies of
the row). The registry-wide contract (known optima, max_iter, resume bit for
bit, float32 and sparse memory) runs in tests/test_solver_contract.py and
tests/test_solver_base.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic._multinomial import MultinomialObjective
from logistic._objective import LogisticObjective
from logistic._typing import DataDescription
from logistic.backends import InMemory
from logistic.solvers import column_newton, get_solver
from logistic.solvers._auto import choose_solver, resolve_solver


def _text_like(n: int = 600, p: int = 1500, seed: int = 0):
    """Wide sparse counts with Zipf-like column frequencies (p > n, as text)."""
    rng = np.random.default_rng(seed)
    freq = 0.2 / np.arange(1, p + 1) ** 0.8
    mask = rng.random((n, p)) < freq
    X = sp.csr_matrix(mask * rng.integers(1, 4, size=(n, p)), dtype=np.float64)
    w = rng.standard_normal(p) * (rng.random(p) < 0.1)
    z = X @ w - 1.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    return X, y


def _correlated(n: int = 3000, p: int = 60, seed: int = 1):
    """One-hot blocks plus their sums: strongly correlated sparse columns
    (a9a-like), where two or three coordinate sweeps make a poor Newton step."""
    rng = np.random.default_rng(seed)
    cats = rng.integers(0, 10, size=(n, p // 10))
    rows = np.repeat(np.arange(n), p // 10)
    cols = (cats + 10 * np.arange(p // 10)).ravel()
    X = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, p))
    X = sp.hstack([X, X[:, :10] + X[:, 10:20]]).tocsr()
    w = rng.standard_normal(X.shape[1])
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 1.0)))).astype(np.float64)
    return X, y


def _sklearn(X, y, alpha, fit_intercept=True, sample_weight=None):
    sk = pytest.importorskip("sklearn.linear_model")
    m = sk.LogisticRegression(
        C=1.0 / (alpha * X.shape[0] if sample_weight is None else alpha * sample_weight.sum()),
        solver="lbfgs", tol=1e-12, max_iter=100_000, fit_intercept=fit_intercept,
    )  # fmt: skip
    m.fit(X, y, sample_weight=sample_weight)
    return np.append(m.coef_.ravel(), m.intercept_ if fit_intercept else [])


def _ours(X, y, alpha=None, **kw):
    alpha = 1.0 / X.shape[0] if alpha is None else alpha
    m = LogisticRegression(
        penalty="l2", alpha=alpha, solver="newton-cd-columns", tol=1e-10,
        max_iter=1000, **kw,
    )  # fmt: skip
    return m


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_wide_sparse_matches_sklearn(fit_intercept):
    X, y = _text_like()
    m = _ours(X, y, fit_intercept=fit_intercept).fit(X, y)
    ref = _sklearn(X, y, 1.0 / X.shape[0], fit_intercept)
    ours = np.append(m.coef_.ravel(), m.intercept_ if fit_intercept else [])
    np.testing.assert_allclose(ours, ref, atol=2e-6)
    assert m.solver_ == "newton-cd-columns"


def test_weights_equal_duplicated_rows():
    X, y = _text_like(n=400, p=900, seed=3)
    s = np.random.default_rng(3).integers(0, 4, size=X.shape[0]).astype(float)
    alpha = 1e-3
    weighted = _ours(X, y, alpha).fit(X, y, sample_weight=s)
    idx = np.repeat(np.arange(X.shape[0]), s.astype(int))
    copied = _ours(X, y, alpha).fit(X[idx], y[idx])
    np.testing.assert_allclose(weighted.coef_, copied.coef_, atol=1e-7)
    np.testing.assert_allclose(weighted.intercept_, copied.intercept_, atol=1e-7)


def _objective_in_float64(X, y, offset, l2, coef):
    """The penalized mean loss at ``coef`` of X's values (float32 ones
    widened exactly), by numpy in float64: the value the column solver
    reports. (The numpy kernels' ``LogisticObjective.value`` takes the
    logits of float32 X in float32, ~1e-8 relative off it.)"""
    w, b = coef[:-1], coef[-1]
    z = X.astype(np.float64) @ w + b + offset
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * (w @ w)


def test_offset_and_float32_agree_with_lbfgs():
    X, y = _text_like(n=500, p=800, seed=5)
    offset = np.random.default_rng(5).standard_normal(X.shape[0]) * 0.3
    for X_ in (X, X.astype(np.float32)):
        a = LogisticObjective(InMemory(X_, y.astype(X_.dtype), None, offset), l2=1e-3)
        res = get_solver("newton-cd-columns")(tol=1e-9).solve(a, np.zeros(a.n_params))
        b = LogisticObjective(InMemory(X_, y.astype(X_.dtype), None, offset), l2=1e-3)
        ref = get_solver("lbfgs")(tol=1e-9).solve(b, np.zeros(b.n_params))
        assert res.converged
        np.testing.assert_allclose(res.coef, ref.coef, atol=1e-6)
        at_ref = _objective_in_float64(X_, y, offset, 1e-3, ref.coef)
        assert res.objective == pytest.approx(at_ref, rel=1e-12, abs=1e-14)


def test_l1_matches_newton_cd():
    X, y = _text_like(n=400, p=500, seed=7)
    a = LogisticObjective.from_arrays(X, y, l2=1e-3)
    res = get_solver("newton-cd-columns")(tol=1e-9, l1=2e-3).solve(
        a, np.zeros(a.n_params)
    )
    b = LogisticObjective.from_arrays(X, y, l2=1e-3)
    ref = get_solver("newton-cd")(tol=1e-9, l1=2e-3).solve(b, np.zeros(b.n_params))
    np.testing.assert_allclose(res.coef, ref.coef, atol=1e-6)
    assert np.array_equal(res.coef[:-1] == 0, ref.coef[:-1] == 0)


def test_sweep_cap_grows_on_correlated_columns():
    """Two or three sweeps a step on correlated columns: without the cap's
    growth the fit needs hundreds of Newton steps (a9a: 568 to tol 1e-6)."""
    X, y = _correlated()
    a = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
    res = get_solver("newton-cd-columns")(tol=1e-8, max_iter=60).solve(
        a, np.zeros(a.n_params)
    )
    assert res.converged and res.n_iter <= 30
    ref = _sklearn(X, y, 1.0 / X.shape[0])
    np.testing.assert_allclose(res.coef, ref, atol=1e-5)


def test_dense_x_runs_newton_cd_iterations():
    """Dense X that is not mostly zeros (here Gaussian) runs ``newton-cd``'s
    iterations on the objective's passes: no column copy of X."""
    _, y = _text_like(n=300, p=40, seed=9)
    D = np.random.default_rng(9).standard_normal((300, 40))
    a = LogisticObjective.from_arrays(D, y, l2=1e-2)
    res = get_solver("newton-cd-columns")(tol=1e-10).solve(a, np.zeros(a.n_params))
    b = LogisticObjective.from_arrays(D, y, l2=1e-2)
    ref = get_solver("newton-cd")(tol=1e-10).solve(b, np.zeros(b.n_params))
    np.testing.assert_array_equal(res.coef, ref.coef)
    assert res.n_iter == ref.n_iter


def test_mostly_zero_dense_x_runs_by_columns_to_newton_cds_optimum():
    """Dense X with at most ``DENSE_COLUMNS_SHARE`` non-zeros is held as CSC
    and fitted by columns: the same optimum as ``newton-cd``'s iterations."""
    X, y = _text_like(n=300, p=80, seed=9)
    D = X.toarray()
    assert np.count_nonzero(D) <= 0.05 * D.size
    a = LogisticObjective.from_arrays(D, y, l2=1e-2)
    assert column_newton._on_columns(a)
    res = get_solver("newton-cd-columns")(tol=1e-10).solve(a, np.zeros(a.n_params))
    b = LogisticObjective.from_arrays(D, y, l2=1e-2)
    ref = get_solver("newton-cd")(tol=1e-10).solve(b, np.zeros(b.n_params))
    np.testing.assert_allclose(res.coef, ref.coef, atol=1e-8)


def test_multinomial_objective_is_refused():
    rng = np.random.default_rng(0)
    X = sp.random(60, 5, density=0.5, format="csr", random_state=0)
    y = rng.integers(0, 3, 60).astype(float)
    obj = MultinomialObjective(InMemory(X, y), n_classes=3)
    with pytest.raises(InvalidParameterError, match="binary model only"):
        get_solver("newton-cd-columns")().solve(obj, np.zeros(obj.n_params))


# -- auto ---------------------------------------------------------------------
REUTERS = DataDescription(7770, 8315, np.dtype(np.float64), 339_837)
SPARSE200K = DataDescription(200_000, 100_000, np.dtype(np.float64), 19_990_146)
W8A = DataDescription(49_749, 300, np.dtype(np.float64), 579_586)


def test_auto_picks_columns_for_wide_sparse_data_in_memory():
    assert choose_solver(REUTERS, penalty="l2", l1=0.0, rows_in_memory=True) == (
        "newton-cd-columns"
    )
    assert resolve_solver(
        "auto", REUTERS, penalty="l2", l1=0.0, owner="t", rows_in_memory=True
    ) == ("newton-cd-columns")


def test_auto_keeps_lbfgs_or_newton_elsewhere():
    # not known to be in memory (streamed, Dask, a GPU array): no column copy
    assert choose_solver(REUTERS, penalty="l2", l1=0.0) == "lbfgs"
    # 20 M stored values: L-BFGS measured faster (7 passes)
    assert (
        choose_solver(SPARSE200K, penalty="l2", l1=0.0, rows_in_memory=True) == "lbfgs"
    )
    # narrow: Newton with Cholesky
    assert choose_solver(W8A, penalty="l2", l1=0.0, rows_in_memory=True) == "newton"
    dense = DataDescription(7770, 8315, np.dtype(np.float64), None)
    assert choose_solver(dense, penalty="l2", l1=0.0, rows_in_memory=True) == "lbfgs"


def test_the_estimator_auto_fits_wide_sparse_data_by_columns():
    # wide sparse data in memory (p > n, Newton too costly): auto's column
    # solver reaches scikit-learn's optimum; three classes take the K-class
    # solvers (the column solver is binary only)
    from sklearn.linear_model import LogisticRegression as SK

    from logistic import LogisticRegression

    rng = np.random.default_rng(7)
    n, p = 300, 400
    X = sp.random(n, p, density=0.05, format="csr", random_state=7)
    y = (X @ rng.normal(size=p) + 0.3 * rng.normal(size=n) > 0).astype(float)
    model = LogisticRegression(penalty="l2", alpha=1e-2, tol=1e-10).fit(X, y)
    assert model.solver_ == "newton-cd-columns"
    ref = SK(C=1 / (1e-2 * n), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-6)
    y3 = rng.integers(0, 3, n).astype(float)
    three = LogisticRegression(penalty="l2", alpha=1e-2).fit(X, y3)
    assert three.solver_ != "newton-cd-columns"
    assert three.coef_.shape == (3, p)


def test_a_gram_step_counts_every_read_of_x(monkeypatch):
    # a Gram-form step reads X four times: the model's column sums (stats), the
    # Gram matrix, X d, and the new gradient's Xᵀr; the history counts them all
    from logistic import LogisticRegression
    from logistic.solvers import _column_matrix, column_newton

    reads: list[int] = [0]
    for name in ("stats", "gram", "matvec", "dots"):
        method = getattr(_column_matrix.ColumnMatrix, name)

        def counted(self, *a, _method=method, **k):
            reads[0] += 1
            return _method(self, *a, **k)

        monkeypatch.setattr(_column_matrix.ColumnMatrix, name, counted)
    per_step: list[tuple[bool, int]] = []
    solve, choose = column_newton.newton_cd_columns, column_newton.use_gram
    form = [False]

    def use_gram(*a, **k):
        form[0] = bool(choose(*a, **k))
        return form[0]

    def spy(cm, *a, **k):
        before = reads[0]
        out = solve(cm, *a, **k)
        per_step.append((form[0] and bool(k.get("max_iter")), reads[0] - before))
        return out

    monkeypatch.setattr(column_newton, "use_gram", use_gram)
    monkeypatch.setattr(column_newton, "newton_cd_columns", spy)
    X, y = _correlated()
    model = LogisticRegression(
        penalty="l2", alpha=1 / X.shape[0], solver="newton-cd-columns", tol=1e-10
    ).fit(X, y)
    counted = [h["n_passes"] for h in model.history_]
    steps = [b - a for a, b in zip(counted, counted[1:], strict=False)]
    gram_reads = [r for g, r in per_step if g]
    assert gram_reads, "the data should take Gram-form steps"
    assert all(r == 4 for r in gram_reads)
    assert steps[-len(gram_reads) :] == gram_reads


# -- wide L1 problems and Hessians larger than memory --------------------------
def test_auto_l1_on_very_wide_data_forms_no_dense_hessian():
    # sparse200k's p = 100 000: newton-cd's Hessian would take 74.5 GiB
    assert choose_solver(SPARSE200K, penalty="l1", l1=1e-3) == "fista"
    assert (
        choose_solver(SPARSE200K, penalty="l1", l1=1e-3, rows_in_memory=True)
        == "fista"  # 20 M stored values: beyond the column solver's bound
    )
    assert (
        choose_solver(REUTERS, penalty="l1", l1=1e-3, rows_in_memory=True)
        == "newton-cd-columns"
    )
    assert choose_solver(W8A, penalty="l1", l1=1e-3) == "newton-cd"


def test_a_hessian_larger_than_memory_is_refused_by_name():
    from logistic import _memory

    memory = _memory.process_memory()
    if memory is None:
        pytest.skip("the system does not report its memory")
    p = int((memory / 8) ** 0.5) + 10
    wide = DataDescription(1000, p, np.dtype(np.float64), 10_000)
    with pytest.raises(InvalidParameterError, match=r"solver='newton' forms a dense"):
        resolve_solver("newton", wide, penalty="l2", l1=0.0, owner="t")
    assert resolve_solver("auto", wide, penalty="l2", l1=0.0, owner="t") == "lbfgs"
    assert resolve_solver("auto", wide, penalty="l1", l1=1e-3, owner="t") == "fista"


def test_the_estimator_fits_wide_sparse_l1_data_without_a_dense_hessian():
    # p = 10 000 (newton-cd's Hessian: 800 MB): auto takes the column solver,
    # which reaches fista's optimum (no Hessian) at a tight tolerance
    from logistic import LogisticRegression

    rng = np.random.default_rng(3)
    n, p = 500, 10_000
    X = sp.random(n, p, density=0.002, format="csr", random_state=3)
    y = (X @ rng.normal(size=p) * 5 + 0.2 * rng.normal(size=n) > 0).astype(float)
    kw = dict(penalty="l1", alpha=0.01, tol=1e-9)
    model = LogisticRegression(**kw).fit(X, y)
    assert model.solver_ == "newton-cd-columns"
    ref = LogisticRegression(solver="fista", max_iter=100_000, **kw).fit(X, y)
    assert model.objective_ == pytest.approx(ref.objective_, rel=1e-9)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-5)
