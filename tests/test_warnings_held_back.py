"""A save holds back inference's caveats without the process's warning filters.

``logistic.io.save`` computes the covariance it writes by inference and held
back inference's caveats (class weights, non-integer weights, numerical
stability: inference's to give, not a save's) with
``warnings.catch_warnings()``; so did the K-class covariance's inversion.
Those filters are every thread's: while one thread saved a model, other
threads' NumericalStabilityWarnings were dropped, and four threads saving at
once left three "ignore" filters in ``warnings.filters`` for good. The
module docstring of ``logistic._exceptions`` already said: the library never
changes global warning filters. ``held_back`` now marks the calling context
(a ``ContextVar``) and ``warn`` honours it.
"""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, NumericalStabilityWarning, save
from logistic._exceptions import held_back, warn


def _weighted_fit():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
    w = rng.uniform(0.5, 1.5, size=400)  # non-integer: inference would warn
    return LogisticRegression().fit(X, y, sample_weight=w)


def test_save_leaves_the_warning_filters_alone(tmp_path, monkeypatch):
    model = _weighted_fit()
    save(model, tmp_path / "first.json")  # the modules a save imports add
    seen = []  # filters of their own (scipy.special's): not the save's
    eigh = np.linalg.eigh

    def recording(a, *args, **kwargs):
        seen.append(list(warnings.filters))
        return eigh(a, *args, **kwargs)

    monkeypatch.setattr(np.linalg, "eigh", recording)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = list(warnings.filters)
        save(model, tmp_path / "m.json")
    assert not caught  # the caveats are still held back from the save
    assert seen, "the save computed no covariance"
    assert all(filters == before for filters in seen)


def test_held_back_is_this_threads_only():
    entered, done = threading.Event(), threading.Event()

    def holder():
        with held_back(NumericalStabilityWarning):
            entered.set()
            done.wait(10)

    other = threading.Thread(target=holder)
    other.start()
    assert entered.wait(10)
    try:
        with pytest.warns(NumericalStabilityWarning, match="from the main thread"):
            warn("from the main thread", NumericalStabilityWarning)
    finally:
        done.set()
        other.join()


def test_held_back_drops_by_category_and_message():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with held_back(UserWarning, "[0-9,]+ rows have"):
            warn("1,234 rows have non-integer weights", UserWarning)
            warn("another caveat", UserWarning)
            with held_back(NumericalStabilityWarning):
                warn("unstable", NumericalStabilityWarning)
        warn("unstable", NumericalStabilityWarning)
    assert [str(w.message) for w in caught] == ["another caveat", "unstable"]
    assert caught[0].filename == __file__  # at the caller's line
