"""Multinomial (softmax) logistic regression for K > 2 classes.

References come from outside the code under test: scikit-learn's
``LogisticRegression`` (newton-cholesky, L2, C = 1, multinomial since 1.5)
on its bundled iris and digits data, statsmodels ``MNLogit`` on its bundled
``anes96`` data (unpenalized, Newton to 1e-12), and finite differences of
the objective itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import PerfectSeparationWarning
from logistic._math import loss as binary_loss
from logistic._multiclass import MultiClassNotSupportedError
from logistic._multinomial import MultinomialObjective, to_reference, to_symmetric
from logistic._multinomial_scaled import ScaledMultinomial
from logistic._softmax import cross_entropy, log_softmax, softmax
from logistic.backends.in_memory import InMemory


def _problem(seed: int, n: int = 300, p: int = 4, K: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * [1.0, 10.0, 0.1, 3.0][:p] + [0, 5, 0, 1][:p]
    W = rng.normal(size=(K, p)) * 0.3 / np.array([1.0, 10.0, 0.1, 3.0][:p])
    Z = X @ W.T
    P = softmax(Z)
    y = np.array([rng.choice(K, p=row) for row in P])
    return X, y


# -- the math layer -------------------------------------------------------------------
def test_softmax_functions_are_finite_and_exact_at_extreme_logits():
    Z = np.array(
        [[0.0, 0.0, 0.0], [1e300, -1e300, 0.0], [-1e300, -1e300, 1e300], [40, 0, -40]]
    )
    y = np.array([0, 1, 2, 0])
    loss = cross_entropy(y, Z)
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(log_softmax(Z)))
    assert loss[0] == pytest.approx(np.log(3.0), rel=1e-15)
    assert loss[1] == 2e300  # lse = 1e300, minus z_y = -1e300
    assert loss[2] == 0.0
    assert loss[3] == pytest.approx(np.exp(-40.0) + np.exp(-80.0), rel=1e-15)
    np.testing.assert_allclose(softmax(Z).sum(axis=1), 1.0, rtol=1e-15)


def test_two_classes_are_the_binary_loss():
    t = np.array([-800.0, -40.0, -1e-9, 0.0, 3.0, 40.0, 800.0])
    Z = np.column_stack([np.zeros_like(t), t])
    for y in (0, 1):
        np.testing.assert_allclose(
            cross_entropy(np.full(t.size, y), Z), binary_loss(y, t), rtol=1e-14
        )


# -- the objective --------------------------------------------------------------------
def _objective(reference: bool, intercept: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    X, y = _problem(seed, n=120)
    sw = rng.uniform(0.5, 2.0, y.size)
    off = rng.normal(size=(y.size, 3))
    data = InMemory(X, y.astype(float), sw, off, classes=np.arange(3))
    o = MultinomialObjective(
        data, l2=0.05, fit_intercept=intercept, reference=reference
    )
    theta = rng.normal(size=o.n_params) * 0.2
    return o, theta, rng


@pytest.mark.parametrize("reference", [False, True])
@pytest.mark.parametrize("intercept", [True, False])
def test_gradient_and_hessian_match_finite_differences(reference, intercept):
    o, theta, rng = _objective(reference, intercept)
    h = 1e-4

    def central(f, e):  # 4th-order central difference along e
        return (
            -f(theta + 2 * h * e)
            + 8 * f(theta + h * e)
            - 8 * f(theta - h * e)
            + f(theta - 2 * h * e)
        ) / (12 * h)

    eye = np.eye(o.n_params)
    g = o.gradient(theta)
    np.testing.assert_allclose(g, [central(o.value, e) for e in eye], atol=1e-9)
    H = o.hessian(theta)
    Hfd = np.array([central(o.gradient, e) for e in eye])
    np.testing.assert_allclose(H, Hfd, atol=1e-8)
    np.testing.assert_allclose(H, H.T, atol=1e-14)
    v = rng.normal(size=o.n_params)
    np.testing.assert_allclose(o.hessian_vector(theta, v), H @ v, atol=1e-12)
    f, g1, H1 = o.value_gradient_hessian(theta)
    assert f == o.value(theta)
    np.testing.assert_array_equal(g1, g)
    np.testing.assert_allclose(H1, H, atol=1e-15)
    M = np.array([o.majorizer_vector(e) for e in eye])  # Böhning's bound ⪰ H
    assert np.linalg.eigvalsh(M - H).min() > -1e-12


@pytest.mark.parametrize("reference", [False, True])
def test_standardized_view_is_the_same_problem(reference):
    o, theta, rng = _objective(reference, True)
    view = ScaledMultinomial(o)
    ts = view.from_original(theta)
    np.testing.assert_allclose(view.to_original(ts), theta, atol=1e-15)
    # the view's value at the mapped point: the same up to the rounding of
    # the round trip to the original coefficients (atol 1e-15 above)
    assert view.value(ts) == pytest.approx(o.value(theta), rel=1e-15)
    v = rng.normal(size=o.n_params)
    np.testing.assert_allclose(view.hessian(ts) @ v, view.hessian_vector(ts, v))
    g = o.gradient(theta)
    np.testing.assert_allclose(view.original_gradient(view.scaled_gradient(g)), g)


def test_objective_finite_at_logits_of_1e300():
    X = np.array([[1.0], [1.0], [1.0]])
    y = np.array([0.0, 1.0, 2.0])
    off = np.array([[1e300, -1e300, 0.0], [1e300, -1e300, 0.0], [0, 0, -1e300]])
    o = MultinomialObjective(InMemory(X, y, None, off, classes=np.arange(3)))
    f, g = o.value_and_gradient(np.zeros(o.n_params))
    assert np.isfinite(f) and np.all(np.isfinite(g))
    assert f == pytest.approx((2e300 + 1e300 + np.log(2.0)) / 3)
    assert np.all(np.isfinite(o.hessian(np.zeros(o.n_params))))


def test_parametrization_map_keeps_probabilities():
    rng = np.random.default_rng(3)
    W, b = rng.normal(size=(4, 3)), rng.normal(size=4)
    X = rng.normal(size=(20, 3))
    Wr, br = to_reference(W, b)
    Ws, bs = to_symmetric(Wr, br)
    assert np.all(Wr[0] == 0) and br[0] == 0
    np.testing.assert_allclose(Ws.sum(axis=0), 0, atol=1e-15)
    for A, c in ((Wr, br), (Ws, bs)):
        np.testing.assert_allclose(softmax(X @ A.T + c), softmax(X @ W.T + b))
    np.testing.assert_allclose(to_symmetric(W, b)[0], Ws, atol=1e-15)


# -- scikit-learn: L2, C = 1 ------------------------------------------------------------
sklearn = pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris

    return load_iris(return_X_y=True)


def _sklearn(X, y, **kw):
    from sklearn.linear_model import LogisticRegression as SK

    return SK(solver="newton-cholesky", tol=1e-14, max_iter=1000, **kw).fit(X, y)


@pytest.mark.parametrize("solver", ["auto", "newton", "lbfgs", "newton-cg"])
def test_iris_matches_scikit_learn(iris, solver):
    X, y = iris
    ref = _sklearn(X, y, C=1.0)
    model = LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(X, y)
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-6)
    assert abs(model.intercept_.sum()) < 1e-10  # centred, as scikit-learn's
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-7)
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))
    np.testing.assert_allclose(model.decision_function(X), ref.decision_function(X))
    assert model.score(X, y) == ref.score(X, y)


def test_gradient_descent_reaches_newtons_optimum():
    X, y = _problem(5, n=400)
    ref = LogisticRegression(penalty="l2", alpha=0.01, solver="newton").fit(X, y)
    model = LogisticRegression(penalty="l2", alpha=0.01, solver="gd", tol=1e-9)
    model.fit(X, y)
    assert model.converged_
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-7)


def test_digits_match_scikit_learn():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    ref = _sklearn(X, y, C=1.0)
    # digits' nearly constant pixels make the intercepts ill-conditioned: at the
    # default tol (1e-10) they are within 1e-5; one more Newton step gives 1e-12
    model = LogisticRegression(penalty="l2", C=1.0, tol=1e-12).fit(X, y)
    assert model.solver_ == "newton" and model.coef_.shape == (10, 64)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-6)


def test_balanced_class_weights_and_sample_weights_match_scikit_learn(iris):
    X, y = iris
    keep = np.r_[0:50, 50:80, 100:150]  # unbalanced classes
    X, y = X[keep], y[keep]
    w = np.random.default_rng(0).uniform(0.5, 2.0, y.size)
    ref = _sklearn(X, y, C=0.5, class_weight="balanced")
    model = LogisticRegression(penalty="l2", C=0.5, class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)
    ref = _sklearn(X, y, C=0.5)
    ref.fit(X, y, sample_weight=w)
    model = LogisticRegression(penalty="l2", C=0.5).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6)


def test_weight_two_equals_a_duplicated_row(iris):
    X, y = iris
    w = np.ones(y.size)
    w[::7] = 2.0
    dup = np.r_[np.arange(y.size), np.arange(0, y.size, 7)]
    a = LogisticRegression(penalty="l2", alpha=0.01).fit(X, y, sample_weight=w)
    b = LogisticRegression(penalty="l2", alpha=0.01).fit(X[dup], y[dup])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-9)


def test_string_labels_float32_and_warm_start(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = LogisticRegression(penalty="l2", C=1.0).fit(X.astype(np.float32), names)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert model.coef_.dtype == np.float32
    assert set(model.predict(X.astype(np.float32))) <= set(model.classes_)
    ref = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    warm = LogisticRegression(penalty="l2", C=1.0, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_[0] <= 1
    np.testing.assert_allclose(warm.coef_, ref.coef_, atol=1e-10)


# -- statsmodels MNLogit: unpenalized, reference class ---------------------------------
@pytest.fixture(scope="module")
def anes96():
    sm = pytest.importorskip("statsmodels.api")
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)  # logpopul, selfLR, age, educ, income
    y = np.asarray(data.endog, dtype=float)  # party identification, 7 levels
    result = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=0
    )
    return X, y, result


def test_unpenalized_reference_coefficients_equal_statsmodels_mnlogit(anes96):
    X, y, sm_result = anes96
    model = LogisticRegression().fit(X, y)  # penalty=None: reference class 0
    params = np.asarray(sm_result.params)  # (p + 1, K - 1), constant last
    assert np.all(model.coef_[0] == 0) and model.intercept_[0] == 0
    np.testing.assert_allclose(model.coef_[1:], params[:-1].T, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.intercept_[1:], params[-1], rtol=0, atol=1e-6)
    n = y.size  # the objective is the mean loss: llf = -n J
    assert -n * model.objective_ == pytest.approx(sm_result.llf, rel=1e-12)
    assert model.separation_ is None


def test_inference_equals_statsmodels_mnlogit(anes96):
    X, y, r = anes96
    inf = LogisticRegression().fit(X, y).inference()  # statistics kept by fit
    for ours, theirs in (
        (inf.params, r.params),
        (inf.bse, r.bse),
        (inf.zvalues, r.tvalues),
        (inf.pvalues, r.pvalues),
    ):
        np.testing.assert_allclose(ours, np.asarray(theirs).T, rtol=1e-6, atol=1e-9)
    ci = np.asarray(r.conf_int()).reshape(6, 6, 2)  # (equation, term, bound)
    np.testing.assert_allclose(inf.conf_int(), ci, rtol=1e-6)
    assert inf.llf == pytest.approx(r.llf, rel=1e-12)
    assert inf.aic == pytest.approx(r.aic, rel=1e-12)
    assert inf.bic == pytest.approx(r.bic, rel=1e-12)
    assert inf.df_model == r.df_model
    # statsmodels fits the null model iteratively; ours is its closed form
    assert inf.llnull == pytest.approx(r.llnull, rel=1e-8)
    assert inf.pseudo_rsquared == pytest.approx(r.prsquared, rel=1e-8)
    text = LogisticRegression().fit(X, y).summary().as_text()
    assert text.count(" vs 0.0\n") == 6  # one block per equation
    assert "Log-likelihood" in text and "-1461.9227" in text


def test_inference_needs_an_unpenalized_fit(anes96):
    X, y, _ = anes96
    with pytest.raises(ValueError, match="needs an unpenalized fit"):
        LogisticRegression(penalty="l2", C=1.0).fit(X, y).summary()
    with pytest.raises(ValueError, match="cov_type='HC0' needs the training data"):
        LogisticRegression().fit(X, y).inference(cov_type="HC0")


def test_unpenalized_symmetric_form_equals_scikit_learn(anes96):
    X, y, _ = anes96
    ref = _sklearn(X, y, C=np.inf)  # scikit-learn's unpenalized spelling
    model = LogisticRegression(solver="lbfgs").fit(X, y)
    coef, intercept = to_symmetric(model.coef_, model.intercept_)
    np.testing.assert_allclose(coef, ref.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(intercept, ref.intercept_, rtol=0, atol=1e-6)


def test_offset_matrix_shifts_the_intercepts(anes96):
    X, y, _ = anes96
    c = np.linspace(-1.0, 2.0, 7)
    base = LogisticRegression().fit(X, y)
    shifted = LogisticRegression().fit(X, y, offset=np.tile(c, (y.size, 1)))
    np.testing.assert_allclose(
        shifted.intercept_, base.intercept_ - (c - c[0]), rtol=0, atol=1e-7
    )
    np.testing.assert_allclose(shifted.coef_, base.coef_, atol=1e-7)
    with pytest.raises(ValueError, match=r"offset must have shape \(n_samples, n_cl"):
        LogisticRegression().fit(X, y, offset=np.zeros(y.size))


# -- separation -------------------------------------------------------------------------
def test_separated_classes_warn_and_are_named():
    X = np.array([[-3.0], [-2.0], [-1.5], [0.0], [0.2], [0.5], [2.0], [3.0], [4.0]])
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    with pytest.warns(PerfectSeparationWarning, match="complete separation"):
        model = LogisticRegression(max_iter=100).fit(X, y)
    assert model.separation_ == "complete"
    # classes 0 and 1 overlap, class 2 is still cut off: quasi-complete
    with pytest.warns(PerfectSeparationWarning, match="quasi-complete separation"):
        overlap = LogisticRegression().fit(np.r_[X, [[0.1], [-2.5]]], np.r_[y, 0, 1])
    assert overlap.separation_ == "quasi-complete"


# -- what is not multi-class yet --------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"penalty": "firth"}, "penalty='firth'"),
    ],
)
def test_binary_only_settings_raise_one_clear_error(iris, params, what):
    X, y = iris
    with pytest.raises(MultiClassNotSupportedError) as info:
        LogisticRegression(**params).fit(X, y)
    assert str(info.value) == (
        f"Only binary classification is supported with {what} so far; for more "
        "than two classes use penalty='l2' or penalty=None"
    )


def test_l1_needs_an_l1_solver(iris):
    X, y = iris
    with pytest.raises(
        ValueError, match=r"solver='lbfgs' does not support penalty='l1"
    ):
        LogisticRegression(penalty="l1", C=1.0, solver="lbfgs").fit(X, y)


def test_l1_matches_scikit_learn_saga(iris):
    from sklearn.linear_model import LogisticRegression as SK

    X, y = iris
    ref = SK(C=1.0, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=100_000)
    ref.fit(X, y)  # saga's own precision limits the agreement to ~1e-6
    model = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    assert model.solver_ == "newton-cd" and model.converged_
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=0, atol=1e-5)
    assert np.sum(model.coef_ == 0) == np.sum(ref.coef_ == 0)


def test_partial_fit_learns_three_classes(iris):
    X, y = iris
    model = LogisticRegression(penalty="l2", alpha=0.01, random_state=0)
    for _ in range(20):
        model.partial_fit(X, y, classes=[0, 1, 2])
    assert model.coef_.shape == (3, 4) and list(model.classes_) == [0, 1, 2]
    assert model.score(X, y) > 0.75
    with pytest.raises(ValueError, match="differs from the classes"):
        model.partial_fit(X, y, classes=[0, 1, 2, 3])


def test_binary_only_features_of_a_fitted_model_raise(iris, tmp_path):
    X, y = iris
    with pytest.raises(MultiClassNotSupportedError, match="checkp"):
        LogisticRegression().fit(X, y, checkpoint=tmp_path / "c")


def test_two_classes_stay_binary(iris):
    X, y = iris
    keep = y > 0
    model = LogisticRegression(penalty="l2", C=1.0).fit(X[keep], y[keep])
    assert model.coef_.shape == (1, 4) and model.intercept_.shape == (1,)
    assert model.decision_function(X).shape == (150,)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cd"])
def test_sparse_x_gives_the_dense_fit(iris, solver):
    import scipy.sparse as sp

    X, y = iris
    # tol 1e-12: at the default 1e-10 a fit may stop where the gradient is
    # 5e-11, whose coefficients can be ~tol/λ_min ≈ 3e-8 from the optimum
    # (lbfgs's sparse fit did, its dense one polished to 1e-15)
    dense = LogisticRegression(penalty="l2", C=1.0, solver=solver, tol=1e-12)
    dense.fit(X, y)
    sparse = LogisticRegression(penalty="l2", C=1.0, solver=solver, tol=1e-12)
    sparse.fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-9)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), atol=1e-12
    )


def test_dataframe_names_reach_the_summary(anes96):
    pd = pytest.importorskip("pandas")
    X, y, _ = anes96
    names = ["logpopul", "selfLR", "age", "educ", "income"]
    model = LogisticRegression().fit(pd.DataFrame(X, columns=names), y)
    assert model.inference().term_names == [*names, "Intercept"]
    assert "selfLR" in model.summary().as_text()
