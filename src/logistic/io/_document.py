"""The bytes of a model file and its checksum, each coefficient's text made once.

Convention (owned here): a model file is its document dumped by
``json.dumps(doc, indent=2, ensure_ascii=False)``, one number a line, except
that each list of a sparse ``model.coef`` (its ``indices`` and ``values``, a
pair a class for K classes: :mod:`._compact`) is written on one line (one
number a line would add 8 bytes of indent to each, a third of the file); the
checksum is the sha256 of the canonical JSON of :func:`._schema._canonical`.

Both texts hold the same numbers, and the coefficients are most of them: a
dense model of ``2**20`` features and 3 classes holds three million. The
standard library's C encoder writes them only without ``indent`` (with it,
``json`` falls back to its Python encoder, a few calls a number: 20 s for
three million), so each list of plain numbers in ``model.coef`` is dumped once
by the C encoder (``[a,b,…]``, each float its shortest round-trip ``repr``,
as either encoder writes it), and the document around them, dumped with a
marker string in each list's place, gets that text back: as it is in the
canonical JSON, one number a line at the marker's indent in the file (the
layout ``indent=2`` gives), or one line with ``", "`` between numbers for a
sparse list. The file's bytes are those of dumping the whole document with
``indent=2`` (``tests/test_model_file_compact_save_bytes.py`` pins them).

A marker is a string holding a NUL (``"\\u0000coef:3"`` in JSON) whose text
must occur in each dump exactly as often as markers were placed; where a
string of the document spells one (free-form ``training`` may), another
marker is taken, so no string is ever replaced.
"""

from __future__ import annotations

import hashlib
import json
import re
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from ._fields import PLAIN_NUMBER_TYPES
from ._schema import _canonical

__all__ = ["sealed_bytes"]


class _List:
    """A list of the document put back in text: plain numbers (``numbers``:
    their compact JSON, made once; ``dense``: one a line, else on one line)
    or strings (``names``: each escaped as the encoders escape it)."""

    def __init__(self, numbers: str | None, names: list[str], dense: bool) -> None:
        self.numbers, self.names, self.dense = numbers, names, dense

    def canonical(self) -> str:
        if self.numbers is not None:
            return self.numbers
        return "[" + ",".join(map(encode_basestring_ascii, self.names)) + "]"

    def indented(self, indent: str) -> str:
        if self.numbers is not None and not self.dense:
            return self.numbers.replace(",", ", ")
        if self.numbers == "[]" or (self.numbers is None and not self.names):
            return "[]"
        inner = indent + "  "
        if self.numbers is not None:  # no number's text holds a comma
            body = self.numbers[1:-1].replace(",", ",\n" + inner)
        else:
            body = (",\n" + inner).join(map(encode_basestring, self.names))
        return f"[\n{inner}{body}\n{indent}]"


def _as_list(value: Any, dense: bool) -> _List | None:
    """``value`` as a :class:`_List` where it is a list of plain numbers or
    of strings, else None (left to ``json`` in place)."""
    if type(value) is not list:
        return None
    kinds = set(map(type, value))
    if kinds <= PLAIN_NUMBER_TYPES:  # bool is no number here
        text = json.dumps(value, separators=(",", ":"), allow_nan=False)
        return _List(text, [], dense)
    if kinds == {str}:
        return _List(None, value, True)
    return None


def _with_markers(
    doc: dict[str, Any], marker: str, lists: list[_List]
) -> dict[str, Any]:
    """A shallow copy of ``doc`` whose ``model.coef`` lists and
    ``model.feature_names`` and ``encoding.feature_names`` lists are
    ``marker`` and a number, each list appended to ``lists``."""

    def swap(value: Any, dense: bool = True) -> Any:
        found = _as_list(value, dense)
        if found is None:
            return value
        lists.append(found)
        return f"{marker}{len(lists) - 1}"

    def row(value: Any) -> Any:
        if type(value) is dict:  # a sparse row: its lists on one line each
            return {k: swap(v, False) for k, v in value.items()}
        return swap(value)

    skeleton = dict(doc)
    model, encoding = doc.get("model"), doc.get("encoding")
    if type(model) is dict:
        model = dict(model)
        coef = model.get("coef")
        if type(coef) is list and any(type(r) in (list, dict) for r in coef[:1]):
            model["coef"] = [row(r) for r in coef]  # K rows
        elif "coef" in model:
            model["coef"] = row(coef)
        if "feature_names" in model:
            model["feature_names"] = swap(model["feature_names"])
        skeleton["model"] = model
    if type(encoding) is dict and "feature_names" in encoding:
        skeleton["encoding"] = {
            **encoding,
            "feature_names": swap(encoding["feature_names"]),
        }
    return skeleton


def _splice(
    text: str, pattern: re.Pattern[str], lists: list[_List], indented: bool
) -> str:
    """``text`` with each marker's JSON replaced by its list's text."""

    def replace(match: re.Match[str]) -> str:
        found = lists[int(match.group(1))]
        if not indented:
            return found.canonical()
        start = match.start()
        line = text[text.rfind("\n", 0, start) + 1 : start]
        return found.indented(" " * (len(line) - len(line.lstrip(" "))))

    return pattern.sub(replace, text)


def sealed_bytes(doc: dict[str, Any]) -> bytes:
    """Set ``doc["checksum"]`` (sha256 of the canonical JSON of the rest) and
    return the file's bytes (see the module docstring)."""
    for attempt in range(100):
        token = f"list{attempt}:" if attempt else "list:"
        lists: list[_List] = []
        skeleton = _with_markers(doc, "\x00" + token, lists)
        opening = json.dumps("\x00" + token)[:-1]  # '"\\u0000list:'
        pattern = re.compile(re.escape(opening) + r'([0-9]+)"')
        canonical = _canonical(skeleton).decode("ascii")
        if len(pattern.findall(canonical)) != len(lists):
            continue  # a string of the document spells a marker: another one
        canonical = _splice(canonical, pattern, lists, indented=False)
        checksum = {
            "algorithm": "sha256",
            "value": hashlib.sha256(canonical.encode("ascii")).hexdigest(),
        }
        skeleton["checksum"] = doc["checksum"] = checksum
        text = json.dumps(skeleton, indent=2, ensure_ascii=False, allow_nan=False)
        if len(pattern.findall(text)) != len(lists):
            continue
        return _splice(text, pattern, lists, indented=True).encode("utf-8") + b"\n"
    raise AssertionError("no marker string free in the document")  # unreachable
