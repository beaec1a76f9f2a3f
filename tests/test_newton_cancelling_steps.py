"""Newton's first trial step along a direction whose terms cancel in X d.

A column that is the sum of two others rounded to 6 decimals (300 rows): the
full model's optimum exists (coefficients of ~±8.6e5 that cancel;
``newton-cg`` reaches it in 10 iterations with a gradient of 1.5e-11), but
the default solver (Newton) ran 1 000 iterations and stopped unconverged:
each step's first trial was capped at ~1.3e-3 of the Newton step by the
line search's bound on the logits' move, ``Σ_j max_i |x_ij| |d_j|``, which
adds the terms that cancel. With the rows in memory the step's exact reach
``max_i |x_i·d|`` now decides where the bound exceeds the cap. The reference
is ``newton-cg``'s optimum (another algorithm, whose steps no such cap
limits); statsmodels' ``Logit`` cannot serve here: its Newton does not
converge on this design in 100 iterations (mean log-likelihood -0.5358, above
the optimum's -0.5307).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.solvers._linesearch import MAX_LOGIT_REACH, first_trial


def _rounded_sum(n: int, decimals: int = 6, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    X = np.column_stack([X, np.round(X[:, 0] + X[:, 1], decimals)])
    y = (rng.random(n) < 1 / (1 + np.exp(-(X[:, 0] - X[:, 2])))).astype(int)
    return X, y


@pytest.mark.parametrize("n", [300, 3000])
def test_newton_converges_along_a_rounded_dependency(n):
    X, y = _rounded_sum(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        warnings.filterwarnings("ignore", "Newton: the Hessian is singular")
        newton = LogisticRegression(solver="newton").fit(X, y)
    assert newton.converged_ and newton.n_iter_[0] <= 15
    cg = LogisticRegression(solver="newton-cg").fit(X, y)
    assert newton.objective_ <= cg.objective_ + 1e-12
    np.testing.assert_allclose(newton.predict_proba(X), cg.predict_proba(X), atol=1e-6)


def test_first_trial_reads_the_exact_reach_of_rows_in_memory():
    from logistic._objective import LogisticObjective

    X, y = _rounded_sum(300)
    objective = LogisticObjective.from_arrays(X, y.astype(float))
    objective.column_moments()  # the statistics pass the bound reads
    d = np.array([1e6, 1e6, 0.0, -1e6, 0.0])  # cancels up to the rounding
    bound = objective.logit_reach(d)
    assert bound > 1e6 * MAX_LOGIT_REACH / 1e4  # the bound adds the terms
    exact = float(np.max(np.abs(X @ d[:-1])))
    assert exact < MAX_LOGIT_REACH  # they cancel: a full step is allowed
    assert first_trial(objective, d) == 1.0
    far = d * 1e6  # a step that does move the logits far is still capped
    assert exact * 1e6 > MAX_LOGIT_REACH
    assert first_trial(objective, far) == pytest.approx(MAX_LOGIT_REACH / (exact * 1e6), rel=1e-9)


def test_a_streamed_fit_takes_the_rows_reach_too(tmp_path, monkeypatch):
    # rows read from a file: the reach from a pass (a power mean over the
    # rows, within n^(1/32) of the largest move), not the columns' bound
    pd = pytest.importorskip("pandas")
    X, y = _rounded_sum(3000)
    path = tmp_path / "a.parquet"
    pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(y=y).to_parquet(path)
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(tmp_path / "cache"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(solver="newton").fit(str(path), "y")
    assert model.converged_ and model.n_iter_[0] <= 15
    # the full model's optimum (no aliasing step for streamed rows): at least
    # as low as the in-memory Newton's before that step reduces the model
    cg = LogisticRegression(solver="newton-cg").fit(X, y)
    assert model.objective_ <= cg.objective_ + 1e-9
