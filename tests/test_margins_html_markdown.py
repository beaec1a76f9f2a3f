"""Marginal effects as Markdown and HTML (``as_markdown``, ``as_html``,
Jupyter's ``_repr_html_``), two classes and K classes alike, from the
rendering that prints the text table: the same rows, numbers, blocks (one per
class for K classes, titled as in the text) and notes, every text escaped.

References: statsmodels' ``Logit(...).get_margeff(dummy=True)`` on the
Spector data (tests/data/spector, from the statsmodels package) and
``MNLogit(...).get_margeff()`` on its bundled ``anes96`` data (7 classes),
whose effects and standard errors the tables' cells hold to their printed
digits.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from logistic import LogisticRegression
from test_inference import spector

sm = pytest.importorskip("statsmodels.api")


def _markdown_rows(text: str) -> list[list[str]]:
    """The cells of every coefficient row of the Markdown (header rows and
    the statistics table left out)."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 7 and cells[0] not in ("term", "---"):
            rows.append(cells)
    return rows


def _html_rows(text: str) -> list[list[str]]:
    rows = re.findall(r"<tr><th>([^<]*)</th>((?:<td>[^<]*</td>){6})</tr>", text)
    return [[html.unescape(n), *re.findall(r"<td>([^<]*)</td>", tds)] for n, tds in rows]


def _check_numbers(rows, margeff, se):
    """Cells 1 and 2 of each row are the effect (6 significant digits) and its
    standard error (4)."""
    assert len(rows) == margeff.size
    got = np.array([[float(r[1]), float(r[2])] for r in rows])
    np.testing.assert_allclose(got[:, 0], margeff, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], se, rtol=1e-3)


@pytest.fixture(scope="module")
def two_class():
    X, y = spector()
    me = LogisticRegression().fit(X, y).inference(X, y).get_margeff(dummy=True)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0).get_margeff(dummy=True)
    return me, ref


def test_two_classes_markdown_and_html_hold_statsmodels_effects(two_class):
    me, ref = two_class
    md, page = me.as_markdown(), me.as_html()
    assert md.startswith("**Logistic regression marginal effects**")
    assert "| Method | dydx |" in md and "| At | overall |" in md
    assert "| term | dy/dx | std err | z | P>\\|z\\| | \\[0.025 | 0.975] |" in md
    for rows in (_markdown_rows(md), _html_rows(page)):
        assert [r[0] for r in rows] == ["GPA", "TUCE", "PSI (d)"]
        _check_numbers(rows, np.asarray(ref.margeff), np.asarray(ref.margeff_se))
    assert "(d) discrete change of the column from 0 to 1" in md
    assert page.startswith('<div class="logistic-summary">')
    assert "<caption>Logistic regression marginal effects</caption>" in page
    assert me._repr_html_() == page
    # the same rows as the text table, whose layout is unchanged
    text_rows = [line.split() for line in me.summary().splitlines()[5:8]]
    assert [r[-6:] for r in text_rows] == [r[1:] for r in _markdown_rows(md)]


def test_the_level_sets_the_interval_headers(two_class):
    me, _ = two_class
    assert "| \\[0.05 | 0.95] |" in me.as_markdown(alpha=0.1)
    assert "<th>[0.05</th><th>0.95]</th>" in me.as_html(alpha=0.1)


def test_k_classes_have_a_block_per_class(tmp_path):
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)
    y = np.asarray(data.endog, dtype=float)
    me = LogisticRegression().fit(X, y).inference(X, y).get_margeff()
    ref = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=0
    ).get_margeff()
    md, page = me.as_markdown(), me.as_html()
    titles = [line.strip("*") for line in md.splitlines() if line.startswith("**y = ")]
    text_titles = [line for line in me.summary().splitlines() if line.startswith("y = ")]
    assert titles == text_titles and len(titles) == 7
    assert re.findall(r"<caption>(y = [^<]*)</caption>", page) == text_titles
    # class by class, as the text: statsmodels' (p, K) arrays column by column
    for rows in (_markdown_rows(md), _html_rows(page)):
        _check_numbers(
            rows, np.asarray(ref.margeff).T.ravel(), np.asarray(ref.margeff_se).T.ravel()
        )
    assert md.startswith("**Multinomial logistic regression marginal effects**")


def test_names_and_labels_are_escaped():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = np.array(["a<b>", "c|d", "e"])[rng.integers(0, 3, 300)]
    import pandas as pd

    frame = pd.DataFrame(X, columns=["x<1>", "x|2"])
    me = LogisticRegression().fit(frame, y).inference(frame, y).get_margeff()
    page, md = me.as_html(), me.as_markdown()
    assert "<b>" not in page and "x&lt;1&gt;" in page and "y = a&lt;b&gt;" in page
    assert "| x\\|2 |" in md and "**y = c\\|d**" not in md  # a title is no cell
    assert "**y = c|d**" in md
