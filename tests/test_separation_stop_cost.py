"""What the separation stop (logistic._separation_stop) costs a fit.

The rule decides separation once, mid-fit, where a slow iteration has a
fitted logit beyond 20 on its correct side. Data that do not separate trip
that trigger too (a few rows with extreme values), and Konis's linear
program then costs more than the fit: lbfgs on 3 000 × 300 such rows took
9.3 s instead of 1.1 s, 7.3 of them in the program. The separation check's
curvature certificate (a proof that nothing separates: one pass and an
eigh) now decides first. And a program that ran out of its time in the rule
is not run again by the check at the fit's end (a 3 600 × 2 000 sparse
separated design spent its 20 s twice).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic._fit_steps as fit_steps
import logistic._separation_lp as separation_lp
import logistic._separation_stop as separation_stop
from _quasi_separated_design import quasi_separated
from logistic import LogisticRegression


def _overlapping(n: int = 2000, p: int = 100):
    # correlated columns (a common factor of scale 10: L-BFGS is slow here)
    # and 8 rows with x0 shifted by 12 (fitted logits of 20-60 at the
    # optimum): labels drawn from a logistic model, so the classes overlap
    # and the MLE exists
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, p)) + 10.0 * rng.normal(size=(n, 1))
    beta = np.zeros(p)
    beta[:10] = 2.0 * np.array([1, -1] * 5)
    X[:8, 0] += 12.0
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta)))).astype(int)
    return X, y


def test_data_that_do_not_separate_pay_no_linear_program(monkeypatch):
    # Reference: statsmodels' Logit MLE (Newton) on the same rows.
    sm = pytest.importorskip("statsmodels.api")
    X, y = _overlapping()
    programs: list[int] = []
    asked: list[bool | None] = []

    def no_program(*args):
        programs.append(1)
        return None

    certificate = fit_steps.curvature_certificate

    def counted(*args):
        asked.append(certificate(*args))
        return asked[-1]

    monkeypatch.setattr(separation_stop, "lp_report", no_program)
    monkeypatch.setattr(fit_steps, "curvature_certificate", counted)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(penalty=None, solver="lbfgs").fit(X, y)
    assert programs == []  # 0.2-7 s here before, 1-10x the fit's time
    assert asked == [True]  # the trigger tripped, the certificate decided
    assert model.converged_ and model.separation_ is None
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(
        model.coef_.ravel(), ref.params[1:], rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(model.intercept_[0], ref.params[0], rtol=1e-4, atol=1e-5)


def _no_single_column():
    # tests/test_separation_stop.py's quasi-separated sparse design and a
    # point of both classes with every column at 1, so that no single
    # column separates and only the program finds the separation; the fit
    # creeps (newton-cd-columns: max_iter reached)
    return quasi_separated(extra_rows=2)


def test_a_program_out_of_time_runs_once(monkeypatch):
    X, y = _no_single_column()
    programs: list[int] = []
    direction = separation_lp.lp_direction

    def counted(*args):
        programs.append(1)
        return direction(*args)

    monkeypatch.setattr(separation_lp, "lp_direction", counted)
    model = LogisticRegression(penalty=None, solver="newton-cd-columns", max_iter=60)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert programs == [1] and model.separation_ == "quasi-complete"
    programs.clear()
    monkeypatch.setattr(separation_lp, "LP_SECONDS", 0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert programs == [1]  # 2 before: the rule's, then the check's again
    assert model.separation_ == "unchecked"
    said = [str(w.message) for w in caught if "stopped after 0 s" in str(w.message)]
    assert len(said) == 1, said


def test_a_damped_newton_fit_that_converges_pays_no_program(monkeypatch):
    # Newton's damped steps (iterations 6-8 here: the gradient falls by
    # less than half) with 6 rows at x0 + 40 (fitted logits beyond 20) on
    # data that do not separate: the stop decided there, mid-fit, with the
    # deviance still moving by 5.5e-4 of it an iteration (a program of 0.6 s
    # for a 10-iteration fit of 0.1 s); the fit converges two iterations on.
    # Reference: statsmodels' Logit MLE.
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 20))
    X[:, 1:4] += 8 * X[:, [0]]
    X[:6, 0] += 40
    beta = np.zeros(20)
    beta[0], beta[1] = 3.0, -1.0
    y = (rng.random(600) < 1 / (1 + np.exp(-(X @ beta)))).astype(int)
    programs: list[int] = []
    monkeypatch.setattr(separation_stop, "lp_report", lambda *args: programs.append(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(penalty=None, solver="newton").fit(X, y)
    assert programs == []
    assert model.converged_ and model.separation_ is None
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(
        model.coef_.ravel(), ref.params[1:], rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(model.intercept_[0], ref.params[0], rtol=1e-6)
