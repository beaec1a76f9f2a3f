"""The Markdown and HTML of a printed table of estimates: a statistics table
(``statistic | value``), then one or more tables of rows, each under its
caption, then the lines that follow them.

Convention (owned here): every table of estimates that renders as Markdown
or HTML (the two-class and K-class summaries, marginal effects of two and K
classes) is written by :func:`markdown_tables` and :func:`html_tables`; the
callers give their rows as text cells (the first a row's name) and their
own closing lines. Markdown cells go through :func:`._cell_text.markdown_cell`
(printable, ``&`` and ``<`` as entities, pipes escaped), HTML text through
``html.escape``; with ``max_rows``, each HTML table shows its first rows and
a line counting the others (:func:`._cell_text.hidden_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from ._cell_text import hidden_rows, markdown_cell, markdown_text

__all__ = ["Block", "html_tables", "markdown_rule", "markdown_tables"]


class Block(NamedTuple):
    """One table of rows: its ``caption`` ("" for none), the column heads
    (the first over the rows' names), the rows as text cells, the Markdown
    alignment row (None: the names left, the others right) and how a count
    of hidden rows names whose they are (``of``: " of this equation")."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    rule: str | None = None
    of: str = ""


def markdown_rule(n_columns: int) -> str:
    """The alignment row of a table of ``n_columns``: names left, numbers right."""
    return "|---|" + "---:|" * (n_columns - 1)


def _markdown_line(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(markdown_cell(str(c)) for c in cells) + " |"


def markdown_tables(
    title: str, header: Iterable[tuple[str, Any]], blocks: Iterable[Block],
    tail: Iterable[str] = (),
) -> str:  # fmt: skip
    """GitHub-flavoured Markdown: ``title`` in bold, the ``header`` pairs as a
    statistics table, each block's table under its caption in bold, then the
    ``tail`` lines as given (already Markdown)."""
    out = [f"**{markdown_text(title)}**", "", "| statistic | value |", "|---|---|"]
    out += [_markdown_line([k, v]) for k, v in header]
    for block in blocks:
        caption = block.caption
        out += [""] + ([f"**{markdown_text(caption)}**", ""] if caption else [])
        out += [_markdown_line(block.columns)]
        out += [block.rule or markdown_rule(len(block.columns))]
        out += [_markdown_line(row) for row in block.rows]
    return "\n".join([*out, *tail])


def html_tables(
    title: str, header: Iterable[tuple[str, Any]], blocks: Iterable[Block],
    tail: Iterable[str] = (), max_rows: int | None = None, where: str = "",
) -> str:  # fmt: skip
    """HTML: the ``header`` pairs as a table captioned ``title``, each block's
    table (captioned by its caption, if any; with ``max_rows``, its first
    rows and a line counting the others, ``where`` saying where they are),
    then the ``tail`` fragments as given (HTML the caller escaped); every
    other text escaped."""
    import html  # here: a text table needs no html module

    esc = html.escape
    stats = "".join(
        f"<tr><th>{esc(str(k))}</th><td>{esc(str(v))}</td></tr>" for k, v in header
    )
    tables = ""
    for block in blocks:
        rows = block.rows
        hidden = 0 if max_rows is None else max(0, len(rows) - max_rows)
        head = "".join(f"<th>{esc(c)}</th>" for c in block.columns)
        body = "".join(
            f"<tr><th>{esc(name)}</th>"
            + "".join(f"<td>{esc(c)}</td>" for c in numbers)
            + "</tr>"
            for name, *numbers in rows[: len(rows) - hidden]
        )
        caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
        more = hidden_rows(hidden, len(rows), where, block.of)
        tables += (
            f'<table class="simpletable">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
            + (f"<p>{esc(more)}</p>" if hidden else "")
        )
    return (
        f'<div class="logistic-summary"><table class="simpletable">'
        f"<caption>{esc(title)}</caption>{stats}</table>{tables}"
        + "".join(tail)
        + "</div>"
    )
