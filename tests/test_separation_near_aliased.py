"""A near-aliased column is not a separation. With ``x3 = x1 + x2 +
1e-7·noise``, the direction ``x3 - x1 - x2`` puts every row within 1e-7 of
the boundary, on both sides at random; HiGHS accepts violations up to its
feasibility tolerance (1e-7), so Konis's program found that direction
"separating" 1 row strictly and 199 on the boundary (violations of 9e-8
against margins of at most 1.1e-7), and the fit warned of quasi-complete
separation. statsmodels' Logit raises no separation on these data (its
Newton drifts along the flat direction without converging), and with x3
left out it converges; R's detectseparation and safeBinaryRegression count
a direction as separating only where its margins are beyond a tolerance.
A margin no larger than the solution's own violations vouches for no side
(:func:`logistic._separation_lp.strict_margin`)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import PerfectSeparationWarning
from logistic._separation_lp import lp_report, strict_margin


def _data(separated: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)  # seed 1: the false separation was reported
    n = 200
    x1 = rng.standard_normal(n)
    x2 = rng.standard_normal(n)
    x3 = x1 + x2 + 1e-7 * rng.standard_normal(n)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(x1 - x2)))).astype(int)
    if separated:
        y = (x1 > 0).astype(int)  # x1 separates completely
    return np.column_stack([x1, x2, x3]), y


def test_lp_finds_no_separation_on_a_near_aliased_column() -> None:
    X, y = _data()
    assert lp_report(X, y, np.ones(y.shape[0], dtype=bool), True) is None


def test_lp_still_finds_a_separation_beside_a_near_aliased_column() -> None:
    X, y = _data(separated=True)
    report = lp_report(X, y, np.ones(y.shape[0], dtype=bool), True)
    assert report is not None and report.kind == "complete"
    # Albert & Anderson's check of the reported direction, on the data
    margins = (2 * y - 1) * (X @ report.coef + report.intercept)
    assert (margins > 0).all()


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_fit_matches_statsmodels_without_the_aliased_column(solver: str) -> None:
    sm = pytest.importorskip("statsmodels.api")
    X, y = _data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        full = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    # statsmodels sees no separation on the full design
    assert not any("separation" in str(w.message).lower() for w in caught)
    reduced = sm.Logit(y, sm.add_constant(X[:, :2])).fit(disp=0)
    assert reduced.mle_retvals["converged"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        model = LogisticRegression(penalty=None, solver=solver).fit(X, y)
    # x3 is aliased (R's NA): the others are the model without it
    np.testing.assert_allclose(model.intercept_[0], reduced.params[0], atol=1e-6)
    np.testing.assert_allclose(model.coef_[0, :2], reduced.params[1:], atol=1e-6)
    assert model.coef_[0, 2] == 0.0
    # and its likelihood is statsmodels' on the full design to 1e-2 (the
    # 1e-7 noise is worth 1.2e-3 of log-likelihood along the flat direction)
    p = model.predict_proba(X)[:, 1]
    llf = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
    assert llf == pytest.approx(full.llf, abs=1e-2)


def test_strict_margin_rises_with_the_violations() -> None:
    # rounding-level violations leave HiGHS's tolerance; tolerance-level
    # ones lift the bar to ten times themselves
    assert strict_margin(np.array([-2e-16, 0.0, 0.5])) == 1e-7
    assert strict_margin(np.array([-9e-8, 0.0, 1.1e-7])) == pytest.approx(9e-7)


def test_three_classes_near_aliased_column_is_not_separation() -> None:
    # the K-class check's program read 2 of 600 (row, other class) pairs as
    # separated on these data; statsmodels' MNLogit raises no separation
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    n = 300
    x1 = rng.standard_normal(n)
    x2 = rng.standard_normal(n)
    x3 = x1 + x2 + 1e-7 * rng.standard_normal(n)
    z = np.column_stack([np.zeros(n), x1 - x2, x1 + x2])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    X = np.column_stack([x1, x2, x3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, maxiter=50)
    assert not any("separation" in str(w.message).lower() for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        model = LogisticRegression(penalty=None).fit(X, y)
    assert model.separation_ is None
