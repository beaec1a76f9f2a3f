"""The line search's acceptance rules at the precision limit (``solvers._linesearch``).

Reference values are arithmetic facts of IEEE float64 (1 + 1e-20 == 1), not
outputs of the code under test.
"""

from __future__ import annotations

import numpy as np

from logistic.solvers._linesearch import armijo, armijo_or_flat, backtrack


def test_armijo_refuses_a_step_that_leaves_the_value_unchanged():
    # required decrease 1e-4 · t · slope = 1e-24 rounds away beside 0.63
    assert 0.63 + 1e-4 * 1.0 * -1e-20 == 0.63
    assert not armijo(0.63, 0.63, 1.0, -1e-20)
    assert armijo(np.nextafter(0.63, 0.0), 0.63, 1.0, -1e-20)  # a real decrease
    assert armijo(0.5, 0.63, 1.0, -1.0)  # an ordinary sufficient decrease
    assert not armijo(0.63, 0.63, 1.0, -1.0)  # resolvable and not met


def test_a_null_step_ends_the_backtracking_unaccepted():
    """Halving a step until it no longer moves the iterate ends in no
    accepted step (the caller's line-search stop), not a null step taken."""
    theta, d, value0 = 0.63, 1e-10, 0.63

    def trial(t):
        moved = theta + t * d
        value = value0 if moved == theta else value0 + 1e-13  # noise above
        return armijo(value, value0, t, -1e-20), moved

    accepted, last = backtrack(trial, 1.0, max_backtracks=60)
    assert not accepted and last == theta


def test_a_negligible_predicted_decrease_lets_the_gradient_decide():
    # the value rose by 2e-13 (≫ 64 ulps of 0.63) on a step predicted to
    # lower it by 1e-20: evaluation error, so a smaller gradient decides
    assert armijo_or_flat(0.63 + 2e-13, 0.63, 1.0, -1e-20, lambda: True)
    assert not armijo_or_flat(0.63 + 2e-13, 0.63, 1.0, -1e-20, lambda: False)
    # a resolvable predicted decrease: the values decide, not the gradient
    assert not armijo_or_flat(0.63 + 2e-13, 0.63, 1.0, -1e-3, lambda: True)
    assert not armijo_or_flat(np.inf, 0.63, 1.0, -1e-20, lambda: True)
