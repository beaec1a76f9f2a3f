"""FISTA lowers its Lipschitz estimate where the optimum is flat.

The power-iteration ``L`` bounds the curvature everywhere; near an optimum
where every probability is close to its label the curvature is far smaller
(scikit-learn's ``check_class_weight_classifiers``: class weights 1000 :
0.0001 put the intercept at -16, curvature ~1e-7), and steps of ``1/L`` ran
FISTA to ``max_iter=1000`` unconverged, the intercept at -13.7. The step's
``L`` is now halved where the curvature along the last step is at most
``L/4`` (resolved above rounding noise). With K classes FISTA steps on
each iterate's gauge-free point (its steps measured on the unshifted
iterate), so that ``L`` need not cover the gauge term's curvature (:meth:`logistic._multinomial_scaled.ScaledMultinomial.gauge_free`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression


def _weighted_blobs_fit(centers: int, weights: dict, tol: float):
    """scikit-learn's ``check_class_weight_classifiers`` data (make_blobs,
    std 20, its first half) and an L1 fista fit with ``weights``, which must
    converge (no ConvergenceWarning); returns the model and the labels."""
    from sklearn.datasets import make_blobs
    from sklearn.model_selection import train_test_split

    X, y = make_blobs(centers=centers, random_state=0, cluster_std=20)
    X, _, y, _ = train_test_split(X, y, test_size=0.5, random_state=0)
    model = LogisticRegression(
        penalty="l1",
        C=1.0,
        solver="fista",
        class_weight=weights,
        max_iter=1000,
        tol=tol,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        model.fit(X, y)
    return model, y


def test_class_weights_far_apart_converge_to_the_closed_form():
    # scikit-learn's check_class_weight_classifiers data (make_blobs, two
    # centres, std 20, its first half). With every coefficient at 0 (the L1
    # penalty keeps them there) the intercept's optimum solves
    # Σ ω_i (σ(b) - y_i) = 0: b = log(W₁ / W₀), the weighted prevalence's logit.
    weights = {0: 1000.0, 1: 0.0001}
    model, y = _weighted_blobs_fit(2, weights, tol=1e-12)
    assert model.n_iter_[0] < 100  # 1000 (unconverged) with L fixed
    np.testing.assert_array_equal(model.coef_, 0.0)
    w1, w0 = weights[1] * np.sum(y == 1), weights[0] * np.sum(y == 0)
    assert model.intercept_[0] == pytest.approx(np.log(w1 / w0), abs=1e-4)


def test_three_classes_with_weights_far_apart_converge_to_the_closed_form():
    # The same data with three centres, class weights 1000 : 1e-4 : 1e-4. The
    # K-class objective's gauge term (γ/2)(Σ_k b_k)² has curvature Kγ = 1/4
    # along the common intercept shift, the loss ~1e-6 along the others: a
    # halved L below 1/4 blew the rounding-level Σ_k b_k up until the
    # backtracking raised L 256-fold, and the fit reached max_iter=1000 with
    # intercepts [10.39, -5.20, -5.19]. FISTA now steps on the gauge-free
    # point of each iterate. With every coefficient at 0 the optimum is the
    # weighted class shares: b_k = log W_k - mean_j log W_j (centred, as
    # scikit-learn reports them), [10.881, -5.473, -5.408].
    weights = {0: 1000.0, 1: 1e-4, 2: 1e-4}
    model, y = _weighted_blobs_fit(3, weights, tol=1e-10)
    assert model.n_iter_[0] < 100  # 1000 (unconverged) with the gauge term in L
    np.testing.assert_array_equal(model.coef_, 0.0)
    log_w = np.log([weights[k] * np.sum(y == k) for k in range(3)])
    np.testing.assert_allclose(model.intercept_, log_w - log_w.mean(), atol=1e-4)


def test_three_classes_on_columns_far_from_centred_converge_in_fewer_steps():
    # Iris: in standardized coordinates the gauge term reads
    # Σ_k (b'_k - Σ_j μ_j w'_kj / σ_j), so its curvature (≈ 27 here) bounded
    # FISTA's L and the fit took 3069 iterations to tol=1e-8. On the gauge-free
    # points it takes ~200. newton-cd (another solver, proximal Newton) gives
    # the optimum; scikit-learn's saga agrees with it to 1e-5
    # (tests/test_multinomial.py::test_l1_matches_scikit_learn_saga).
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    fista = LogisticRegression(penalty="l1", C=1.0, solver="fista", tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        fista.fit(X, y)
    assert fista.n_iter_[0] < 500
    cd = LogisticRegression(penalty="l1", C=1.0, solver="newton-cd", tol=1e-10)
    cd.fit(X, y)
    np.testing.assert_allclose(fista.coef_, cd.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(fista.intercept_, cd.intercept_, rtol=0, atol=1e-4)
    np.testing.assert_array_equal(fista.coef_ == 0, cd.coef_ == 0)


def test_rare_events_converge_in_fewer_steps():
    # 19 events in 50 000 rows (logit -9): the intercept's curvature is ~4e-4
    # of L's; 682 iterations with L fixed. newton-cd, another solver, gives
    # the same optimum (L1 problems have no outside closed form here).
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50_000, 20))
    z = X[:, :3] @ [1.0, -1.0, 0.5] - 9.0
    y = (rng.random(50_000) < 1 / (1 + np.exp(-z))).astype(int)
    fista = LogisticRegression(penalty="l1", C=1.0, solver="fista").fit(X, y)
    assert fista.converged_ and fista.n_iter_[0] < 150
    cd = LogisticRegression(penalty="l1", C=1.0, solver="newton-cd", tol=1e-8).fit(X, y)
    np.testing.assert_allclose(fista.coef_, cd.coef_, atol=1e-4)
    np.testing.assert_allclose(fista.intercept_, cd.intercept_, atol=1e-4)


def test_three_classes_on_columns_shifted_far_from_0_do_not_diverge():
    # Iris + 100 (|μ/σ| ≈ 125 per column): the gauge-free shift of an
    # iterate moves its b' by Σ_j μ_j Δw'_kj / σ_j, along a direction where
    # the loss is flat. Measured on the shifted point, that flat move inflated
    # the step's ‖d‖² in the backtracking bound and faked a low curvature,
    # L kept halving, and the fit diverged (objective 1.1 -> 5e7, intercepts
    # ~1e10). The L1 optimum is translation-equivariant: coef_ is the fit's
    # on unshifted iris, and each intercept moves by -100·Σ_j w_kj, then is
    # centred. Reference: newton-cd on unshifted iris, which matches
    # scikit-learn's saga to 1e-5 (tests/test_multinomial.py::
    # test_l1_matches_scikit_learn_saga).
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    cd = LogisticRegression(penalty="l1", C=1.0, solver="newton-cd", tol=1e-10)
    cd.fit(X, y)
    intercept = cd.intercept_ - 100.0 * cd.coef_.sum(axis=1)
    intercept -= intercept.mean()
    fista = LogisticRegression(penalty="l1", C=1.0, solver="fista", tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        fista.fit(X + 100.0, y)
    np.testing.assert_allclose(fista.coef_, cd.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(fista.intercept_, intercept, rtol=0, atol=1e-3)
    np.testing.assert_allclose(
        fista.predict_proba(X + 100.0), cd.predict_proba(X), rtol=0, atol=1e-5
    )
