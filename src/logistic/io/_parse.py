"""A model file's bytes as a JSON document, with the refusals that come
before anything is built from it.

Convention (owned here): a UTF-8 byte order mark is skipped; the arrays and
objects the bytes open are counted first, brackets inside strings left out
(at most :data:`MAX_CONTAINERS`: a small file of many empty arrays would take
~30 times its size to parse; :func:`containers_outside_strings`, linear in the
bytes); ``json.loads`` refuses a key named twice in one
object (Python keeps the last value, other readers the first); a file that
runs out of memory, nests too deeply, holds an integer beyond Python's digit
limit, or is not JSON is refused in words that say which (a file that starts
as a model file does is called truncated or corrupt). The document must name
its format. A string with a lone surrogate (``"\\ud800"``: valid JSON, but
text UTF-8 cannot encode, which no command could print and ``save`` could
not write back) is refused naming its field, anywhere in the document.
The bytes are read by :func:`logistic._files.read_bounded`, in blocks up to
the bound (``read(512 MiB)`` would allocate it before reading even a small
file).
:func:`first_non_finite` names the field of a NaN or Infinity (JSON has
neither; Python's ``json`` reads them). :func:`check_checksum` checks the
document's sha256 against its canonical JSON (:func:`._schema._canonical`,
what ``save`` hashes).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from .._exceptions import IntegrityError, ModelFormatError
from ._fields import LONE_SURROGATE, check_no_control
from ._schema import FORMAT_NAME, _canonical

__all__ = [
    "HEAD_BYTES",
    "MAX_CONTAINERS",
    "check_checksum",
    "check_head",
    "containers_outside_strings",
    "first_non_finite",
    "parse_document",
]


#: How a model file starts, in any JSON layout (``save`` writes ``_PREFIX``).
_MODEL_START = re.compile(rb'\s*\{\s*"format"\s*:\s*"logistic-model"')


#: The bytes :func:`check_head` looks at before the rest of a file is read.
HEAD_BYTES = 4096


def check_head(head: bytes, path: str) -> None:
    """Refuse a file whose first bytes (``head``) cannot open a model file:
    a JSON object's ``{`` first, after a byte order mark and white space.
    Read before the rest, so that a large file of anything else is refused
    without reading it whole."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text and not text.startswith(b"{"):
        raise _not_a_model(path)


def _not_a_model(path: str) -> ModelFormatError:
    return ModelFormatError(
        f"{path} is not a logistic model file (expected JSON starting with "
        '{"format": "logistic-model", ...})'
    )


class _DuplicateKey(Exception):
    """A JSON object of the file names one key twice (``args[0]``)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``' ``object_pairs_hook``: the object as a dict, refusing a
    key named twice (JSON allows it; Python keeps the last value, other
    readers the first, so two readers of one file could disagree on it)."""
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return d


#: Most JSON arrays and objects a model file may hold. Each costs ~60 bytes
#: or more once parsed, against 2 in the file (``[],``): 17 million of them
#: (a 51 MB file) took 1.4 GB. A model's own are few (its sections, the
#: multinomial coefficient rows, one history entry per iteration, the CV
#: path), well below this; brackets inside strings (``"c[T.a]"``, a
#: feature name) are not counted.
MAX_CONTAINERS = 5_000_000
#: Bytes scanned at once by :func:`containers_outside_strings` (its arrays
#: are a few times this, whatever the file's size).
_CHUNK = 1 << 22
_QUOTE, _OPEN_ARRAY, _OPEN_OBJECT = ord('"'), ord("["), ord("{")


def _containers(raw: bytes) -> int:
    """How many JSON arrays and objects ``raw`` opens, brackets in strings
    not counted (a quick upper bound first: most files hold few brackets)."""
    rough = raw.count(b"[") + raw.count(b"{")
    if rough <= MAX_CONTAINERS:
        return rough
    return containers_outside_strings(raw)


def containers_outside_strings(raw: bytes) -> int:
    """The ``[`` and ``{`` of ``raw`` outside JSON strings: in a JSON text,
    the arrays and objects it opens.

    Escapes go first: ``\\\\`` pairs (removed left to right, as a JSON
    string pairs them), then ``\\"``, so that every quote left opens or
    closes a string. A bracket is outside the strings when an even number
    of quotes precede it: the running XOR of the quote marks, taken by numpy
    in blocks of :data:`_CHUNK` bytes (time linear in the bytes whatever
    their layout, and memory a few blocks; a regular expression that
    stripped each string cost a Python-level match per string, ~1 s of CPU
    a million strings). A backslash outside a string is no JSON: the parse
    refuses the file there, where this count is still exact."""
    import numpy as np

    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    data = np.frombuffer(raw, dtype=np.uint8)
    inside = np.uint8(0)  # 1 while the bytes scanned so far end in a string
    count = 0
    for start in range(0, data.size, _CHUNK):
        block = data[start : start + _CHUNK]
        parity = np.bitwise_xor.accumulate((block == _QUOTE).view(np.uint8))
        parity ^= inside
        inside = parity[-1]
        opens = (block == _OPEN_ARRAY) | (block == _OPEN_OBJECT)
        count += int(np.count_nonzero(opens & (parity == 0)))
    return count


def parse_document(raw: bytes, path: str) -> dict[str, Any]:
    """The JSON document of a model file's bytes (``path`` names it in
    messages), after the refusals of the module docstring."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
    containers = _containers(raw)
    if containers > MAX_CONTAINERS:
        raise ModelFormatError(
            f"model file {path} holds {containers:,} JSON arrays and objects; a "
            f"model file holds far fewer (at most {MAX_CONTAINERS:,} are read, "
            "which bounds the memory reading takes)"
        )
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys)
    except MemoryError:
        raise ModelFormatError(
            f"model file {path} ({len(raw):,} bytes) is too large to read in the "
            "memory available"
        ) from None
    except _DuplicateKey as exc:
        raise ModelFormatError(
            f"model file {path} names the key {str(exc.args[0])!r:.60} twice in one "
            "object; a model file names each field once (readers differ on which "
            "value counts)"
        ) from None
    except (ValueError, RecursionError) as exc:
        # ValueError covers undecodable bytes, invalid JSON and integers over
        # Python's digit limit for int("...") (4300 digits)
        if "digits" in str(exc) and not isinstance(exc, json.JSONDecodeError):
            raise ModelFormatError(
                f"model file {path} holds an integer with more than 4300 digits; "
                "no field of a model file is that large"
            ) from None
        if isinstance(exc, RecursionError):
            raise ModelFormatError(
                f"model file {path} nests its JSON too deeply to read; no field of "
                "a model file nests more than a few levels"
            ) from None
        if _MODEL_START.match(raw[:200]):
            raise IntegrityError(
                f"model file {path} is truncated or corrupt (invalid JSON: {exc}); "
                "re-create it with 'logistic fit'"
            ) from None
        raise _not_a_model(path) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise ModelFormatError(
            f'{path} is not a logistic model file (no "format": "{FORMAT_NAME}" field)'
        )
    if _SURROGATE_ESCAPE.search(raw):  # else no string can hold one
        check_no_control(doc, path, "", LONE_SURROGATE)
    return doc


#: A JSON escape of a UTF-16 surrogate: two of them, paired, are one character
#: beyond the BMP; one alone is a lone surrogate in the parsed string. (The
#: bytes are strict UTF-8, which encodes no surrogate: an escape is the only
#: way in.)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def first_non_finite(doc: Any) -> str:
    """The path of the first non-finite float in ``doc`` (``model.coef[1]``)."""
    import math

    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return where
        if isinstance(value, dict):
            items = [(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()]
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(value)]))
    return "?"


def check_checksum(doc: dict[str, Any], path: str) -> None:
    """Refuse ``doc`` unless its ``checksum`` is the sha256 of its canonical
    JSON (every field but ``checksum``)."""
    checksum = doc.get("checksum")
    if not isinstance(checksum, dict) or checksum.get("algorithm") != "sha256":
        raise IntegrityError(f"model file {path} has no sha256 checksum")
    try:
        actual = hashlib.sha256(_canonical(doc)).hexdigest()
    except ValueError:  # NaN/Infinity literals, or a number beyond float64
        where = first_non_finite(doc)
        raise ModelFormatError(
            f"model file {path}: field '{where}' holds a non-finite number (NaN, "
            "Infinity or a number beyond float64); no field of a model file does"
        ) from None
    if actual != checksum.get("value"):
        raise IntegrityError(
            f"model file {path} is corrupt: its sha256 checksum does not match its "
            "content (edited, truncated or damaged); re-create it with 'logistic fit'"
        )
