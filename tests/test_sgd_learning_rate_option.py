"""SGD's ``learning_rate`` option must be a number > 0.

``0`` was silently replaced by the default step (``learning_rate or 1/L``),
``-1`` ran gradient ascent and NaN was blamed on extreme values in X.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic.solvers
from logistic import LogisticObjective
from logistic._exceptions import InvalidParameterError


def _run(options):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(float)
    obj = LogisticObjective.from_arrays(X, y)
    return logistic.solvers.solve(
        "sgd", obj, np.zeros(4), options=options, tol=1e-3, max_iter=30, random_state=0
    )


@pytest.mark.parametrize("rate", [0, 0.0, -1.0, float("nan")])
def test_bad_learning_rates_are_refused(rate):
    # NaN is refused as not finite, the others as not above 0
    with pytest.raises(
        InvalidParameterError, match=r"option 'learning_rate' must be (> 0\.0|a finite number)"
    ):
        _run({"learning_rate": rate})


def test_a_given_rate_is_used():
    default, small = _run({}), _run({"learning_rate": 1e-6})
    assert np.max(np.abs(small.coef)) < 1e-2 < np.max(np.abs(default.coef))


def test_history_steps_are_plain_floats_as_gd_records_them():
    """SGD's history_ recorded its step as numpy.float64 (printed
    ``'step': np.float64(3.8)``) where every other solver records floats."""
    from logistic import LogisticRegression, datasets

    X, y, _ = datasets.load_ucla_admissions()
    for solver in ("gd", "sgd"):
        model = LogisticRegression(solver=solver, random_state=0).fit(X, y)
        assert {type(h["step"]) for h in model.history_} == {float}, solver


def test_max_iter_and_n_iter_say_sgd_counts_epochs():
    """help(LogisticRegression) left max_iter undescribed: for "sgd" it counts
    epochs (ConvergenceWarning: "reached max_iter=3 epochs"), not steps."""
    import warnings

    from logistic import ConvergenceWarning, LogisticRegression, datasets

    doc = " ".join(LogisticRegression.__doc__.split())
    assert 'for "sgd" the most epochs' in doc and 'epochs for "sgd"' in doc
    X, y, _ = datasets.load_ucla_admissions()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        model = LogisticRegression(solver="sgd", max_iter=3, tol=1e-12, random_state=0).fit(X, y)
    assert int(model.n_iter_[0]) == 3 and len(model.history_) == 4
    assert any(w.category is ConvergenceWarning and "max_iter=3 epochs" in str(w.message) for w in rec)
