"""Data names in report figures are drawn as written.

A feature ``income_$_over_$50k`` made ``logistic report`` fail (exit 65,
matplotlib's math-text parse error); ``cost $x^2$`` was drawn as a formula;
names of 40+ characters squeezed the coefficient plot.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from logistic.report._cv_figures import coefficient_path_png  # noqa: E402
from logistic.report._figures import (  # noqa: E402
    LABEL_WIDTH,
    _png,
    coefficients_figure,
    roc_ovr_png,
)


def _rows(names):
    return [
        {"term": n, "estimate": 0.1 * (i + 1), "ci_low": 0.0, "ci_high": 0.3 * (i + 1)}
        for i, n in enumerate(names)
    ]


def test_dollar_names_draw_literally():
    names = ["income_$_over_$50k", "cost $x^2$", "gpa"]
    fig = coefficients_figure(_rows(names))
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [r"income_\$_over_\$50k", r"cost \$x^2\$", "gpa"]
    assert _png(fig).startswith(b"\x89PNG")  # renders: no math-text parse


def test_long_names_keep_their_start_and_end():
    # two levels of one long column: their ticks differ (the level survives)
    names = ["a_very_long_feature_name_" * 3 + "[T.yes]", "a_very_long_feature_name_" * 3 + "[T.no]"]
    ticks = [t.get_text() for t in coefficients_figure(_rows(names)).axes[0].get_yticklabels()]
    assert all(len(t) <= LABEL_WIDTH and "…" in t for t in ticks)
    assert ticks[0].endswith("[T.yes]") and ticks[1].endswith("[T.no]")
    assert ticks[0].startswith("a_very_long_feature")


def test_other_figures_take_dollar_names():
    curve = (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.8, 1.0]))
    assert roc_ovr_png([("$a$", *curve, 0.8), ("b$", *curve, 0.7)]).startswith(b"\x89PNG")
    coefs = np.array([[0.0, 0.0], [0.5, -0.2], [1.0, -0.4]])
    png = coefficient_path_png(np.array([1.0, 0.1, 0.01]), coefs, ["x_$_1$", "y"], 1, 0)
    assert png.startswith(b"\x89PNG")


def test_names_the_font_lacks_draw_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = _png(coefficients_figure(_rows(["收入", "年齢", "gpa"])))
    assert png.startswith(b"\x89PNG")


def test_convergence_axis_names_the_standardized_gradient():
    """The history's gradient max-norm is tol's, in standardized coordinates:
    on the UCLA data at θ = 0 it is the intercept's 0.1825, while the raw
    gradient (1/m) Xᵀ(σ(0) - y) computed by hand has max-norm 97.35 (gre):
    an axis labelled plainly 'max |gradient|' misread it as the latter."""
    from logistic import LogisticRegression, datasets
    from logistic.report._figures import convergence_figure

    X, y, _ = datasets.load_ucla_admissions()
    history = LogisticRegression(solver="gd").fit(X, y).history_
    raw = np.abs(np.append(X.T @ (0.5 - y), np.sum(0.5 - y)) / len(y)).max()
    assert raw == pytest.approx(97.35)
    # by hand: the columns centred and scaled to unit standard deviation, the
    # intercept's gradient mean(σ(0) - y) = 0.5 - 127/400 = 0.1825 the largest
    standardized = (X - X.mean(0)) / X.std(0)
    by_hand = max(abs(np.mean(0.5 - y)), np.abs(standardized.T @ (0.5 - y)).max() / len(y))
    assert by_hand == pytest.approx(0.1825)
    assert history[0]["grad_max_norm"] == pytest.approx(by_hand)
    ax = convergence_figure(history).axes[1]
    assert "standardized" in ax.get_ylabel()
    assert "tol" in ax.get_title()
