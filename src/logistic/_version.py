"""The installed package's version (from its metadata).

:func:`installed_version` finds a distribution's version the way
``importlib.metadata.version`` does, without importing ``importlib.metadata``
(≈ 10-15 ms of ``logistic fit``: email, zipfile, csv, ...) in the usual
layout: the first ``sys.path`` directory holding a ``<name>-*.dist-info`` or
``.egg-info`` directory of the (normalized) name, and the ``Version:`` header
of its ``METADATA``. Any other case (a finder besides the standard path
finder that lists distributions, a zip file on ``sys.path``, an egg, no
``METADATA``, a header folded over lines, no such distribution) is asked of
``importlib.metadata`` itself, so the answer is always its answer.
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["__version__", "installed_version"]

#: A header line as ``email.feedparser`` reads it (a line that is neither
#: this nor a continuation ends the headers).
_HEADER = re.compile(r"[\041-\071\073-\176]*:")


_SEPARATORS = re.compile(r"[-_.]+")


def _normalized(name: str) -> str:
    """``importlib.metadata``'s normalized distribution name (PEP 503, ``_``)."""
    return _SEPARATORS.sub("-", name).lower().replace("-", "_")


def _metadata_dir(name: str) -> str | None:
    """The metadata directory ``importlib.metadata`` reads for ``name``, or None
    where its search would go beyond plain directories on ``sys.path``."""
    import importlib.machinery

    finders = [f for f in sys.meta_path if hasattr(f, "find_distributions")]
    if finders != [importlib.machinery.PathFinder]:
        return None
    wanted = _normalized(name)
    for root in sys.path:
        if not isinstance(root, str):
            return None
        try:
            children = os.listdir(root or ".")
        except Exception:
            if os.path.exists(root):  # perhaps a zip file: importlib reads it
                return None
            continue
        if os.path.basename(root).lower().endswith(".egg"):
            return None  # an egg's own egg-info: importlib's legacy names
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                if _normalized(low.rpartition(".")[0].partition("-")[0]) == wanted:
                    return os.path.join(root, child)
    return None


def _version_header(text: str) -> str | None:
    """The first ``Version`` header's value as ``email`` parses it, or None
    when it is missing or not a plain one-line ASCII value."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line or line.startswith("From "):
            return None
        if line[0] in " \t":  # a continuation of the previous header
            continue
        if _HEADER.match(line) is None:
            return None  # email would start the body here
        header, _, value = line.partition(":")
        if header.lower() != "version":
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following[:1] in (" ", "\t") or not value.isascii():
            return None
        return value.lstrip(" \t").rstrip("\r\n")
    return None


def installed_version(name: str, default: str | None = None) -> str:
    """``importlib.metadata.version(name)`` (see the module doc); ``default``
    instead of its ``PackageNotFoundError`` when given."""
    directory = _metadata_dir(name)
    if directory is not None:
        try:
            with open(os.path.join(directory, "METADATA"), encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeError):
            text = ""
        found = _version_header(text) if text else None
        if found is not None:
            return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        if default is None:
            raise
        return default


# "0.0.0+unknown": running from a source tree that is not installed
__version__ = installed_version("logistic", default="0.0.0+unknown")
