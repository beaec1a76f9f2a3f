"""A solver that cannot stream, refused on streamed data, names solvers
that can fit the same problem. The message advised ``'newton', 'lbfgs' or
'gd'`` also for an L1 fit, all three of which refuse an L1 term; the solvers
named now stream and, with an L1 term, take it (each one then fits the same
stream to the same optimum as the in-memory fit, the reference here)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression


def _data(n=400, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ [1.0, -0.5, 0.0, 0.3]))).astype(float)
    return X, y


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_advice_names_solvers_that_fit_the_stream(penalty):
    X, y = _data()

    def blocks():
        return iter([(X[:200], y[:200]), (X[200:], y[200:])])

    with pytest.raises(InvalidParameterError, match="cannot stream") as exc:
        LogisticRegression(penalty=penalty, C=1.0, solver="newton-cd-columns").fit(
            blocks, None
        )
    named = re.findall(r"'([a-z-]+)'", str(exc.value).split("; use ")[1])
    assert named and "newton-cd-columns" not in named
    ref = LogisticRegression(penalty=penalty, C=1.0, tol=1e-10).fit(X, y)
    for solver in named:
        m = LogisticRegression(penalty=penalty, C=1.0, solver=solver, tol=1e-10)
        m.fit(blocks, None)
        assert np.allclose(m.coef_, ref.coef_, atol=1e-6), solver
