"""What a checkpoint file's payload may hold, checked field by field on
load (the file is treated as written by an attacker): its keys, format
version, data fingerprint, configuration values, iteration count and
history entries (:func:`decoded`); and the one list of the fields a
solver's history entry may record (:data:`HISTORY_FIELDS`), with the order
an entry's fields take (:func:`in_record_order`: a fresh fit's entries and
a resumed fit's entries read back from the file, whose JSON sorts the keys,
lay them out alike, so that a model file saved after a resume is the same
bytes as one saved after the uninterrupted fit). The writer and the reader
of the files are :class:`logistic._checkpoint.Checkpointer`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._checkpoint_codec import decode as _decode
from ._checkpoint_codec import shown as _shown
from ._checkpoint_codec import text as _text
from ._exceptions import IntegrityError

__all__ = [
    "FINGERPRINT",
    "FORMAT_VERSION",
    "HISTORY_FIELDS",
    "MAX_PASSES",
    "decoded",
    "in_record_order",
]

FORMAT_VERSION = 1

#: The keys of a checkpoint's payload (:meth:`Checkpointer.save`).
_PAYLOAD_KEYS = (
    "config",
    "fingerprint",
    "format_version",
    "history",
    "n_iter",
    "state",
)
#: A data fingerprint: a hex digest (every backend's ``fingerprint``).
FINGERPRINT = re.compile(r"[0-9a-f]{1,128}")

#: Every field a solver's history entry may hold, with what it records: the
#: one list of them. ``Solver._record`` (:mod:`logistic.solvers._base`)
#: refuses a field not named here and a checkpoint's history is accepted
#: with exactly these fields, so a solver that records a new field declares
#: it here and its checkpoints resume. (Kept here, not in the solvers
#: package: ``logistic.solvers`` imports this module.)
HISTORY_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "iter": "iteration number (0: the start)",
        "objective": "objective value",
        "grad_max_norm": "the stopping norm (Fit.residual)",
        "step": "step length (0 at the start; nan: chosen inside scipy)",
        "time": "seconds since the fit began",
        "n_passes": "passes over the data so far",
        "subsample_rows": "rows of Newton's subsample start",
        "subsample_iter": "iterations of the subsample fit",
        "subsample_passes": "passes over the subsample",
        "subsample_used": "1 when the fit started at the subsample's optimum",
        "subspace": "1 for an L-BFGS sampled subspace step",
        "polish": "1 for an L-BFGS Newton-CG polish step",
    }
)

#: The fields ``Solver._record`` adds to every entry, last, in this order.
_RECORD_TAIL = ("time", "n_passes")
#: The order of a history entry's fields: the solver's own in the order of
#: :data:`HISTORY_FIELDS`, then :data:`_RECORD_TAIL`.
_RECORD_ORDER = tuple(k for k in HISTORY_FIELDS if k not in _RECORD_TAIL) + _RECORD_TAIL


def in_record_order(entry: Mapping[str, Any]) -> dict[str, Any]:
    """``entry`` (a history entry of declared fields) with its fields in
    :data:`_RECORD_ORDER`: the one layout of every entry, recorded by a fit
    (``Solver._record``) or read back from a checkpoint, whose JSON holds
    the keys sorted. The order reaches the model file's bytes
    (``model.history``), so a resumed fit's file equals the uninterrupted
    fit's."""
    return {k: entry[k] for k in _RECORD_ORDER if k in entry}


#: Bound on a history entry's pass count (exact in a float64 and far beyond
#: any fit's: a forged 10**30 would become the fit's ``n_passes_``).
MAX_PASSES = 2**53


def _is_count(v: Any) -> bool:
    """An iteration or pass count: an integer from 0 to 2**53 - 1 (a fit
    makes at least one pass an iteration, so both stay below
    :data:`MAX_PASSES`)."""
    return type(v) is int and 0 <= v < MAX_PASSES


def _checked_payload(payload: dict[str, Any], where: str) -> None:
    """Refuse a payload whose keys, format version, fingerprint,
    configuration or iteration count are not of the kinds ``save`` writes."""
    keys = set(payload)
    if keys != set(_PAYLOAD_KEYS):
        missing, extra = (
            sorted(set(_PAYLOAD_KEYS) - keys),
            sorted(keys - set(_PAYLOAD_KEYS)),
        )
        raise IntegrityError(
            f"{where}: "
            + (f"missing field(s) {missing}" if missing else "")
            + ("; " if missing and extra else "")
            + (
                f"unknown field(s) [{', '.join(map(_text, extra[:5]))}]"
                if extra
                else ""
            )
            + f"; expected the fields {list(_PAYLOAD_KEYS)}"
        )
    version = payload["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise IntegrityError(
            f"{where}: 'format_version' is {_shown(version)}, expected the integer "
            f"{FORMAT_VERSION} (a JSON integer: the one checkpoint format this "
            "build reads)"
        )
    fingerprint = payload["fingerprint"]
    if not isinstance(fingerprint, str) or not FINGERPRINT.fullmatch(fingerprint):
        raise IntegrityError(
            f"{where}: 'fingerprint' is {_shown(fingerprint)}, expected a hex digest "
            "of the data"
        )
    config = payload["config"]
    if not isinstance(config, dict):
        raise IntegrityError(
            f"{where}: 'config' is {_shown(config)}, expected an object"
        )
    for k, v in config.items():
        if isinstance(v, dict) and set(v) == {"float"}:
            _decode(v, f"{where}: config field {_text(k)}")
        elif not (v is None or isinstance(v, (bool, int, str))):
            raise IntegrityError(
                f"{where}: config field {_text(k)} is {_shown(v)}, expected "
                "{'float': hex}, an integer, a string, true, false or null"
            )
    if not _is_count(payload["n_iter"]):
        raise IntegrityError(
            f"{where}: 'n_iter' is {_shown(payload['n_iter'])}, expected an integer "
            "from 0 to max_iter"
        )


def _checked_history(history: Any, n_iter: int, where: str) -> list[dict[str, Any]]:
    """The history decoded: ``n_iter + 1`` entries, entry ``i`` with ``iter``
    ``i``, ``n_passes`` a count and other fields named as ``_record`` names
    them, holding numbers."""
    if not isinstance(history, list) or not all(isinstance(e, dict) for e in history):
        raise IntegrityError(
            f"{where}: 'history' is {_shown(history)}, expected a list of objects"
        )
    if len(history) != n_iter + 1:
        raise IntegrityError(
            f"{where}: 'history' holds {len(history)} entries, expected "
            f"{n_iter + 1} (one for each iteration from 0 to 'n_iter' = {n_iter})"
        )
    decoded = []
    passes = 0  # the count never goes down from one entry to the next
    for i, entry in enumerate(history):
        out = {}
        for k, v in entry.items():
            key = f"{where}: history[{i}] field {_text(k)}"
            if k not in HISTORY_FIELDS:
                raise IntegrityError(
                    f"{key}: unknown field, expected one of {sorted(HISTORY_FIELDS)}"
                )
            value = _decode(v, key)
            if k == "iter" and not (type(value) is int and value == i):
                raise IntegrityError(f"{key} is {_shown(value)}, expected {i}")
            if k == "n_passes" and not (
                _is_count(value) and passes <= value < MAX_PASSES
            ):
                raise IntegrityError(
                    f"{key} is {_shown(value)}, expected an integer from {passes} "
                    f"(the entry before's) to 2**53 - 1"
                )
            if type(value) not in (int, float):
                raise IntegrityError(f"{key} is {_shown(value)}, expected a number")
            out[k] = value
        for name in ("iter", "n_passes"):
            if name not in out:
                raise IntegrityError(
                    f"{where}: history[{i}] has no field {name!r}, expected in "
                    "every entry (checkpoints of logistic before it recorded "
                    "each entry's passes lack it: they are not resumed)"
                )
        passes = out["n_passes"]
        decoded.append(in_record_order(out))
    return decoded


def decoded(payload: Any, path: Path) -> dict[str, Any]:
    """A checkpoint's payload decoded: the iteration count, the state and the
    history, each field checked (:func:`_checked_payload`,
    :func:`_checked_history`, :func:`_decode`)."""
    where = f"checkpoint {path}"
    _checked_payload(payload, where)
    state = payload["state"]
    if not isinstance(state, dict):
        raise IntegrityError(f"{where}: 'state' is {_shown(state)}, expected an object")
    n_iter = payload["n_iter"]
    return {
        "n_iter": n_iter,
        "state": {
            k: _decode(v, f"{where}: state field {k!r}") for k, v in state.items()
        },
        "history": _checked_history(payload["history"], n_iter, where),
        "path": str(path),
    }
