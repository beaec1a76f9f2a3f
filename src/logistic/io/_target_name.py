"""The optional ``model.target_name`` of a model file: the name of ``y``.

Convention (owned here): ``save`` writes the estimator's ``target_name_`` (a
pandas Series' name) when it is a non-empty printable string of at most
:data:`MAX_TARGET_NAME` characters; one with a control character is left out
(the loader refuses those, and ``save`` must not fail on a Series' name).
``load`` reads it back, checked, as ``target_name_``; a file without it
reads as None. The command line names it as the likely ``--target`` of a
file without a label mapping, never reads that column on its own (pandas
keeps a Series' name through ``1 - y``).
"""

from __future__ import annotations

from typing import Any

from ._fields import _bad, _has_control

__all__ = ["MAX_TARGET_NAME", "read_target_name", "storable_target_name"]

#: Longest ``model.target_name`` a file may hold.
MAX_TARGET_NAME = 1000


def storable_target_name(name: Any) -> bool:
    """Whether ``name`` (an estimator's ``target_name_``) is written: a
    non-empty printable string of at most :data:`MAX_TARGET_NAME` characters
    (a name with a control character is left out: the loader refuses those,
    and ``save`` must not fail on a Series' name)."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= MAX_TARGET_NAME
        and not _has_control(name)
    )


def read_target_name(d: dict[str, Any], path: str) -> str | None:
    """The optional ``model.target_name`` (y's name at fit time), checked."""
    name = d.get("target_name")
    if name is None:
        return None
    if not (isinstance(name, str) and 0 < len(name) <= MAX_TARGET_NAME):
        raise _bad(
            path,
            f"field 'model.target_name' is {name!r:.60}; expected null or a "
            f"non-empty string of at most {MAX_TARGET_NAME} characters",
        )
    return name
