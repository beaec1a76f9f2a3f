"""Names holding HTML (a column named ``<img src=x onerror=alert(1)>``, a
class label ``<b>``, ``AT&T``) in the Markdown of every table
(``as_markdown()`` of the two-class summary and its odds ratios, marginal
effects, the K-class summary and its margins) render as their text.

Reference: markdown-it-py, a CommonMark renderer (with its GFM table rule, as
GitHub and Jupyter render these tables): CommonMark passes inline HTML
through (spec section 6.6, "Raw HTML"), so a name written as it is became a
tag in the page (an image whose ``onerror`` runs, bold text) instead of the
name; and ``&lt;`` in a name rendered as ``<``. The significance legend's
stars are text too, not emphasis markers.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression

markdown_it = pytest.importorskip("markdown_it")

NAMES = ["<img src=x onerror=alert(1)>", "<b>bold</b> & &lt;co|op&gt;"]
CLASSES = ["<i>low</i>", "AT&T", "c"]


def _render(md: str) -> str:
    return markdown_it.MarkdownIt("commonmark").enable("table").render(md)


def _data(classes):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({n: rng.normal(size=300) for n in NAMES})
    y = rng.choice(classes, size=300)
    return X, y


def _shows_as_text(md: str, texts) -> None:
    page = _render(md)
    assert "<img" not in page and "<b>" not in page and "<i>" not in page
    for text in texts:  # the name, as text: the HTML renderer's own escape
        assert html.escape(text, quote=False) in page, (text, page)
    for name in NAMES:  # a whole cell of its row
        assert f"<td>{html.escape(name, quote=False)}</td>" in page, (name, page)


def test_binary_tables_render_html_in_names_as_text():
    X, y = _data(["no", "yes"])
    res = LogisticRegression().fit(X, y).inference(X, y)
    for md in (
        res.summary(odds_ratios=True).as_markdown(),
        res.get_margeff().as_markdown(),
    ):
        _shows_as_text(md, NAMES)
    _shows_as_text(res.summary(title="<b>Model</b>").as_markdown(), ["<b>Model</b>"])


def test_k_class_tables_render_html_in_names_and_classes_as_text():
    X, y = _data(CLASSES)
    res = LogisticRegression().fit(X, y).inference(X, y)
    for md in (
        res.summary().as_markdown(),
        res.summary(odds_ratios=True).as_markdown(),
        res.get_margeff().as_markdown(),
    ):
        _shows_as_text(md, NAMES + CLASSES[:2])


def test_significance_legend_renders_its_stars():
    # '***' 0.001 '**' ... read as emphasis markers by CommonMark: the stars
    # vanished into <em>/<strong> tags
    X, y = _data(["no", "yes"])
    page = _render(LogisticRegression().fit(X, y).summary(X, y).as_markdown())
    assert "0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1" in page
    assert "<em>" not in page and "<strong>Signif" not in page


MARKUP_NAMES = ["_x_", "*a*", "`code`", "[link](http://example.com)", "~~gone~~", "a\\b"]


@pytest.mark.filterwarnings("ignore:.*look like columns a formula made")  # "(...)"
@pytest.mark.parametrize("classes", [["no", "yes"], ["a", "b", "c"]])
def test_markdown_punctuation_in_names_renders_as_text(classes):
    # a column "_x_" rendered as an italic x, "[link](...)" as a link, "`code`"
    # as code: CommonMark's inline constructs, each escaped by a backslash
    rng = np.random.default_rng(1)
    X = pd.DataFrame({n: rng.normal(size=300) for n in MARKUP_NAMES})
    y = rng.choice(classes, size=300)
    res = LogisticRegression().fit(X, y).inference(X, y)
    for md in (res.summary().as_markdown(), res.get_margeff().as_markdown()):
        page = _render(md)
        for tag in ("<em>", "<code>", "<a ", "<del>", "<s>"):
            assert tag not in page, (tag, page)
        for name in MARKUP_NAMES:
            assert f"<td>{html.escape(name, quote=False)}</td>" in page, (name, page)
