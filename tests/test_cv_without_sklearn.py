"""``LogisticRegressionCV`` where scikit-learn is not installed (the README's
Quickstart installs only ``.[cli,plot]``): its fit and its scorer names say
which package to install, instead of a bare ``ModuleNotFoundError`` from
inside the fit. The import is made to fail by a ``None`` entry in
``sys.modules`` (how Python marks a module as not importable)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from logistic.model_selection import LogisticRegressionCV


@pytest.fixture
def no_sklearn(monkeypatch):
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("sklearn", "joblib"):
        monkeypatch.setitem(sys.modules, name, None)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    return X, y


@pytest.mark.parametrize("missing", ["sklearn", "joblib"])
def test_fit_names_the_package_to_install(monkeypatch, missing):
    monkeypatch.setitem(sys.modules, missing, None)
    X, y = _data()
    with pytest.raises(ImportError, match=r"needs scikit-learn.*pip install"):
        LogisticRegressionCV(Cs=3, cv=3).fit(X, y)


def test_score_with_a_scorer_name_names_the_package(no_sklearn):
    model = LogisticRegressionCV(Cs=3, cv=3, scoring="roc_auc")
    X, y = _data()
    with pytest.raises(ImportError, match=r"needs scikit-learn.*pip install"):
        model.score(X, y)
