"""A column name holding a line break (a spreadsheet's header cell of two
lines, read by pandas as ``"income\\n(USD)"``) or another unprintable
character keeps its table row on one line: the text tables (summary, odds
ratios, marginal effects; two and K classes) and their Markdown write it
with Python's escape (``repr`` of the name without its quotes), as they
write every other cell on the row's line. The line break split the row in
two: the name's first line alone, the numbers under the next, and a
Markdown table's row broke (GitHub renders the rest as text).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from logistic import LogisticRegression

NAME = "income\n(USD)\tnet"
SHOWN = repr(NAME)[1:-1]  # income\n(USD)\tnet
# in Markdown its backslashes are escaped too, so that they render as text
SHOWN_MD = SHOWN.replace("\\", "\\\\")


def _data(k: int = 2):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({NAME: rng.normal(size=300), "b": rng.normal(size=300)})
    z = X[NAME] + rng.logistic(size=300)
    y = (z > 0).astype(int) if k == 2 else np.digitize(z, [-1.0, 1.0])
    return X, y


def _row(text: str, shown: str = SHOWN) -> str:
    rows = [line for line in text.splitlines() if shown in line]
    assert len(rows) == 1, text
    assert "income\n" not in text and "\t" not in text
    return rows[0]


def test_binary_tables_keep_the_row_on_one_line():
    X, y = _data()
    res = LogisticRegression().fit(X, y).inference(X, y)
    summary = res.summary()
    for text in (summary.as_text(), res.odds_ratios().as_text()):
        _row(text)
    # the term, 6 numbers and the stars: 8 cells, 7 inner separators
    assert _row(summary.as_markdown(), SHOWN_MD).count(" | ") == 7
    margins = res.get_margeff()
    _row(margins.summary())
    assert _row(margins.as_markdown(), SHOWN_MD).count(" | ") == 6  # term, 6 numbers


def test_k_class_tables_keep_the_row_on_one_line():
    k = 3
    X, y = _data(k)
    res = LogisticRegression().fit(X, y).inference(X, y)
    summary = res.summary()
    for text, shown in ((summary.as_text(), SHOWN), (summary.as_markdown(), SHOWN_MD)):
        assert sum(shown in line for line in text.splitlines()) == k - 1
        assert "income\n" not in text
