"""The separation stop's deviance test holds over consecutive iterations.

Under quasi-complete separation the deviance has a finite infimum (the rows
on the separating directions' boundary keep a finite fit), which a stopped
fit should be near whichever solver ran it. ``newton-cd`` (inexact Newton
steps from an inner coordinate descent) took one step that barely moved
the deviance (6e-6 of it, amid steps of 1e-4) and stopped there at
iteration 24 with a deviance of 126.96, 2.7 above ``newton``'s stop on the
same rows (124.29; 124.04 at tol, iteration 2 299): a difference a
likelihood-ratio test (3.84 on one degree of freedom) would not ignore.
"""

from __future__ import annotations

import warnings

import numpy as np

from _quasi_separated_design import quasi_separated
from logistic import ConvergenceWarning, LogisticRegression


def _design():
    X, y = quasi_separated()  # tests/_quasi_separated_design.py, dense here
    return X.toarray(), y


def _deviance(model, X, y):
    # the binomial deviance, 2 Σ log(1 + exp(-t z)), from the fitted logits
    t = 2 * y - 1
    return 2.0 * float(np.sum(np.logaddexp(0.0, -t * model.decision_function(X))))


def test_newton_cd_stops_where_newton_does():
    # newton-cd (the dense Hessian's coordinate descent, another loop of
    # solvers._iterative) crept to max_iter=1000 before the stop
    X, y = _design()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cd = LogisticRegression(penalty=None, solver="newton-cd").fit(X, y)
    assert cd.n_iter_[0] < 600 and cd.converged_ is False
    assert ConvergenceWarning not in [w.category for w in caught]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        newton = LogisticRegression(penalty=None, solver="newton").fit(X, y)
    assert abs(_deviance(cd, X, y) - _deviance(newton, X, y)) < 0.5  # 2.7 before
    for model in (cd, newton):
        assert model.fit_status_.startswith("stopped under quasi-complete")
        assert "last 2 iterations changed the deviance" in model.fit_status_
