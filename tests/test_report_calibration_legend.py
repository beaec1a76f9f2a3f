"""The calibration plot's legend says what its marker sizes show.

The legend read "bins (area ~ count)", but a bin's marker area is
``20 + 200 w / max(w)`` of its weight ``w``: on UCLA admissions (the
report's own calibration table) the bin of 9 rows was drawn with 0.20 of the
area of the bin of 92, not 9/92 = 0.098, and under ``--weights`` or grouped
counts the sizes follow the bins' weight or trials, not their count of rows.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from logistic.report import _size_by  # noqa: E402
from logistic.report._figures import calibration_figure  # noqa: E402

# two bins of `logistic report` on ucla-admissions/binary.csv (admit ~ gre +
# gpa + C(rank)): [0, 0.1) holds 9 rows, [0.1, 0.2) 92
UCLA_BINS = [
    {"bin_low": 0.0, "bin_high": 0.1, "count": 9, "weight": 9.0,
     "mean_predicted": 0.0819168, "observed_rate": 0.0},
    {"bin_low": 0.1, "bin_high": 0.2, "count": 92, "weight": 92.0,
     "mean_predicted": 0.154569, "observed_rate": 0.195652},
]  # fmt: skip


def _bins(fig):
    ax = fig.axes[0]
    (points,) = ax.collections
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    return np.asarray(points.get_sizes()), [t for t in labels if t.startswith("bins")][0]


def test_the_legend_claims_no_proportional_area():
    sizes, label = _bins(calibration_figure(UCLA_BINS))
    assert abs(sizes[0] / sizes[1] - 9 / 92) > 0.05  # not proportional to the rows
    assert "~" not in label and "area" not in label
    assert label == "bins (larger = more rows)"


@pytest.mark.parametrize(
    ("metrics", "weights", "what"),
    [({}, None, "rows"), ({}, "w", "weight"), ({"grouped": True}, None, "trials")],
)
def test_the_legend_names_what_the_sizes_count(metrics, weights, what):
    assert _size_by(metrics, weights) == what
    _, label = _bins(calibration_figure(UCLA_BINS, size_by=_size_by(metrics, weights)))
    assert label == f"bins (larger = more {what})"


def test_a_bin_at_a_rate_of_zero_shows_its_whole_marker():
    # UCLA's first bin has an observed rate of 0: with the axes ending at 0 its
    # marker was half cut off; the axes leave a margin round [0, 1] as
    # scikit-learn's CalibrationDisplay does, wider than the largest marker
    fig = calibration_figure(UCLA_BINS)
    ax = fig.axes[0]
    fig.canvas.draw()
    (points,) = ax.collections
    radius_pt = np.sqrt(points.get_sizes().max() / np.pi)  # marker area in pt²
    radius_px = radius_pt * fig.dpi / 72.0
    to_px = ax.transData.transform
    y_zero = to_px((0.0820, 0.0))[1]
    bottom = ax.bbox.y0
    assert y_zero - bottom >= radius_px, (y_zero - bottom, radius_px)
