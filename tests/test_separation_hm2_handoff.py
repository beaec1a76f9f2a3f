"""The separation check of a multinomial fit reads the statistics pass's
gradient and Hessian instead of making a pass of its own.

``fit`` makes one pass at the optimum for inference
(:func:`logistic.inference._multinomial.collect_multinomial`); the
certificate of the separation check needs the gradient and Hessian of the
same objective at the same coefficients. References: the objective's own
``value_gradient_hessian`` at θ (the same sums, so equal to the bit), and
the verdict of the check when it makes its own pass.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import PerfectSeparationWarning
from logistic._multinomial import MultinomialObjective
from logistic._multinomial_separation import check_multinomial_separation
from logistic.backends import as_backend
from logistic.inference._multinomial import collect_multinomial
from logistic.solvers import get_solver

K = 4


def _data(n: int, separated: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(21)
    X = rng.standard_normal((n, 3))
    if separated:
        return X, np.digitize(X[:, 0], [-0.8, 0.0, 0.8])
    B = np.array(
        [[0.0, 0.0, 0.0], [0.7, -0.4, 0.2], [-0.5, 0.6, 0.3], [0.2, 0.2, -0.6]]
    )
    Z = X @ B.T
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    return X, np.minimum(y, K - 1)


def _fitted(X, y, sample_weight=None):
    backend = as_backend(X, y, sample_weight, multiclass=True)
    objective = MultinomialObjective(backend, reference=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = get_solver("newton")(tol=1e-10, max_iter=100).solve(
            objective, np.zeros(objective.n_params)
        )
    return objective, result


@pytest.mark.parametrize("weighted", [False, True])
def test_handed_derivatives_are_the_objectives(weighted):
    X, y = _data(3000, separated=False)
    sw = np.random.default_rng(3).uniform(0.0, 2.0, y.size) if weighted else None
    objective, result = _fitted(X, y, sw)
    stats, (grad, hess) = collect_multinomial(objective, result.coef)
    _, g_ref, H_ref = objective.value_gradient_hessian(result.coef)
    np.testing.assert_array_equal(grad, g_ref)
    np.testing.assert_array_equal(hess, H_ref)
    np.testing.assert_array_equal(stats.information, hess * stats.weight_sum)


@pytest.mark.parametrize("n", [3000, 20_000])
def test_check_with_handed_derivatives_makes_no_pass(n):
    X, y = _data(n, separated=False)
    objective, result = _fitted(X, y)
    own = check_multinomial_separation(objective, result)
    _, derivatives = collect_multinomial(objective, result.coef)
    before = objective.n_evaluations
    handed = check_multinomial_separation(objective, result, derivatives)
    assert objective.n_evaluations == before  # certified at θ: no pass
    assert own is None and handed is None


def test_separated_fit_is_found_with_handed_derivatives():
    X, y = _data(600, separated=True)
    objective, result = _fitted(X, y)
    _, derivatives = collect_multinomial(objective, result.coef)
    with pytest.warns(PerfectSeparationWarning, match="complete separation"):
        kind = check_multinomial_separation(objective, result, derivatives)
    assert kind == "complete"
