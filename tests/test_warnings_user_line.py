"""A warning names the user's line: its ``filename`` is the file that called
the library (this test file), as Python's ``warnings.warn(stacklevel=)`` is
meant to be used, so that Jupyter and a script's output show the cell or line
that caused it, not a line inside the package.

A fixed ``stacklevel`` counts the frames of one call path and points inside
the package from another, as it would for each warning here:
``LogisticRegressionCV.fit``'s ``GridEdgeWarning`` at ``model_selection.py``, ``InferenceResults
.hosmer_lemeshow``'s separation note at ``inference/_results.py`` and
``load``'s ``VersionMismatchWarning`` at ``io/__init__.py``.
"""

from __future__ import annotations

import warnings

import numpy as np

import logistic
import logistic.io as lio
from logistic import (
    GridEdgeWarning,
    LogisticRegression,
    LogisticRegressionCV,
    PerfectSeparationWarning,
    VersionMismatchWarning,
)


def _caught(category, fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    found = [w for w in caught if issubclass(w.category, category)]
    assert found, f"no {category.__name__}"
    return found


def test_grid_edge_warning_names_the_callers_line():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(int)
    cv = LogisticRegressionCV(Cs=[1e-8, 1e-7], cv=3)
    for w in _caught(GridEdgeWarning, lambda: cv.fit(X, y)):
        assert w.filename == __file__, w.filename


def test_hosmer_lemeshow_separation_note_names_the_callers_line():
    X = np.linspace(-3, 3, 60)[:, None]
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fit's own separation warnings
        res = LogisticRegression().fit(X, y).inference(X, y)
    for w in _caught(PerfectSeparationWarning, res.hosmer_lemeshow):
        assert w.filename == __file__, w.filename


def test_load_version_warning_names_the_callers_line(tmp_path, monkeypatch):
    X = np.array([[0.0], [1.0], [2.0], [3.0], [1.5], [0.5]])
    y = np.array([0, 0, 1, 1, 0, 1])
    path = tmp_path / "m.json"
    logistic.save(LogisticRegression().fit(X, y), path)
    # the file says it was written by another version of the library
    monkeypatch.setattr(lio._version, "_library_version", lambda: "999.0.0")
    for w in _caught(VersionMismatchWarning, lambda: logistic.load(path)):
        assert w.filename == __file__, w.filename
