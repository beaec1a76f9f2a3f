"""Reading a ``logistic report`` page's header in tests: its ``<li><b>key</b>:
value</li>`` items, unescaped, in page order."""

from __future__ import annotations

import html
import re


def header_items(page: str) -> list[tuple[str, str]]:
    """The header's ``(key, value)`` pairs, in the order the page lists them."""
    found = re.findall(r"<li><b>([^<]*)</b>: ([^<]*)</li>", page)
    return [(html.unescape(k), html.unescape(v)) for k, v in found]
