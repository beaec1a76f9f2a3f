"""The report's model checks hold back inference's warnings in their own
thread, never through the process's warning filters.

``report._diagnostics`` ran the Hosmer–Lemeshow test under
``warnings.catch_warnings()`` with ``simplefilter("ignore",
PerfectSeparationWarning)`` and the influence table's inference under
``simplefilter("ignore")``: every warning of every thread was dropped while a
report (``logistic.report.build_report``) computed its influence table, and
two reports built at once could leave the filter installed for good. Every
warning of ``logistic.inference`` is now issued through
``logistic._exceptions.warn``, which ``held_back`` holds back in the calling
context alone.
"""

from __future__ import annotations

import warnings

import numpy as np

import logistic.inference
from logistic import LogisticRegression, PerfectSeparationWarning
from logistic._math import sigmoid
from logistic.report._diagnostics import hosmer_lemeshow_of, influence_section


def _recording(monkeypatch, name, seen):
    real = getattr(logistic.inference, name)

    def recording(*args, **kwargs):
        seen.append(list(warnings.filters))
        return real(*args, **kwargs)

    monkeypatch.setattr(logistic.inference, name, recording)


def test_the_checks_leave_the_warning_filters_alone(monkeypatch):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    influence_section(model, X, y)  # first: the modules they import add
    hosmer_lemeshow_of(y, model.decision_function(X), None)  # filters of their own
    seen: list = []
    _recording(monkeypatch, "fit_inference", seen)
    _recording(monkeypatch, "hosmer_lemeshow", seen)
    before = list(warnings.filters)
    section = influence_section(model, X, y)
    hl = hosmer_lemeshow_of(y, model.decision_function(X), None)
    assert section.rows and hl is not None
    assert len(seen) == 2
    assert all(filters == before for filters in seen)


def test_hosmer_lemeshow_note_is_held_back_from_the_report_only():
    """Groups of fitted probability exactly 0 and 1 (the data of
    tests/test_hosmer_lemeshow_degenerate.py): the test's note is a
    PerfectSeparationWarning from ``hosmer_lemeshow``, which the report
    prints beside the test instead; called directly, it still warns."""
    y = np.array([0, 0, 1, 1, 1, 0, 1], float)
    z = np.array([-800.0, -800.0, 800.0, 800.0, 0.0, np.log(3 / 7), np.log(7 / 3)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hl = hosmer_lemeshow_of(y, z, None)
    assert hl is not None and hl.note
    assert not caught
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        logistic.inference.hosmer_lemeshow(y, sigmoid(z))
    assert [w.category for w in caught] == [PerfectSeparationWarning]
