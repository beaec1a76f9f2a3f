"""The report states how its calibration table bins the rows.

The table gave bin_low and bin_high only, and a reviewer recomputing it with
scikit-learn's ``calibration_curve(y, p, n_bins=10)`` put a probability on an
edge in the other bin: scikit-learn's bins are closed above (``searchsorted``
on the inner edges, side 'left'), so p = 0.5 (a logit of 0) falls in
[0.4, 0.5], while the report's table counts it in [0.5, 0.6). The page now
says which end is closed; the reference here is numpy's count of
``low <= p < high``, and scikit-learn's binning shows the difference.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")


def test_the_calibration_bins_are_stated_and_followed():
    from sklearn.calibration import calibration_curve

    from logistic import metrics as M
    from logistic.report import build_report

    z = np.array([0.0, 0.0, 0.0, -2.0, -1.0, 1.0, 2.0, 0.3, -0.5, 3.0])
    y = np.array([1, 0, 1, 0, 0, 1, 1, 0, 1, 1], dtype=float)
    p = 1 / (1 + np.exp(-z))
    page = build_report(
        title="t", meta=[], y=y, z=z, metrics=M.evaluate(y, z),
        coefficients=[{"term": "x", "estimate": 1.0}], history=[],
    )  # fmt: skip
    stated = html.unescape(re.search(r'<p id="calibration-bins">([^<]*)', page).group(1))
    assert "10 bins of equal width" in stated and "bin_low <= p < bin_high" in stated
    table = page.split('id="calibration-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", table)
    for low, high, count in rows:
        lo, hi = float(low), float(high)
        assert int(count) == np.sum((p >= lo) & (p < hi)), (low, high)
    # scikit-learn's calibration_curve closes its bins above: p = 0.5 in [0.4, 0.5]
    _, sk_pred = calibration_curve(y, p, n_bins=10)
    assert np.isclose(sk_pred, 0.5).any()
    assert not any(float(lo) == 0.4 for lo, _, _ in rows)
