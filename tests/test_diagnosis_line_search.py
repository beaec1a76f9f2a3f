"""The ConvergenceWarning's diagnosis of a line search that found no
decrease. It always blamed the floating-point resolution ("conditioning
... loosen tol to about 1e+00") — also for ``newton-cd``'s stop at a
gradient max-norm of 0.0257 on one-hot columns with every level kept, where
rounding cannot be the cause (a rounding stall stops near 1e-8 or below) and
another solver reaches the optimum in six iterations. A stop far above that
floor now names the solver's step and another solver."""

from __future__ import annotations

import numpy as np

from logistic._objective import LogisticObjective
from logistic.backends.in_memory import InMemory
from logistic.solvers._diagnosis import likely_cause


def _objective():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 3))
    y = (rng.random(80) < 0.4).astype(float)
    return LogisticObjective(InMemory(X, y), fit_intercept=True)


def _cause(grad, l1=0.0, solver="newton-cd"):
    return likely_cause(
        _objective(), np.zeros(4), solver=solver,
        status="the Newton step's line search could not decrease the objective "
        "(precision limit)",
        grad_max_norm=grad, l1=l1, stochastic=False,
    )  # fmt: skip


def test_large_gradient_blames_the_step_not_rounding():
    text = _cause(0.0257)
    assert "solver's step" in text and "0.0257" in text
    assert "'newton' or 'lbfgs'" in text and "loosen tol" not in text
    assert "'fista'" in _cause(0.0257, l1=0.01)
    # never the solver that stopped, nor a solver Firth's penalty refuses
    assert "'newton'" not in _cause(0.0257, solver="newton")
    assert "'fista'" not in _cause(0.0257, l1=0.01, solver="fista")
    assert "'lbfgs'" not in _cause(0.0257, solver="firth")


def test_small_gradient_is_still_the_precision_floor():
    text = _cause(3e-9)
    assert "conditioning" in text and "loosen tol to about 1e-07" in text
