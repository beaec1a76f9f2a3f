"""A notebook shows the estimator as scikit-learn's estimators are shown
(``_repr_html_``: Jupyter's rich display; it was missing)."""

from __future__ import annotations

import pytest

from logistic import LogisticRegression


def test_the_notebook_display_names_the_estimator_and_its_parameters():
    pytest.importorskip("sklearn")
    html = LogisticRegression(penalty="l2", C=0.5)._repr_html_()
    assert "LogisticRegression" in html and "0.5" in html and "<" in html


def test_without_scikit_learn_the_display_is_the_escaped_repr(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    model = LogisticRegression(penalty="l2", class_weight={0: 1, 1: 2})
    assert model._repr_html_() == (
        "<pre>LogisticRegression(class_weight={0: 1, 1: 2}, penalty=&#x27;l2&#x27;)</pre>"
    )
