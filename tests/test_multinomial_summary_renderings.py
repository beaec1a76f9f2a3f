"""A K-class summary as text, Markdown and HTML: the same cells in each.

Reference numbers are statsmodels ``MNLogit`` (Newton to 1e-12) on its
bundled ``anes96`` data (party identification, 7 classes, 944 rows;
``statsmodels.datasets.anes96``, read offline), printed to the summary's 4
significant digits.
"""

from __future__ import annotations

import warnings
from html import unescape
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

NAMES = ["logpopul", "selfLR", "age", "educ", "income"]


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas()
    X = data.exog[NAMES].astype(float)
    y = np.asarray(data.endog, dtype=float)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=0
    )
    summary = LogisticRegression(penalty=None).fit(X, y).summary(X, y)
    return summary, ref


class _Tables(HTMLParser):
    """The rows of each ``<table>``: lists of cell texts, captions apart."""

    def __init__(self):
        super().__init__()
        self.tables, self.captions, self._cell, self._caption = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "caption":
            self._caption = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self._cell)
            self._cell = None
        elif tag == "caption":
            self.captions.append(self._caption)
            self._caption = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._caption is not None:
            self._caption += data


def _close(cell: str, value: float) -> bool:
    """A cell printed to 4 significant digits agrees with ``value``."""
    return abs(float(cell) - value) <= 1e-3 * abs(value) + 1e-12


def test_html_tables_carry_statsmodels_numbers(anes):
    summary, ref = anes
    html = summary.as_html()
    assert summary._repr_html_() == html
    parsed = _Tables()
    parsed.feed(html)
    stats, *equations = parsed.tables
    assert len(equations) == 6 == ref.params.shape[1]
    assert ["No. observations", "944"] in stats
    assert parsed.captions[1:] == [f"{k:.1f} vs 0.0" for k in range(1, 7)]
    for e, table in enumerate(equations):
        header, *rows = table
        assert header == ["", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
        assert [r[0] for r in rows] == ["Intercept", *NAMES]
        for row, term in zip(rows, ["const", *NAMES], strict=True):
            assert _close(row[1], ref.params.loc[term, e]), (e, term)
            assert _close(row[2], ref.bse.loc[term, e]), (e, term)
            assert _close(row[5], ref.conf_int().loc[(str(e + 1), term), "lower"])


def test_markdown_and_text_carry_the_html_cells(anes):
    summary, _ = anes
    parsed = _Tables()
    parsed.feed(summary.as_html())
    html_rows = [row for table in parsed.tables[1:] for row in table[1:]]
    md = summary.as_markdown().splitlines()
    md_rows = [  # entities read as a Markdown renderer reads them (&lt;2e-16)
        [unescape(c.strip()) for c in line.strip("|").split("|")]
        for line in md
        if line.startswith("| ") and not line.startswith(("| term", "| statistic"))
    ]
    assert md_rows[13:] == html_rows  # after the 13 fit statistics
    assert sum("P>\\|z\\|" in line for line in md) == 6  # pipes escaped
    text = [line.split() for line in str(summary).splitlines()]
    terms = ("Intercept", *NAMES)
    assert html_rows == [row for row in text if row[:1] and row[0] in terms]
    assert repr(summary) == str(summary)


def test_html_escapes_names_titles_and_notes():
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"a<b>": rng.standard_normal(60), "c&d": rng.standard_normal(60)})
    y = np.where(X["a<b>"] > 0.5, "<hi>", np.where(X["a<b>"] < -0.5, "lo", "mid"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the classes are separated by a<b>
        summary = LogisticRegression(penalty=None, max_iter=30).fit(X, y).summary(X, y)
    html = summary.as_html()
    assert "a&lt;b&gt;" in html and "c&amp;d" in html and "a<b>" not in html
    assert "&lt;hi&gt;" in html and "<b>Note:</b> Separation" in html
    assert "**Note:** Separation" in summary.as_markdown()
