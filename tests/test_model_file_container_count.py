"""The count of JSON arrays and objects a model file opens, brackets inside
strings left out (:func:`logistic.io._parse._containers`), is exact.

Reference: the document Python's ``json`` parses from the same bytes; its
lists and dicts, counted by walking it, are the containers the bytes open.
A large case: 1 million feature names of two brackets each
(``c[T.l7]:d[0]``, as a formula's interaction names read), past the quick
count's bound (patched down from 5 million to 2 000 so that the exact count
runs on a file of 30 MB, not 65). Its time is not asserted here (a loaded
runner makes CPU-time bounds flaky): the count is linear in the bytes
(~0.1 s of CPU there, where a regular expression per string took ~1.1 s).
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import logistic.io._parse as parsing
from logistic.io._parse import _containers, containers_outside_strings

#: Text that makes string scanning hard: brackets, quotes, backslashes (so
#: escaped quotes and runs of escaped backslashes), control and non-ASCII
#: characters (escaped as \\uXXXX or written as UTF-8).
_TEXT = st.text(alphabet='[]{}"\\/a \n\té\u2028\U0001f600', max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=30,
)


def _walked(value) -> int:
    if isinstance(value, list):
        return 1 + sum(_walked(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(_walked(v) for v in value.values())
    return 0


@settings(max_examples=150, deadline=None)
@given(_JSON, st.booleans(), st.sampled_from([None, 1, 2]))
def test_count_is_the_parsed_documents_containers(value, ascii_only, indent):
    raw = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode()
    assert containers_outside_strings(raw) == _walked(json.loads(raw))


def test_escapes_at_every_chunk_boundary(monkeypatch):
    """A string's quotes and backslashes are counted across the blocks the
    bytes are scanned in, wherever a block ends."""
    value = {"a\\": ['x\\"[', "\\\\", ["{"]], "b": [{"c": '"'}]}
    raw = json.dumps(value).encode()
    for chunk in range(1, len(raw) + 1):
        monkeypatch.setattr(parsing, "_CHUNK", chunk)
        assert containers_outside_strings(raw) == _walked(value) == 5, chunk


def test_a_million_bracketed_names_are_counted_exactly(monkeypatch):
    names = [f"c[T.l{i}]:d[{i % 7}]" for i in range(1_000_000)]
    raw = json.dumps({"format": "logistic-model", "feature_names": names}).encode()
    monkeypatch.setattr(parsing, "MAX_CONTAINERS", 2_000)
    assert _containers(raw) == 2
