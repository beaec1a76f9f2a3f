"""The solver contract, parametrised over the registry ``SOLVERS``.

Every registered solver (a new one is picked up automatically):

* reaches the optimum of constructed problems whose solution is known
  independently (relative objective gap ≤ 1e-10, KKT residual ≤ tol);
* reaches the same optimum as the others on real data from tests/data
  (a9a, ijcnn1, spambase, credit-default; rows subsampled with a fixed seed);
* honours ``max_iter`` with exactly one ConvergenceWarning (RELIABILITY N12);
* keeps float32 X float32 and sparse X sparse (no copy, measured with
  tracemalloc: the least peak of up to three fits, tests/_traced_peak.py).

Solvers declaring ``firth`` minimise another objective (Firth's penalised
likelihood) and are checked for the generic parts only; stochastic solvers
(``stochastic``) are held to the SGD tolerance of RELIABILITY (1e-2).
"""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import root
from scipy.special import expit

from _traced_peak import peaks_until
from conftest import data_path, load_libsvm
from logistic import ConvergenceWarning, LogisticObjective
from logistic.solvers import SOLVERS, get_solver
from logistic.solvers.coordinate_descent import kkt_residual

ALL = sorted(SOLVERS)
SMOOTH = [n for n in ALL if not SOLVERS[n].capabilities.firth]
EXACT = [n for n in SMOOTH if not SOLVERS[n].capabilities.stochastic]
STOCHASTIC = [n for n in SMOOTH if SOLVERS[n].capabilities.stochastic]


def _solve(name, objective, tol=1e-10, max_iter=20000, **kw):
    return get_solver(name)(tol=tol, max_iter=max_iter, random_state=0, **kw).solve(
        objective, np.zeros(objective.n_params)
    )


def _kkt(objective, theta, l1=0.0):
    """KKT residual in standardized coordinates, computed from the definition."""
    from logistic._scaling import ScaledObjective

    s = ScaledObjective(objective)
    theta_s = s.from_original(theta)
    g_s = s.scaled_gradient(objective.gradient(theta))
    lam = np.zeros(objective.n_params)
    lam[: objective.n_features] = l1 / s.scale
    return kkt_residual(theta_s, g_s, lam)


# -- constructed problems ---------------------------------------------------------
def known_mle_problem(seed=0, n=200, p=4):
    """Data whose unpenalised MLE is exactly ``theta_star``.

    Each x_i appears twice, with y = 1 (weight σ(z_i*)) and y = 0 (weight
    1 - σ(z_i*)), so the score Σ x̃_i (σ(z_i*) - ȳ_i) vanishes at θ*.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.array([1.0, 10.0, 0.1, 3.0])[:p]
    theta_star = np.array([0.8, -0.05, 4.0, 0.2, -0.5])[: p + 1]
    q = expit(X @ theta_star[:p] + theta_star[p])
    XX = np.vstack([X, X])
    y = np.r_[np.ones(n), np.zeros(n)]
    s = np.r_[q, 1 - q]
    return XX, y, s, theta_star


def l2_reference(X, y, lam):
    """L2 optimum by root-finding on an independently written gradient."""
    Xt = np.column_stack([X, np.ones(len(y))])
    n = len(y)
    pen = np.r_[np.full(X.shape[1], lam), 0.0]

    def grad(t):
        return Xt.T @ (expit(Xt @ t) - y) / n + pen * t

    def hess(t):
        p = expit(Xt @ t)
        return (Xt * (p * (1 - p))[:, None]).T @ Xt / n + np.diag(pen)

    sol = root(grad, np.zeros(Xt.shape[1]), jac=hess, method="hybr", tol=1e-14)
    assert np.max(np.abs(grad(sol.x))) < 1e-14
    return sol.x


@pytest.mark.parametrize("name", EXACT)
def test_known_mle(name):
    X, y, s, theta_star = known_mle_problem()
    obj = LogisticObjective.from_arrays(X, y, s)
    res = _solve(name, obj)
    assert res.converged, res.status
    f_star = obj.value(theta_star)
    assert (res.objective - f_star) / f_star <= 1e-10
    np.testing.assert_allclose(res.coef, theta_star, rtol=1e-6, atol=1e-8)
    assert _kkt(obj, res.coef) <= 1e-10


@pytest.mark.parametrize("name", EXACT)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_known_l2_optimum(name, fit_intercept):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((300, 5)) @ np.diag([1, 2, 0.5, 5, 1.0])
    y = (rng.random(300) < expit(X @ [0.5, -0.3, 1, 0.1, 0] + 0.3)).astype(float)
    lam = 0.05
    if fit_intercept:
        ref = l2_reference(X, y, lam)
    else:
        n = len(y)
        sol = root(
            lambda t: X.T @ (expit(X @ t) - y) / n + lam * t,
            np.zeros(5),
            method="hybr",
            tol=1e-14,
        )
        ref = sol.x
        assert np.max(np.abs(X.T @ (expit(X @ ref) - y) / n + lam * ref)) < 1e-14
    obj = LogisticObjective.from_arrays(X, y, l2=lam, fit_intercept=fit_intercept)
    res = _solve(name, obj)
    assert res.converged, res.status
    f_ref = obj.value(ref)
    assert (res.objective - f_ref) / f_ref <= 1e-10
    np.testing.assert_allclose(res.coef, ref, rtol=1e-6, atol=1e-8)
    assert _kkt(obj, res.coef) <= 1e-10


@pytest.mark.parametrize("name", STOCHASTIC)
def test_stochastic_solver_near_optimum(name):
    X, y, s, theta_star = known_mle_problem(n=2000)
    obj = LogisticObjective.from_arrays(X, y, s, l2=1e-3)
    ref = _solve("newton", obj)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = _solve(name, obj, tol=1e-6, max_iter=200)
    assert (res.objective - ref.objective) / ref.objective <= 1e-2
    np.testing.assert_allclose(res.coef, ref.coef, rtol=1e-1, atol=5e-2)


# -- real data ----------------------------------------------------------------------
def _subsample(X, y, n, seed):
    idx = np.sort(np.random.default_rng(seed).choice(X.shape[0], n, replace=False))
    return X[idx], y[idx]


def _load(name):
    if name == "a9a":
        X, y = load_libsvm(data_path("a9a", "a9a.gz"), 123, max_rows=6000)
    elif name == "ijcnn1":
        X, y = load_libsvm(data_path("ijcnn1", "ijcnn1.trn.subset.bz2"), 22, max_rows=8000)
    elif name == "spambase":
        with gzip.open(data_path("spambase", "spambase.tsv.gz"), "rt") as fh:
            d = np.loadtxt(fh, delimiter="\t", skiprows=1)
        X, y = d[:, :-1], d[:, -1]
    else:  # credit-default-taiwan: drop ID and the 2 rows with a missing AGE
        path = data_path("credit-default-taiwan", "UCI_Credit_Card.subset.csv.gz")
        with gzip.open(path, "rt") as fh:
            d = np.genfromtxt(fh, delimiter=",", skip_header=1)
        d = d[~np.isnan(d).any(axis=1)]
        X, y = d[:, 1:-1], d[:, -1]
    return _subsample(X, y, 2000 if name != "spambase" else 1000, seed=7)


REAL = ["a9a", "ijcnn1", "spambase", "credit-default"]
_CACHE: dict[str, tuple] = {}


def real(name):
    if name not in _CACHE:
        _CACHE[name] = _load(name)
    return _CACHE[name]


_GD_SPAMBASE = pytest.mark.xfail(
    strict=True,
    reason="plain gradient descent converges linearly at rate ~(1 - 1/κ): on this "
    "spambase subsample the Hessian in standardized coordinates has condition number "
    "κ ≈ 1.3e3 at the optimum, so reaching tol=1e-8 needs ~κ·ln(1e8) ≈ 2.4e4 steps; "
    "5000 leave a ~1e-9 objective gap. Newton, L-BFGS and newton-cd reach it.",
)


@pytest.mark.parametrize("dataset", REAL)
@pytest.mark.parametrize("name", EXACT)
def test_same_optimum_on_real_data(name, dataset, request):
    max_iter = 20000
    if name == "gd" and dataset == "spambase":
        request.applymarker(_GD_SPAMBASE)
        max_iter = 5000
    X, y = real(dataset)
    obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
    ref = _solve("newton", obj, tol=1e-12)
    tol = 1e-8
    res = _solve(name, obj, tol=tol, max_iter=max_iter)
    assert res.converged, res.status
    assert (res.objective - ref.objective) / ref.objective <= 1e-10
    assert _kkt(obj, res.coef) <= tol
    np.testing.assert_allclose(res.coef, ref.coef, rtol=1e-4, atol=1e-5)


# -- max_iter, dtypes, sparse -------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_max_iter_warns(name):
    X, y, s, _ = known_mle_problem()
    obj = LogisticObjective.from_arrays(X, y, s)
    f0 = obj.value(np.zeros(obj.n_params))
    with pytest.warns(ConvergenceWarning, match="did not converge") as rec:
        res = get_solver(name)(tol=0.0, max_iter=2, random_state=0).solve(
            obj, np.zeros(obj.n_params)
        )
    assert len([w for w in rec if w.category is ConvergenceWarning]) == 1
    msg = str(rec[0].message)
    assert "n_iter=" in msg and "tol=" in msg and "max-norm" in msg
    assert 1 <= res.n_iter <= 2
    assert not res.converged
    if not SOLVERS[name].capabilities.firth:
        assert res.objective <= f0


@pytest.mark.parametrize("name", ALL)
def test_float32_is_not_copied(name):
    """A float64 copy of X would need 2 × X.nbytes; the fit stays well below."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((400_000, 16)).astype(np.float32)
    y = (rng.random(400_000) < expit(X[:, 0] - X[:, 1])).astype(np.float32)
    X.setflags(write=False)
    obj = LogisticObjective.from_arrays(X, y)

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = get_solver(name)(tol=1e-6, max_iter=3, random_state=0).solve(
                obj, np.zeros(obj.n_params)
            )
        assert np.all(np.isfinite(res.coef))

    _, peaks = peaks_until(fit, 1.5 * X.nbytes)
    assert min(peaks) < 1.5 * X.nbytes, peaks


@pytest.mark.parametrize("name", ALL)
def test_sparse_is_not_densified(name):
    rng = np.random.default_rng(4)
    X = sp.random(10_000, 600, density=0.005, format="csr", random_state=4)
    y = (rng.random(10_000) < 0.3).astype(float)
    dense_bytes = X.shape[0] * X.shape[1] * 8  # 48 MB
    l2 = 0.0 if SOLVERS[name].capabilities.firth else 1e-2
    obj = LogisticObjective.from_arrays(X, y, l2=l2)

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            get_solver(name)(tol=1e-6, max_iter=2, random_state=0).solve(
                obj, np.zeros(obj.n_params)
            )

    _, peaks = peaks_until(fit, dense_bytes / 4)
    assert min(peaks) < dense_bytes / 4, peaks


@pytest.mark.parametrize("name", EXACT)
def test_sparse_equals_dense(name):
    X, y = real("a9a")
    X, y = X[:500], y[:500]
    obj_s = LogisticObjective.from_arrays(X, y, l2=1e-3)
    obj_d = LogisticObjective.from_arrays(X.toarray(), y, l2=1e-3)
    a, b = _solve(name, obj_s, tol=1e-9), _solve(name, obj_d, tol=1e-9)
    # a fit stops once its KKT residual is <= tol (to rounding), so it is off
    # the optimum by about its Newton step H⁻¹g (to second order). a9a's
    # one-hot groups each sum to the intercept's column: directions the loss
    # does not see, held only by the l2 term (Hessian eigenvalues down to
    # 2.3e-4), along which a residual of 6e-10 leaves 1.3e-7 (newton-cd-columns
    # on sparse X with the numpy kernels, whose steps differ from those on
    # dense X: the Hessian's, newton-cd's). So the fits may differ by their
    # two Newton steps.
    assert max(_kkt(obj_d, a.coef), _kkt(obj_d, b.coef)) <= 1.01e-9
    H = obj_d.hessian(b.coef)
    off = sum(np.abs(np.linalg.solve(H, obj_d.gradient(t.coef))) for t in (a, b))
    bound = 1e-6 * np.abs(b.coef) + 1e-8 + 2.0 * off
    assert np.all(np.abs(a.coef - b.coef) <= bound), np.max(np.abs(a.coef - b.coef))


@pytest.mark.parametrize("name", ALL)
def test_result_fields(name):
    X, y, s, _ = known_mle_problem(n=50)
    obj = LogisticObjective.from_arrays(X, y, s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = get_solver(name)(tol=1e-8, max_iter=50, random_state=0).solve(
            obj, np.zeros(obj.n_params)
        )
    assert res.solver == name
    assert res.coef.shape == (obj.n_params,) and res.coef.dtype == np.float64
    assert len(res.history) >= 1
    for entry in res.history:
        assert {"iter", "objective", "grad_max_norm", "step", "time"} <= set(entry)
    assert res.history[-1]["grad_max_norm"] == pytest.approx(res.grad_max_norm)
