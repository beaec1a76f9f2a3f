"""The coefficient plot of a wide model draws the terms of largest |z|.

Every term was drawn, 0.35 inch a row: 8,000 terms (a text model's vocabulary,
reuters-lasvm's 8,315 columns) made a PNG 600 x 280,000 pixels, 19 MB (26 MB
of base64 in the HTML), in 111 s of drawing. The plot now draws the
``MAX_TERMS`` of largest |z| (|estimate| without standard errors), in the
table's order, and says so; the summary table keeps every term. The
reference selection is numpy's sort of |z| here.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from logistic.report import _coefficients_caption  # noqa: E402
from logistic.report._figures import MAX_TERMS, coefficients_figure  # noqa: E402


def _rows(n, with_se=True, seed=0):
    rng = np.random.default_rng(seed)
    est = rng.normal(size=n)
    se = rng.uniform(0.05, 2.0, n)
    return [
        {
            "term": f"t{j}",
            "estimate": float(est[j]),
            "std_error": float(se[j]) if with_se else None,
            "z": float(est[j] / se[j]) if with_se else None,
            "ci_low": float(est[j] - 2 * se[j]) if with_se else None,
            "ci_high": float(est[j] + 2 * se[j]) if with_se else None,
        }
        for j in range(n)
    ]


def _ticks(fig):
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


@pytest.mark.parametrize("with_se", [True, False])
def test_a_wide_model_draws_the_terms_of_largest_z(with_se):
    rows = _rows(3 * MAX_TERMS, with_se)
    key = np.abs([r["z"] if with_se else r["estimate"] for r in rows])
    expected = [f"t{j}" for j in sorted(np.argsort(-key)[:MAX_TERMS])]
    fig = coefficients_figure([{"term": "Intercept", "estimate": 1.0}, *rows])
    assert _ticks(fig) == expected
    assert fig.get_figheight() < 0.35 * MAX_TERMS + 4
    note = fig.get_supxlabel().replace("\n", " ")
    by = "|z|" if with_se else "|estimate|"
    assert f"the {MAX_TERMS} of {3 * MAX_TERMS} terms with the largest {by}" in note
    assert "the table lists every term" in note


def test_a_model_within_the_limit_draws_every_term():
    rows = _rows(MAX_TERMS)
    assert _ticks(coefficients_figure(rows)) == [r["term"] for r in rows]
    assert "largest" not in _coefficients_caption(rows)


@pytest.mark.parametrize("with_se", [True, False])
def test_the_caption_says_which_terms_are_drawn(with_se):
    rows = _rows(MAX_TERMS + 1, with_se)
    by = "|z|" if with_se else "|estimate|"  # as the figure's note says
    assert _coefficients_caption(rows).endswith(
        f"the {MAX_TERMS} of {MAX_TERMS + 1} terms with the largest {by} drawn"
    )
