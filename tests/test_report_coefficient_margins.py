"""The report's coefficient plot keeps half a row above and below its rows.
matplotlib's default 5 % margins grow with the rows: with 150 terms the
figure (0.35 inch a row) had about 230 pixels of empty axis at the top and at
the bottom. Reference: the rows' own positions, 0 .. n - 1."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from logistic.report._figures import MAX_TERMS, coefficients_figure  # noqa: E402


@pytest.mark.parametrize("n", [1, 12, 150])
def test_axis_ends_half_a_row_beyond_the_rows(n):
    rows = [
        {"term": f"x{i}", "estimate": 0.1 * i - 7, "ci_low": 0.1 * i - 7.5,
         "ci_high": 0.1 * i - 6.5}
        for i in range(n)
    ]  # fmt: skip
    low, high = coefficients_figure(rows).axes[0].get_ylim()
    drawn = min(n, MAX_TERMS)  # 150 terms: the 50 of largest |estimate|
    assert -1.0 < low < 0.0 and drawn - 1 < high < drawn
