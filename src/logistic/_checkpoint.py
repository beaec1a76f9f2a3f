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
* **Refusals.** Resuming refuses (``IntegrityError``) when the data
  fingerprint or the problem configuration differs, unless ``force=True``.
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


def _decode(v: Any) -> Any:
    if isinstance(v, dict) and "array" in v:
        return np.array([float.fromhex(x) for x in v["array"]]).reshape(v["shape"])
    if isinstance(v, dict) and "float" in v:
        return float.fromhex(v["float"])
    return v


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
        payload = doc["payload"]
        text = json.dumps(payload, sort_keys=True)
        if hashlib.sha256(text.encode()).hexdigest() != doc["sha256"]:
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
            self._check_matches(payload, candidate, force)
            return {
                "n_iter": payload["n_iter"],
                "state": {k: _decode(v) for k, v in payload["state"].items()},
                "history": [
                    {k: _decode(v) for k, v in e.items()} for e in payload["history"]
                ],
            }
        if errors:
            raise IntegrityError("no valid checkpoint: " + "; ".join(errors))
        return None

    def _check_matches(self, payload: dict[str, Any], where: Path, force: bool) -> None:
        if force:
            return
        if payload["fingerprint"] != self.fingerprint:
            raise IntegrityError(
                f"checkpoint {where} was written for different data (fingerprint "
                f"{payload['fingerprint']}, the data now hash to {self.fingerprint}): "
                f"rows were added, removed or changed. Delete the checkpoint to start "
                f"afresh, or pass force_resume=True to resume anyway."
            )
        diff = {
            k: (payload["config"].get(k), v)
            for k, v in self.config.items()
            if payload["config"].get(k) != v
        }
        if diff:
            raise IntegrityError(
                f"checkpoint {where} was written for another problem (differences "
                f"{diff}); use the same settings, or delete the checkpoint."
            )


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
