"""The first byte of a CSV text that does not decode, and the error naming it.

Convention (owned here): a byte that does not decode is reported by
:func:`decode_error`: the file, the line (physical lines, 1 = header), the
byte's offset in the (decompressed) text and its value, and the
``--encoding`` to try. The search (:func:`find_decode_error`) runs only after
a read failed (the in-memory reader's, or a streamed reader's column that
came out as bytes or failed to convert), so a well-formed file is read at
full speed. A leaf: the in-memory reader (``tabular``) and the file sources
(``backends``) both import it.
"""

from __future__ import annotations

import codecs

from ._exceptions import DataValidationError
from ._files import open_regular
from .formats import compression_of, decompressed

__all__ = [
    "STREAMED_HINT",
    "UTF8",
    "decode_error",
    "find_decode_error",
    "undecodable_csv",
]

UTF8 = "utf-8"
_CHUNK = 1 << 20


def find_decode_error(
    path: str, compression: str | None, encoding: str
) -> tuple[int, int, int] | None:
    """``(line, offset, byte)`` of the first byte that does not decode, or None.

    Lines are physical lines of the text (1 = the header); the offset counts
    bytes of the (decompressed) text from 0.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    lines = 1
    with (
        open_regular(path, what="input file") as fh,
        decompressed(fh, compression) as stream,
    ):
        while True:
            chunk = stream.read(_CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                lines += decoder.decode(chunk, final=not chunk).count("\n")
            except UnicodeDecodeError as exc:
                before = exc.object[: exc.start].decode(encoding, "replace")
                return (
                    lines + before.count("\n"),
                    offset - pending + exc.start,
                    exc.object[exc.start],
                )
            if not chunk:
                return None
            offset += len(chunk)


def decode_error(
    name: str,
    path: str,
    compression: str | None,
    encoding: str,
    hint: str | None = None,
) -> DataValidationError | None:
    """The error for the first undecodable byte of the file, or None if every
    byte decodes (``name`` is how the message names the file; ``hint``, the
    remedy, replaces the ``--encoding`` to try)."""
    try:
        found = find_decode_error(path, compression, encoding)
    except (OSError, EOFError):
        return None
    if found is None:
        return None
    line, offset, byte = found
    where = "" if compression is None else " of the decompressed text"
    if encoding == UTF8:
        what = "is not UTF-8 text"
        hint = hint or (
            "files saved by Excel or on Windows are often cp1252: pass "
            "--encoding cp1252 (or --encoding latin-1)"
        )
    else:
        what = f"cannot be decoded as {encoding}"
        other = "cp1252" if encoding != "cp1252" else "utf-8"
        hint = hint or (
            f"pass the file's encoding, e.g. --encoding {other} or --encoding latin-1"
        )
    return DataValidationError(
        f"{name}: line {line} {what} (byte 0x{byte:02x} at offset "
        f"{offset:,}{where}); {hint}"
    )


def undecodable_csv(path: str) -> DataValidationError | None:
    """:func:`decode_error` of the CSV file ``path`` as UTF-8 (its compression
    sniffed), or None when it decodes or cannot be read: a streamed reader's
    column of bytes, or its failed conversion, is explained by it first. The
    streamed readers read UTF-8 only, so the remedy is a conversion, or the
    in-memory reader with the file's encoding."""
    try:
        with open_regular(path, what="input file") as fh:
            compression = compression_of(fh.read(3))
    except OSError:
        return None
    return decode_error(path, path, compression, UTF8, STREAMED_HINT)


#: The remedy for text that is not UTF-8 in a file read in chunks.
STREAMED_HINT = (
    "files saved by Excel or on Windows are often cp1252: streamed files are "
    "read as UTF-8 only, so convert it (iconv -f cp1252 -t utf-8), or read it "
    "in memory with --encoding cp1252 (logistic.tabular.read_data(path, "
    "encoding='cp1252') in Python)"
)
