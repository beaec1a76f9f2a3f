"""The coefficient plot's symmetric-log axis keeps its text legible.

On bank-marketing (bank-additional-full.csv, `y` against every column but
`duration`) the coefficient plot spans a separated term's interval, about
-300 to 1e4, beside terms below 0.01: matplotlib labelled every one of the
~12 decades on each side and the labels ran into each other, and beside
the long term names ('education[T.professional.course]') the axis label
ran past the figure's right edge, cutting off "linear within ±0.01". The
checks are on the drawn text's extents.
"""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from logistic.report._figures import coefficients_figure  # noqa: E402

# the shape of bank-marketing's terms: a long name, a tiny slope, a separated term
ROWS = [
    {"term": "education[T.professional.course]", "estimate": 1.0, "ci_low": 0.5, "ci_high": 1.5},
    {"term": "pdays", "estimate": -0.001, "ci_low": -0.0015, "ci_high": -0.0005},
    {"term": "default[T.yes]", "estimate": -8.0, "ci_low": -300.0, "ci_high": 1e4},
]


def _drawn():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = coefficients_figure(ROWS)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return fig, canvas.get_renderer()


def test_the_axis_label_lies_within_the_figure():
    fig, renderer = _drawn()
    ax = fig.axes[0]
    assert ax.get_xscale() == "symlog"
    box = ax.xaxis.label.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1
    assert "±0.01" in ax.get_xlabel()


def test_tick_labels_do_not_overlap():
    fig, renderer = _drawn()
    labels = [t for t in fig.axes[0].get_xticklabels() if t.get_visible() and t.get_text()]
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    assert len(boxes) >= 5  # zero and decades on both sides
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.x1 <= right.x0, "tick labels overlap"
