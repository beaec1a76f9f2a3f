"""Checkpoints of long fits: written atomically each iteration, resumed exactly.

Conventions (owned here)
------------------------
* **Format.** One JSON document ``{"sha256": ..., "payload": {...}}``; the payload
  holds the format version, the data fingerprint (a content hash of the rows,
  see the backends), the problem configuration (solver, penalties, intercept,
  tol, number of parameters, dtype), the iteration count, the solver state and
  the history so far. Floats are written with ``float.hex`` so they round-trip
  bitwise.
* **Atomic writes.** Same-directory temp file, write, flush, ``fsync``,
  ``os.replace`` onto the target, ``fsync`` of the directory. Before a new
  checkpoint replaces the old one, the old one is renamed to ``<path>.prev``
  (atomic too), so at any instant the latest *complete* checkpoint is either
  ``path`` or ``path.prev``; a corrupt or missing latest falls back to the
  previous one with a warning. Stray temp files are ignored. At most one
  iteration of work is lost.
* **Refusals.** A checkpoint is read as written by an attacker (anyone can
  recompute its checksum). Resuming refuses (``IntegrityError`` naming the
  file, the field, what it holds and what is expected) a value that
  ``_encode`` does not write (bad hex, an array whose length is not its
  shape's, a state that is not an object), and, when the data fingerprint or
  the problem configuration differs, the whole checkpoint unless
  ``force=True``. The loop then checks the state against the data
  (:mod:`logistic.solvers._iterative`); a forced resume whose state the data
  contradict restarts from the checkpoint's point, with a warning.
* **Exactness of resume.** A checkpoint is the solver's state serialized
  (:meth:`~logistic.solvers._iterative.IterativeSolver.state_dict`). Solvers
  written as a direction rule (every one but ``lbfgs``) store their whole
  state (iterate in the solver's own coordinates, step length, stall counters,
  SGD's random generator, ...): the resumed fit is **bitwise equal** to an
  uninterrupted one. ``lbfgs`` iterates inside scipy and stores the current
  point only (``theta_original``): it restarts from there (warm start), loses
  its curvature pairs and reaches the same optimum within ``tol``, not bitwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ._exceptions import IntegrityError

__all__ = ["Checkpointer", "atomic_write", "run_with_checkpoint", "FORMAT_VERSION"]

FORMAT_VERSION = 1


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is old-complete or new-complete.

    The one implementation lives in :mod:`logistic._atomic` (temp file in the
    same directory, fsync, ``os.replace``, directory fsync).
    """
    from ._atomic import atomic_write_bytes

    atomic_write_bytes(path, data, overwrite=True)


# -- exact encoding of solver state -------------------------------------------------
def _encode(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return {"array": [float(x).hex() for x in v.ravel()], "shape": list(v.shape)}
    if isinstance(v, (float, np.floating)):
        return {"float": float(v).hex()}
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    if isinstance(v, (np.integer, np.bool_)):
        return v.item()
    raise TypeError(f"cannot checkpoint a value of type {type(v).__name__}")


def _decode(v: Any, key: str) -> Any:
    """The value ``_encode`` wrote as ``v``; ``key`` names it in the
    :class:`IntegrityError` raised for anything ``_encode`` does not write
    (bad hex, an array whose length is not its shape's, a nested list)."""
    if isinstance(v, dict):
        if set(v) == {"float"} and isinstance(v["float"], str):
            return _hex_float(v["float"], key)
        shape = v.get("shape")
        if (
            set(v) == {"array", "shape"}
            and isinstance(v["array"], list)
            and isinstance(shape, list)
            and all(type(d) is int and d >= 0 for d in shape)
            and len(v["array"]) == int(np.prod(shape, dtype=np.int64))
            and all(isinstance(x, str) for x in v["array"])
        ):
            values = [_hex_float(x, key) for x in v["array"]]
            return np.array(values, dtype=np.float64).reshape(shape)
        raise IntegrityError(
            f"{key}: received {_shown(v)}, expected {{'float': hex}} or "
            f"{{'array': [hex, ...], 'shape': [int, ...]}} with as many values as "
            f"the shape holds"
        )
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    raise IntegrityError(f"{key}: received {_shown(v)}, expected a number or a string")


def _hex_float(text: str, key: str) -> float:
    try:
        return float.fromhex(text)
    except ValueError:
        raise IntegrityError(
            f"{key}: received {_shown(text)}, expected a float written by float.hex"
        ) from None


def _shown(v: Any) -> str:
    text = repr(v)
    return f"{type(v).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _decoded(payload: Any, path: Path) -> dict[str, Any]:
    """A checkpoint's payload decoded: the iteration count, the state and the
    history, each value checked (:func:`_decode`)."""
    where = f"checkpoint {path}"
    state, history = payload.get("state"), payload.get("history")
    if not isinstance(state, dict):
        raise IntegrityError(f"{where}: 'state' is {_shown(state)}, expected an object")
    if not isinstance(history, list) or not all(isinstance(e, dict) for e in history):
        raise IntegrityError(
            f"{where}: 'history' is {_shown(history)}, expected a list of objects"
        )
    return {
        "n_iter": payload.get("n_iter"),
        "state": {
            k: _decode(v, f"{where}: state field {k!r}") for k, v in state.items()
        },
        "history": [
            {k: _decode(v, f"{where}: history[{i}] field {k!r}") for k, v in e.items()}
            for i, e in enumerate(history)
        ],
        "path": str(path),
    }


class Checkpointer:
    """Read and write the checkpoints of one fit.

    Parameters
    ----------
    path : path-like
        The checkpoint file (``path.prev`` holds the previous one).
    fingerprint : str
        Content hash of the data being fitted.
    config : dict
        Problem configuration that must match on resume.
    resume : bool
        Continue from an existing checkpoint (else start afresh and overwrite it).
    force : bool
        Resume even when the fingerprint or configuration differ.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fingerprint: str,
        config: dict[str, Any],
        resume: bool = True,
        force: bool = False,
    ) -> None:
        self.path = Path(path)
        self.resume = bool(resume)
        self.force = bool(force)
        self.previous = self.path.with_name(self.path.name + ".prev")
        self.fingerprint = fingerprint
        self.config = {k: _encode(v) for k, v in config.items()}
        self.n_written = 0

    def save(
        self, n_iter: int, state: dict[str, Any], history: list[dict[str, Any]]
    ) -> None:
        """Write the checkpoint of iteration ``n_iter`` atomically."""
        payload = {
            "format_version": FORMAT_VERSION,
            "fingerprint": self.fingerprint,
            "config": self.config,
            "n_iter": int(n_iter),
            "state": {k: _encode(v) for k, v in state.items()},
            "history": [{k: _encode(v) for k, v in e.items()} for e in history],
        }
        text = json.dumps(payload, sort_keys=True)
        doc = json.dumps(
            {
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "payload": json.loads(text),
            },
            sort_keys=True,
        )
        if self.path.exists():
            os.replace(self.path, self.previous)
        atomic_write(self.path, doc.encode())
        self.n_written += 1

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        doc = json.loads(path.read_bytes())
        if not isinstance(doc, dict) or not isinstance(doc.get("payload"), dict):
            raise IntegrityError(
                f"checkpoint {path}: expected an object with 'sha256' and 'payload'"
            )
        payload = doc["payload"]
        text = json.dumps(payload, sort_keys=True)
        if hashlib.sha256(text.encode()).hexdigest() != doc.get("sha256"):
            raise IntegrityError(f"checkpoint {path}: checksum mismatch (corrupt file)")
        if payload.get("format_version") != FORMAT_VERSION:
            raise IntegrityError(
                f"checkpoint {path}: format {payload.get('format_version')}, this "
                f"build reads format {FORMAT_VERSION}"
            )
        return payload

    def load(self, *, force: bool = False) -> dict[str, Any] | None:
        """The latest valid checkpoint (decoded), or None when there is none.

        Raises
        ------
        IntegrityError
            If the data fingerprint or configuration differ from this fit's
            (unless ``force``), or every checkpoint present is corrupt.
        """
        errors = []
        for candidate in (self.path, self.previous):
            if not candidate.exists():
                continue
            try:
                payload = self._read(candidate)
                decoded = _decoded(payload, candidate)
            except (ValueError, KeyError, TypeError) as exc:  # IntegrityError too
                errors.append(f"{candidate}: {exc}")
                continue
            if errors:
                warnings.warn(
                    f"latest checkpoint unreadable ({errors[0]}); resuming from the "
                    f"previous one, {candidate}",
                    UserWarning,
                    stacklevel=3,
                )
            decoded["forced"] = self._check_matches(payload, candidate, force)
            return decoded
        if errors:
            raise IntegrityError("no valid checkpoint: " + "; ".join(errors))
        return None

    def _check_matches(self, payload: dict[str, Any], where: Path, force: bool) -> bool:
        """Whether ``force`` resumes a checkpoint of other data or another
        problem; without ``force`` such a checkpoint is an IntegrityError."""
        stored = payload.get("config")
        stored = stored if isinstance(stored, dict) else {}
        written_for = payload.get("fingerprint")
        diff = {
            k: (stored.get(k), v) for k, v in self.config.items() if stored.get(k) != v
        }
        if force:
            return written_for != self.fingerprint or bool(diff)
        if written_for != self.fingerprint:
            raise IntegrityError(
                f"checkpoint {where} was written for different data (fingerprint "
                f"{written_for}, the data now hash to {self.fingerprint}): "
                f"rows were added, removed or changed. Delete the checkpoint to start "
                f"afresh, or pass force_resume=True to resume anyway."
            )
        if diff:
            raise IntegrityError(
                f"checkpoint {where} was written for another problem (differences "
                f"{diff}); use the same settings, or delete the checkpoint."
            )
        return False


# -- running a solver with checkpoints ---------------------------------------------
def run_with_checkpoint(
    solver: Any,
    objective: Any,
    theta0: np.ndarray,
    checkpointer: Checkpointer,
    *,
    resume: bool = True,
    force: bool = False,
    view: Any = None,
) -> Any:
    """``solver.solve(objective, theta0)`` writing a checkpoint every iteration.

    When ``resume`` and a valid checkpoint exists, the fit continues from it
    (see the module docstring for how exact that is per solver). The returned
    result's ``n_iter`` and ``history`` cover the whole fit, interrupted or not.
    ``view`` is the fit's standardized view (None: built by the solver).
    """
    doc = checkpointer.load(force=force) if resume else None
    return solver.solve(
        objective, theta0, view=view, start=doc, on_iteration=checkpointer.save
    )
