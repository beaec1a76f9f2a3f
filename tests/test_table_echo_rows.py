"""The echo of a table (``repr``: the console, a notebook cell's text;
``_repr_html_``: Jupyter's HTML) shows the first 60 coefficient rows of each
block and a line counting the others, as pandas shows a frame of more than
``display.max_rows`` (60) rows; ``print()`` (``str``), ``as_text()``,
``as_html()`` and the frames keep every row. A model of thousands of columns
put every row in the cell: 2 001 rows made 254 KB of HTML and a 2 016-line
text echo of ``summary()``, 10 000 a megabyte.
"""

from __future__ import annotations

import html.parser

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression

P = 100  # columns: 101 terms with the intercept
MORE = "... 41 more coefficients"


class _Rows(html.parser.HTMLParser):
    """Counts each table's body rows and checks that the tags nest."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.body_rows: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        if tag == "tbody":
            self.body_rows.append(0)
        elif tag == "tr" and "tbody" in self.open:
            self.body_rows[-1] += 1

    def handle_endtag(self, tag):
        assert self.open.pop() == tag


def _rows(markup: str) -> list[int]:
    parser = _Rows()
    parser.feed(markup)
    parser.close()
    assert parser.open == []
    return parser.body_rows


@pytest.fixture(scope="module")
def results():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(3000, P)), columns=[f"f{i}" for i in range(P)])
    z = X["f0"] + rng.logistic(size=3000)
    y2, y3 = (z > 0).astype(int), np.digitize(z, [-1.0, 1.0])
    return (
        LogisticRegression().fit(X, y2).inference(X, y2),
        LogisticRegression().fit(X, y3).inference(X, y3),
    )


def test_pandas_shows_as_many_rows():
    assert pd.get_option("display.max_rows") == 60


def test_summary_echo_shows_60_rows_and_print_every_row(results):
    binary, k_class = results
    for summary, blocks in ((binary.summary(), 1), (k_class.summary(), 2)):
        echo, full = repr(summary), str(summary)
        assert echo.count(MORE) == blocks and MORE not in full
        assert "f58" in echo and "f59" not in echo and "f99" in full
        assert _rows(summary._repr_html_()) == [60] * blocks
        assert _rows(summary.as_html()) == [P + 1] * blocks
        assert summary._repr_html_().count(MORE) == blocks


def test_odds_ratio_echo_shows_60_rows(results):
    table = results[0].odds_ratios()
    assert MORE in repr(table) and MORE not in str(table)
    assert "f99" in str(table) and "f59" not in repr(table)


def test_margins_html_echo_shows_60_rows_a_block(results):
    for res, blocks in ((results[0], 1), (results[1], 3)):
        me = res.get_margeff()
        assert _rows(me._repr_html_()) == [60] * blocks
        assert _rows(me.as_html()) == [P] * blocks
        assert me._repr_html_().count("... 40 more coefficients") == blocks
        assert "f99" in str(me)
