"""A model file's ``format_version``: its spelling, and which versions this
build reads, warns about or refuses (a newer major: refused; a newer minor:
read with a warning, its added fields ignored; a K-class model or a stored
formula reference in a version older than the one that added them: refused).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from .._exceptions import (
    ModelFormatError,
    UnsupportedVersionError,
    VersionMismatchWarning,
    user_stacklevel,
)
from ._fields import _bad, text_field
from ._multinomial import MULTICLASS_VERSION
from ._schema import FORMAT_VERSION, _library_version

__all__ = [
    "REFERENCE_VERSION",
    "check_multiclass_version",
    "check_reference_version",
    "check_version",
    "stored_reference",
]

#: The format version that adds a formula factor's stored ``reference``.
REFERENCE_VERSION = (1, 3)


#: ``format_version`` as ``save`` writes it (``f"{major}.{minor}"``): no other
#: spelling of the same numbers is read (``"1.05"`` would read as 1.5 with
#: ``int``, ``"01.5"`` too), so that one file has one version for every reader.
_VERSION = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})")


def check_version(doc: dict[str, Any], path: str, strict: bool) -> list[str]:
    version = doc.get("format_version")
    lib = text_field(doc, "library_version", path)
    m = _VERSION.fullmatch(version) if isinstance(version, str) else None
    if m is None:
        # a number or null named with its type: "is 1.5" beside "such as
        # '1.5'" would read as the expected value refused
        shown = f"{version!r:.40}"
        if not isinstance(version, str):
            shown = f"{type(version).__name__} {shown}"
        raise _bad(
            path,
            f"field 'format_version' is {shown}; expected the text "
            "'MAJOR.MINOR' save writes: two integers of at most 6 digits, with no "
            "leading zero, sign or space (such as '1.5')",
        )
    if int(m.group(1)) == 0:  # the first format is 1.0
        raise _bad(
            path,
            f"field 'format_version' is {version!r}; no build writes a format "
            "older than 1.0",
        )
    if int(m.group(1)) > FORMAT_VERSION[0]:
        raise UnsupportedVersionError(
            f"model file {path} was written by logistic {lib} (format {version}); this "
            f"build ({_library_version()}) reads format <= {FORMAT_VERSION[0]}.x: "
            "upgrade logistic"
        )
    notes = []
    newest = "{}.{}".format(*FORMAT_VERSION)
    if (int(m.group(1)), int(m.group(2))) > FORMAT_VERSION:
        # a newer minor version adds optional fields, which this build ignores
        msg = (
            f"model file {path} has format {version}, newer than this build's "
            f"{newest} (logistic {_library_version()}; the file's is {lib}): the "
            "fields added since are ignored; upgrade logistic to read them"
        )
        if strict:
            raise UnsupportedVersionError(msg + "; strict loading refuses it")
        warnings.warn(msg, VersionMismatchWarning, stacklevel=user_stacklevel())
        return [msg]
    if lib != _library_version():
        msg = (
            f"model file {path} was written by logistic {lib}; this is "
            f"{_library_version()} (format {version} is compatible)"
        )
        if strict:
            raise ModelFormatError(msg + "; strict loading refuses other versions")
        warnings.warn(msg, VersionMismatchWarning, stacklevel=user_stacklevel())
        notes.append(msg)
    return notes


def check_multiclass_version(version: str, n_classes: int, path: str) -> None:
    major, minor = (int(v) for v in version.split("."))
    if (major, minor) < MULTICLASS_VERSION:
        raise _bad(
            path,
            f"field 'format_version' is {version} but the model has {n_classes} "
            "classes (format {}.{} or later)".format(*MULTICLASS_VERSION),
        )


def stored_reference(encoding: Any) -> str | None:
    """The name of the first formula factor with a stored ``reference``, if any."""
    if not isinstance(encoding, dict) or encoding.get("kind") != "formula":
        return None
    factors = encoding.get("factors") or {}
    return next((name for name, spec in factors.items() if "reference" in spec), None)


def check_reference_version(version: str, encoding: Any, path: str) -> None:
    factor = stored_reference(encoding)
    major, minor = (int(v) for v in version.split("."))
    if factor is not None and (major, minor) < REFERENCE_VERSION:
        raise _bad(
            path,
            f"field 'format_version' is {version} but formula factor {factor!r:.60} "
            "stores a reference (format {}.{} or later)".format(*REFERENCE_VERSION),
        )
