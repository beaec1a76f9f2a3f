"""K-class ``gd`` steps on its iterates' gauge-free point
(:meth:`logistic._multinomial_scaled.ScaledMultinomial.gauge_free`) with the
step bound of the loss and penalty alone.

Its ``1/L`` covered the symmetric parametrization's gauge term
``(1/(8K))(Σ_k b_k)²``, whose curvature in standardized coordinates grows
with the columns' ``μ/σ`` (iris: ``L`` 26.1, the loss's own 1.49): ``1/L``
was 0.038 where the loss's bound allows 0.67, and once the Armijo test was
below J's resolution gd took that step untested: iris at ``C=1``,
``tol=1e-8`` ran to ``max_iter=5000`` 0.14 away from the optimum (lbfgs 31
iterations, newton 8); it now converges in ~1,250.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import LogisticRegression


def test_iris_gd_converges_to_scikit_learns_optimum():
    X, y = load_iris(return_X_y=True)
    # the reference: scikit-learn's newton-cg at tol=1e-12 (the same penalty
    # C·Σ loss + ½‖W‖², centred intercepts); our newton agrees to 1e-11
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SkLogisticRegression(
            C=1.0, solver="newton-cg", tol=1e-12, max_iter=10_000
        ).fit(X, y)
    m = LogisticRegression(
        penalty="l2", C=1.0, solver="gd", tol=1e-8, max_iter=5000
    ).fit(X, y)
    assert m.converged_ and m.n_iter_[0] < 2500  # 1,250 (5,000 unconverged before)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(m.intercept_, ref.intercept_, atol=1e-5)


def test_gauge_free_majorizer_is_boehnings_bound_without_the_gauge_term():
    # M = ½(I - 11ᵀ/K) ⊗ X̃ᵀX̃/n + λ I_W (Böhning 1992, Ann. Inst. Statist.
    # Math. 44:197), mapped to standardized coordinates by T (the view's own
    # to_original, a linear map, as columns): TᵀMT v; no gauge term, so a
    # common shift of the intercepts u is in its null space.
    from logistic._multinomial import MultinomialObjective
    from logistic._multinomial_scaled import ScaledMultinomial
    from logistic.backends import InMemory

    rng = np.random.default_rng(3)
    n, p, K, lam = 50, 3, 3, 0.1
    X = rng.normal(size=(n, p)) * [1.0, 5.0, 0.1] + [3.0, -20.0, 0.5]
    y = rng.integers(0, K, size=n).astype(float)
    objective = MultinomialObjective(InMemory(X, y, classes=np.arange(K)), l2=lam)
    view = ScaledMultinomial(objective)
    q = p + 1
    Xt = np.column_stack([X, np.ones(n)])
    M = np.kron(0.5 * (np.eye(K) - 1.0 / K), Xt.T @ Xt / n)
    w_idx = (np.arange(K)[:, None] * q + np.arange(p)).ravel()
    M[w_idx, w_idx] += lam
    T = np.column_stack([view.to_original(e) for e in np.eye(K * q)])
    v = rng.normal(size=K * q)
    np.testing.assert_allclose(
        view.gauge_free_majorizer_vector(v), T.T @ M @ T @ v, rtol=1e-10, atol=1e-12
    )
    u = np.zeros((K, q))
    u[:, p] = 1.0
    assert np.abs(view.gauge_free_majorizer_vector(u.ravel())).max() < 1e-12
    # the gauge term (γ = 1/(4K)) is what the default product adds
    assert abs(float(u.ravel() @ view.majorizer_vector(u.ravel())) - K * K / (4 * K)) < 1e-12
