"""Text encodings of CSV files: checking the name, finding the first bad byte.

Convention (owned here):

* A CSV file is UTF-8 unless an encoding is given (``read_data(...,
  encoding=...)``, ``--encoding``); any Python text codec name is accepted
  and normalised by :func:`check_encoding` (``"UTF8"`` → ``"utf-8"``,
  ``"latin1"`` → ``"iso8859-1"``); a codec that is not a text encoding
  (``rot13``, ``base64``) or an unknown name is a one-line error.
* A UTF-8 byte-order mark at the start makes the file UTF-8 whatever
  encoding was given (the mark says so); it is skipped. A UTF-16/32
  byte-order mark is refused by name unless a UTF-16/32 encoding is given.
* A byte that does not decode is reported by :func:`decode_error`
  (:mod:`logistic._text_decoding`, which the streamed readers share).
* Files that are not CSV text are named, not parsed: UTF-16/32 text
  (:func:`refuse_utf16`), spreadsheets, Stata and SPSS data files, Parquet
  read with ``--format csv``, zipped data and data compressed with zstd, xz
  or lz4 (:func:`logistic.formats.refuse_packed`) and other binary files
  (:func:`refuse_binary`), and JSON documents — a model file given as data
  above all (:func:`refuse_json`, a
  :class:`NotDataError`, so a command taking ``MODEL DATA`` can say so).
"""

from __future__ import annotations

import codecs
import json
import re

from .._exceptions import DataValidationError, InvalidParameterError
from .._text_decoding import UTF8, decode_error, find_decode_error
from ..formats import refuse_packed

__all__ = [
    "UTF8",
    "check_encoding",
    "decode_error",
    "effective_encoding",
    "find_decode_error",
    "is_wide",
    "NotDataError",
    "refuse_binary",
    "refuse_json",
    "refuse_text_options",
    "refuse_utf16",
]

_BOM_UTF8 = b"\xef\xbb\xbf"


def check_encoding(name: str | None) -> str:
    """The canonical name of a text codec (``None`` → ``"utf-8"``).

    Raises
    ------
    InvalidParameterError
        Unknown name, or a codec that does not turn bytes into text.
    """
    if name is None:
        return UTF8
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise InvalidParameterError(
            f"--encoding {name!r} is not a known text encoding; e.g. utf-8, cp1252, "
            "latin-1"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InvalidParameterError(
            f"--encoding {name!r} is not a text encoding (it is a {info.name} "
            "transform); e.g. utf-8, cp1252, latin-1"
        )
    return info.name


def is_wide(encoding: str) -> bool:
    """UTF-16 or UTF-32 (text with NUL bytes in it)."""
    return encoding.replace("_", "-").startswith(("utf-16", "utf-32"))


def effective_encoding(head: bytes, encoding: str) -> str:
    """``encoding``, or UTF-8 when the file starts with a UTF-8 byte-order mark."""
    return UTF8 if head.startswith(_BOM_UTF8) else encoding


_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def refuse_utf16(
    head: bytes, path: str, encoding: str = UTF8, *, streamed: bool = False
) -> None:
    """UTF-16/32 text (Excel's "Unicode text") is refused by name, not misparsed,
    unless ``encoding`` is a UTF-16/32 codec. ``streamed``: the file is read
    in chunks (``--stream``, ``--workers``), which read UTF-8 only, so the
    remedy is to convert it or to read it into memory with ``--encoding``."""
    if is_wide(encoding):
        return
    for bom, name in _WIDE_BOMS.items():
        if head.startswith(bom):
            convert = f"convert it to UTF-8, e.g. iconv -f {name} -t UTF-8"
            remedy = (
                f"--stream and --workers read UTF-8 only: {convert}, or fit in "
                f"memory (without --stream/--workers) with --encoding {name.lower()}"
                if streamed
                else f"pass --encoding {name.lower()}, or {convert}"
            )
            raise DataValidationError(
                f"{path} is {name} text (byte-order mark {bom.hex(' ')}); {remedy}"
            )


_BINARY_KINDS = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx or .ods workbook?)",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office file (.xls)",
    b"<stata_dta>": "a Stata data file (.dta, format 117 or later)",
    b"$FL2": "an SPSS data file (.sav)",
    b"$FL3": "an SPSS data file (.zsav)",
}
#: How the statistics packages' own files convert (``kind`` starts so).
_CONVERT = {
    "a Stata": "Stata's export delimited, or pandas.read_stata(PATH).to_parquet(...)",
    "an SPSS": "pandas.read_spss(PATH).to_parquet(...)",
}


def _binary_kind(head: bytes) -> str | None:
    """What a binary file is, from its first bytes, or None. A Stata .dta of
    formats 104 to 115 starts with its format number, then its byte order
    (1 or 2), file type 1 and a zero byte (Stata's dta documentation)."""
    for magic, kind in _BINARY_KINDS.items():
        if head.startswith(magic):
            return kind
    if len(head) >= 4 and 104 <= head[0] <= 115 and head[1] in (1, 2):
        if head[2:4] == b"\x01\x00":
            return "a Stata data file (.dta)"
    return None


def refuse_binary(head: bytes, path: str, encoding: str = UTF8) -> None:
    """A spreadsheet or other binary file is named as such, not parsed as CSV."""
    if head.startswith(b"PAR1"):  # only when CSV was asked for: else sniffed
        raise DataValidationError(
            f"{path} is a Parquet file (it starts with PAR1), not CSV text; leave "
            "out --format csv and it is read as Parquet"
        )
    refuse_packed(head, path)
    kind = _binary_kind(head)
    if kind is not None:
        how = [v for k, v in _CONVERT.items() if kind.startswith(k)]
        raise DataValidationError(
            f"{path} is {kind}, not a data file this tool reads; export it as "
            "CSV (UTF-8) or Parquet"
            + (f" ({how[0].replace('PATH', repr(path))})" if how else "")
        )
    if not is_wide(encoding) and b"\x00" in head[:8192]:
        raise DataValidationError(
            f"{path} is binary (it holds NUL bytes), not CSV text; the tool reads "
            "CSV/TSV, Parquet and LibSVM files"
        )


class NotDataError(DataValidationError):
    """A JSON document (a model file?) was given where a data file is read."""


#: An object with a first key, or an array of such objects: how JSON documents
#: (and model files) start, and no CSV header does.
_JSON_START = re.compile(rb'\s*\[?\s*\{\s*"[^"\n]*"\s*:')
_MODEL_MARK = re.compile(rb'"format"\s*:\s*"logistic-model"')


def _whole_json(text: bytes) -> bool:
    """Whether ``text`` (a file's head) is a whole JSON array or object, as a
    small file is (a CSV header such as ``[1],y`` is not: data follow it).
    Arrays or objects nested past the JSON reader's recursion limit
    (``[[[[...``) count as JSON: no CSV header opens so many."""
    if text.lstrip()[:1] not in (b"[", b"{"):
        return False
    try:
        json.loads(text)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return False
    except RecursionError:
        return True
    return True


def is_model_file_head(head: bytes) -> bool:
    """Whether a file's first bytes are those of a logistic model file (its
    ``"format": "logistic-model"`` within the first 4 KiB)."""
    return _MODEL_MARK.search(head[:4096]) is not None


def refuse_json(head: bytes, path: str) -> None:
    """A JSON document is named (a model file as such), not parsed as CSV: one
    that starts with an object's first key (or an array of objects), or a
    head that is a whole JSON array or object."""
    text = head[len(_BOM_UTF8) :] if head.startswith(_BOM_UTF8) else head
    if _JSON_START.match(text) is None and not _whole_json(text):
        return
    what = "a JSON document"
    if is_model_file_head(text):
        what = "a logistic model file (JSON)"
    raise NotDataError(
        f"{path} is {what}, not a data file; the tool reads CSV/TSV, Parquet and "
        "LibSVM files"
    )


def refuse_text_options(
    kind: str, name: str, sep: str | None, encoding: str, decimal: str
) -> None:
    """``--sep``, ``--encoding`` and ``--decimal`` describe CSV text: given
    for a Parquet or LibSVM file (``kind``), they are refused naming the
    options given and the file, rather than ignored."""
    if kind == "csv":
        return
    given = [
        option
        for option, set_ in (
            ("--sep", sep is not None),
            ("--encoding", encoding != UTF8),
            ("--decimal", decimal != "."),
        )
        if set_
    ]
    if given:
        verb = "applies" if len(given) == 1 else "apply"
        raise DataValidationError(
            f"{' and '.join(given)} {verb} to CSV text; {name} is {kind}: leave "
            f"{'it' if len(given) == 1 else 'them'} out"
        )
