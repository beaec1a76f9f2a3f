"""The one-against-the-rest ROC figure of a report on many classes: with 60
classes its legend of 60 entries outgrew the axes, matplotlib's constrained
layout collapsed them ("UserWarning: constrained_layout not applied because
axes sizes collapsed to zero", printed by ``logistic report``) and the figure
came out without its curves' axes. Beyond MAX_LEGEND_CURVES the legend names
none (the report's per-class table gives each AUC)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from logistic.report import _figures as F  # noqa: E402


def _curves(k):
    grid = np.linspace(0, 1, 11)
    return [(f"class {j}", grid, np.sqrt(grid), 0.6) for j in range(k)]


@pytest.mark.parametrize("k", [60, 150])
def test_many_curves_draw_without_a_legend_entry_each(k):
    fig = F.roc_ovr_figure(_curves(k))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = F._png(fig)
    assert png.startswith(b"\x89PNG")
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["chance"]
    assert f"({k} classes: AUCs in the table)" in ax.get_title()


def test_few_curves_keep_their_legend():
    fig = F.roc_ovr_figure(_curves(3))
    (ax,) = fig.axes
    assert len(ax.get_legend().get_texts()) == 4  # three classes and chance
