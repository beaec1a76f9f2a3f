"""The report's coefficient plot (``report._figures.coefficients_figure``),
checked through its matplotlib artists, not its pixels.

Expected values are written out by hand from the rows given: the intervals
drawn are the rows' ``ci_low``/``ci_high`` themselves (no term rescaled), the
axis is linear when the terms are of one scale (R's ``arm::coefplot``,
Stata's ``coefplot``), and symmetric-log with the threshold stated when they
differ by orders of magnitude, so that every interval is wider than a few
pixels, where a linear axis draws the small ones narrower than one.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from logistic.report import _figures as F  # noqa: E402

#: Shaped like the UCLA admissions fit with two columns in raw units: income
#: in dollars and age in days give coefficients a thousand times smaller.
MIXED = [
    {"term": "Intercept", "estimate": -3.0, "ci_low": -4.0, "ci_high": -2.0},
    {"term": "income", "estimate": 0.0008, "ci_low": 0.0002, "ci_high": 0.0014},
    {"term": "age", "estimate": -0.002, "ci_low": -0.0051, "ci_high": 0.0011},
    {"term": "rank[T.2]", "estimate": -0.68, "ci_low": -1.3, "ci_high": -0.05},
    {"term": "rank[T.3]", "estimate": -1.34, "ci_low": -2.0, "ci_high": -0.68},
    {"term": "gpa", "estimate": 0.80, "ci_low": 0.16, "ci_high": 1.44},
]
#: The same terms, all of one scale.
ALIKE = [
    {**r, **v}
    for r, v in zip(
        MIXED,
        [
            {},
            {"estimate": 0.3, "ci_low": 0.1, "ci_high": 0.5},
            {"estimate": -0.2, "ci_low": -0.5, "ci_high": 0.1},
            {},
            {},
            {},
        ],
        strict=True,
    )
]


def _drawn(fig):
    """(axes, intervals in data coordinates, their widths in pixels)."""
    fig.draw_without_rendering()  # constrained layout places the axes
    ax = fig.axes[0]
    (container,) = ax.containers
    _, _, (bars,) = container.lines
    segments = [np.asarray(s) for s in bars.get_segments()]
    data = np.array([[s[0, 0], s[1, 0]] for s in segments])
    pixels = np.array(
        [abs(np.diff(ax.transData.transform(s)[:, 0]))[0] for s in segments]
    )
    return ax, data, pixels


def _expected(rows):
    kept = [r for r in rows if r["term"] != "Intercept"]
    return kept, np.array([[r["ci_low"], r["ci_high"]] for r in kept])


def test_terms_of_one_scale_keep_a_linear_log_odds_axis():
    fig = F.coefficients_figure(ALIKE)
    ax, data, pixels = _drawn(fig)
    kept, bounds = _expected(ALIKE)
    assert ax.get_xscale() == "linear"
    assert ax.get_xlabel() == "coefficient (log-odds)"
    np.testing.assert_allclose(
        data, bounds, rtol=1e-12
    )  # the rows' intervals, unscaled
    labels = [t.get_text() for t in ax.get_yticklabels()]
    order = np.argsort(-np.array(ax.get_yticks()))  # top to bottom
    assert [labels[i] for i in order] == [r["term"] for r in kept]
    assert fig.get_supxlabel() == ""  # no note
    assert pixels.min() > 20


def test_terms_orders_of_magnitude_apart_get_a_symlog_axis_that_shows_them():
    fig = F.coefficients_figure(MIXED)
    ax, data, pixels = _drawn(fig)
    _, bounds = _expected(MIXED)
    assert ax.get_xscale() == "symlog"
    # the smallest small term reaches 0.0014 (income): the power of ten below
    assert ax.xaxis.get_transform().linthresh == pytest.approx(1e-3)
    np.testing.assert_allclose(data, bounds, rtol=1e-12)  # still the rows' intervals
    assert pixels.min() > 15  # income and age are visible
    band = [p for p in ax.patches if np.allclose(p.get_x(), -1e-3)]
    assert len(band) == 1 and band[0].get_width() == pytest.approx(2e-3)
    assert "±0.001" in ax.get_xlabel()
    note = fig.get_supxlabel()
    assert "orders of magnitude" in note and "±0.001" in note
    assert "standardize" in note


def test_a_linear_axis_would_hide_the_small_intervals(monkeypatch):
    # what the symlog axis fixes: the same rows on a linear axis draw income's
    # interval 0.0012 wide on an axis 3.44 wide, under one pixel
    monkeypatch.setattr(F, "SMALL_FRACTION", 0.0)
    ax, _, pixels = _drawn(F.coefficients_figure(MIXED))
    assert ax.get_xscale() == "linear"
    assert pixels[0] < 1.0


def test_points_without_intervals_follow_the_same_rule():
    rows = [{k: r[k] for k in ("term", "estimate")} for r in MIXED]
    fig = F.coefficients_figure(rows)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    assert ax.get_xscale() == "symlog"
    # |estimates| 0.0008 and 0.002 are the small ones: 1e-4 is the power below
    assert ax.xaxis.get_transform().linthresh == pytest.approx(1e-4)
    (points,) = ax.get_lines()[:1]
    np.testing.assert_array_equal(points.get_xdata(), [r["estimate"] for r in rows[1:]])
    assert "no intervals" in fig.get_suptitle()


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        ([-1.0, 0.5], [1.0, 2.0], None),  # one scale
        ([0.0, 0.0], [0.0, 0.0], None),  # nothing to draw apart from zero
        ([np.nan, -1.0], [np.nan, 1.0], None),  # no finite small term
        ([1e-12, 1.0], [3e-12, 3.0], 1e-6),  # at most 6 decades below 3.0
        ([0.0, 1.0], [0.0, 3.0], None),  # an exact zero is drawn at zero
        ([-0.004, 1.0], [0.002, 3.0], 1e-3),
    ],
)
def test_symlog_threshold(lo, hi, expected):
    got = F.symlog_threshold(np.array(lo), np.array(hi))
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_png_bytes():
    assert F.coefficients_png(MIXED).startswith(b"\x89PNG\r\n\x1a\n")
