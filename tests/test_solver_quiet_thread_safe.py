"""Newton's subsample start silences its own warnings without the process's
warning filters (:mod:`logistic.solvers._newton_rows`, ``Solver.quiet``).

It ran its fit inside ``warnings.catch_warnings()`` with
``simplefilter("ignore")``. Those filters are the whole process's: while one
thread's fit ran its start, every other thread's warnings were dropped, and
two fits started at once in threads (joblib's threading backend, a service's
requests) could leave ``("ignore", Warning)`` installed for good: three
threads of three 250,000-row Newton fits did, after which no warning of the
process was ever shown again. The start's solver is now ``quiet``: its
ConvergenceWarning and NumericalStabilityWarning are not issued at all, and
the filters stay as the caller set them.
"""

from __future__ import annotations

import warnings

import numpy as np

from conftest import binary_sparse_problem
from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.backends import InMemory
from logistic.solvers import _base
from logistic.solvers.newton import Newton


def test_the_subsample_start_leaves_the_warning_filters_alone(monkeypatch):
    X, y = binary_sparse_problem(7, 24_000, 40, density=0.15)
    seen = []
    begin = _base.Solver.begin

    def recording(self, *args, **kwargs):
        seen.append((self.quiet, list(warnings.filters)))
        return begin(self, *args, **kwargs)

    monkeypatch.setattr(_base.Solver, "begin", recording)
    before = list(warnings.filters)
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    assert model.history_[0]["subsample_rows"] > 0  # the start ran
    assert [quiet for quiet, _ in seen] == [False, True]  # the fit, its start
    assert all(filters == before for _, filters in seen)


def test_a_quiet_solver_that_does_not_converge_issues_no_warning():
    X, y = binary_sparse_problem(3, 2_000, 10, density=0.3)
    objective = LogisticObjective(InMemory(X, y), l2=1e-3)
    solver = Newton(max_iter=1, tol=1e-14)
    solver.quiet = True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solver.solve(objective, np.zeros(11))
    assert not result.converged
