"""Checkpoints of long fits: written atomically each iteration, resumed exactly.

Conventions (owned here)
------------------------
* **Format.** One JSON document ``{"sha256": ..., "payload": {...}}``; the payload
  holds the format version, the data fingerprint (a content hash of the rows,
  see the backends), the problem configuration (solver, penalties, intercept,
  tol, number of parameters, dtype), the iteration count, the solver state and
  the history so far. Floats are written with ``float.hex`` so they round-trip
  bitwise. Each save writes the whole document (the atomic rename below needs
  a complete file; an append would leave a torn one on a crash), but the
  history entries written before are kept as JSON text and reused
  (``Checkpointer._history``): a save encodes the state and the new entry
  only, and the bytes are those of ``json.dumps`` of the whole document.
* **Atomic writes.** Same-directory temp file, write, flush, ``fsync``,
  ``os.replace`` onto the target, ``fsync`` of the directory. Before a new
  checkpoint replaces the old one, the old one becomes ``<path>.prev`` too
  (a hard link renamed onto it, :func:`logistic._atomic.link_replace`), so
  ``path`` always holds a complete checkpoint once the first is written and
  ``path.prev`` the one before; where the file system has no hard links the
  old one is renamed, and for the moment of the write only ``path.prev``
  holds it. A corrupt or missing latest falls back to the previous one with
  a warning. Stray temp files are ignored. At most one
  iteration of work is lost. A path that is a symbolic link is read and
  written through: the checkpoint and its ``.prev`` are written beside the
  link's target (:func:`previous_path`), the link left a link.
* **One fit at a time.** A fit reads and writes its checkpoint holding the
  lock file ``<path>.lock`` (:mod:`logistic._checkpoint_lock`): a second fit
  of the same path fails at once instead of overwriting the first's state.
* **Refusals.** A checkpoint is read as written by an attacker (anyone can
  recompute its checksum): it is opened only as a regular file (a FIFO or a
  device is refused, never waited on) and every field of its payload is
  checked before anything is built from it. A checkpoint larger than the
  state and history it can hold is refused before it is read (its size, the
  limit and what the limit allows are named): :func:`size_limit` of the
  fit's parameters, rows and ``max_iter`` when a fit resumes, :data:`MAX_BYTES`
  for a checkpoint read on its own. Resuming refuses
  (``IntegrityError`` naming the file, the field, what it holds, shown as an
  escaped and shortened ``repr``, and what is expected) a payload whose keys
  are not the six ``save`` writes, a format version other than
  :data:`FORMAT_VERSION`, a fingerprint that is not a hex digest, a
  configuration that is not an object of the values ``_encode`` writes, an
  ``n_iter`` that is not an integer from 0 to 2**53 - 1, a history that is not
  ``n_iter + 1`` entries (entry ``i`` has ``iter`` ``i``, ``n_passes`` an
  integer below 2**53 and not below the entry before's, and otherwise only
  the fields solvers may record, holding numbers: the fields of
  :data:`HISTORY_FIELDS`, the one list, which ``Solver._record``
  enforces),
  a value that ``_encode`` does not write
  (bad hex, an integer beyond int64, an array whose length is not its
  shape's product taken in exact integers, a state that is not an object),
  and, when the data fingerprint or the problem configuration
  differs, the whole checkpoint unless ``force=True``. The loop then checks
  the state against the data (:mod:`logistic.solvers._iterative`; the state's
  ``stop`` must be one of the statuses the solver's steps write); a forced
  resume whose state the data contradict restarts from the checkpoint's
  point, with a warning.
* **Explanatory settings.** The configuration may hold keys that are never
  compared, only shown (:data:`EXPLANATORY`; :mod:`._checkpoint_columns`).
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ._checkpoint_codec import decode as _decode
from ._checkpoint_codec import encode as _encode
from ._checkpoint_codec import shown as _shown
from ._checkpoint_codec import text as _text
from ._checkpoint_columns import EXPLANATORY, columns_changed, other_columns
from ._checkpoint_columns import other_data as _other_data
from ._checkpoint_columns import other_positive as _other_positive
from ._checkpoint_paths import note_resumed, previous_path, resume_source
from ._checkpoint_payload import (
    FINGERPRINT,
    FORMAT_VERSION,
    HISTORY_FIELDS,
    in_record_order,
)
from ._checkpoint_payload import decoded as decoded_payload
from ._exceptions import IntegrityError, user_stacklevel

__all__ = [
    "Checkpointer",
    "FORMAT_VERSION",
    "HISTORY_FIELDS",
    "MAX_BYTES",
    "atomic_write",
    "in_record_order",
    "resume_source",
    "run_with_checkpoint",
    "size_limit",
]


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is old-complete or new-complete.

    The one implementation lives in :mod:`logistic._atomic` (temp file in the
    same directory, fsync, ``os.replace``, directory fsync).
    """
    from ._atomic import atomic_write_bytes

    atomic_write_bytes(path, data, overwrite=True)


#: Bytes of one value as ``_encode`` writes it, with room to spare (a float's
#: hex form quoted, and the separator after it: at most 28).
_BYTES_PER_VALUE = 32
#: Bytes of one history entry, with room to spare (every field of
#: ``HISTORY_FIELDS`` holding a hex float: under 700).
_BYTES_PER_ENTRY = 1024
#: Bytes of everything else: the document's keys, the checksum, the problem
#: configuration and the state's scalars (a few kilobytes).
_BASE_BYTES = 1 << 20
#: History entries a fit may record beyond ``max_iter + 1`` (L-BFGS's polish
#: steps after scipy stopped short).
_EXTRA_ENTRIES = 64
#: Largest checkpoint read when the fit it belongs to is not known
#: (:meth:`Checkpointer.load` without ``max_bytes``).
MAX_BYTES = 1 << 30
#: What :data:`MAX_BYTES` allows, for the message of a larger file.
_OUTSIDE_A_FIT = "MAX_BYTES, for a checkpoint read outside a fit"


def size_limit(n_params: int, max_iter: int, n_rows: int = 0) -> int:
    """The largest checkpoint a fit of ``n_params`` parameters, ``n_rows``
    rows and at most ``max_iter`` iterations reads, in bytes: twice what its
    document can take. The state holds at most ``(n_params + 8)**2`` values
    (iterate, gradient, a ``p × p`` Hessian or factor) and four a row
    (``newton-cd-columns``' logits, residuals, weights), each at most
    :data:`_BYTES_PER_VALUE` bytes; the history one entry an iteration
    (``max_iter + 1`` and a few polish steps), each at most
    :data:`_BYTES_PER_ENTRY`."""
    values = (int(n_params) + 8) ** 2 + 4 * max(int(n_rows), 0)
    entries = int(max_iter) + 1 + _EXTRA_ENTRIES
    return 2 * (_BASE_BYTES + _BYTES_PER_VALUE * values + _BYTES_PER_ENTRY * entries)


class Checkpointer:
    """Read and write the checkpoints of one fit.

    Parameters
    ----------
    path : path-like
        The checkpoint file (``path.prev`` holds the previous one).
    fingerprint : str
        Content hash of the data being fitted.
    earlier : callable, optional
        The fingerprints of these data as earlier versions computed them
        (called only when a checkpoint's differs): their checkpoints resume.
    config : dict
        Problem configuration that must match on resume.
    resume : bool
        Continue from an existing checkpoint (else start afresh and overwrite it).
    force : bool
        Resume even when the fingerprint or configuration differ.
    describe : callable, optional
        A configuration (decoded) → its settings in the user's words, keyed by
        setting; the refusal of another problem names the ones that differ.
    swapped : callable, optional
        The fingerprint of these rows with the two classes swapped, or None
        (called only when a checkpoint's differs): the refusal of a checkpoint
        written so names the other positive class, not other rows.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fingerprint: str,
        config: dict[str, Any],
        resume: bool = True,
        force: bool = False,
        describe: Callable[[dict[str, Any]], dict[str, str]] | None = None,
        earlier: Callable[[], tuple[str, ...]] | None = None,
        swapped: Callable[[], str | None] | None = None,
    ) -> None:
        from ._atomic import link_target

        self.path = Path(path)  # read (through a link) and named as given
        self.target = link_target(path)  # written: a link stays a link
        self.describe = describe
        self.resume = bool(resume)
        self.force = bool(force)
        self.previous = previous_path(path)
        self.fingerprint = fingerprint
        self.earlier = earlier
        self.swapped = swapped
        self.config = {k: _encode(v) for k, v in config.items()}
        self.n_written = 0
        self.latest_unreadable = False  # resumed from PATH.prev: PATH was
        #: (entry, its JSON text) of the history entries written so far
        self._written: list[tuple[dict[str, Any], str]] = []

    def save(
        self, n_iter: int, state: dict[str, Any], history: list[dict[str, Any]]
    ) -> None:
        """Write the checkpoint of iteration ``n_iter`` atomically.

        Raises
        ------
        ValueError
            At the first save, when the data fingerprint is not a hex digest:
            a resume would refuse every checkpoint written with it.
        """
        if self.n_written == 0 and not (
            isinstance(self.fingerprint, str)
            and FINGERPRINT.fullmatch(self.fingerprint)
        ):
            raise ValueError(
                f"checkpoint {self.path}: the backend's data fingerprint is "
                f"{_shown(self.fingerprint)}, expected a lower-case hex digest (at "
                "most 128 digits); a checkpoint written with it could never be "
                "resumed. Fix the backend's fingerprint()"
            )
        # json.dumps(payload, sort_keys=True) in pieces: its keys sort as
        # config, fingerprint, format_version, history, n_iter, state
        head = json.dumps(
            {
                "config": self.config,
                "fingerprint": self.fingerprint,
                "format_version": FORMAT_VERSION,
            },
            sort_keys=True,
        )
        tail = json.dumps(
            {
                "n_iter": int(n_iter),
                "state": {k: _encode(v) for k, v in state.items()},
            },
            sort_keys=True,
        )
        text = f'{head[:-1]}, "history": {self._history(history)}, {tail[1:]}'
        digest = hashlib.sha256(text.encode()).hexdigest()
        # json.dumps({"sha256": ..., "payload": payload}, sort_keys=True)
        doc = f'{{"payload": {text}, "sha256": "{digest}"}}'
        from ._atomic import link_replace

        if (  # an unreadable PATH is not rotated onto the valid PATH.prev
            not self.latest_unreadable
            and self.target.exists()
            and not link_replace(self.target, self.previous)
        ):
            os.replace(self.target, self.previous)  # no hard links here
        atomic_write(self.target, doc.encode())
        self.latest_unreadable = False
        self.n_written += 1

    def _history(self, history: list[dict[str, Any]]) -> str:
        """``history`` as the JSON text of its encoded entries, encoding
        only those not written before: an entry is not changed once
        recorded (``Solver._record`` appends it), so one already written,
        the same object at the same place, keeps its text; from the first
        entry that differs (a list built anew, an entry replaced) on, the
        entries are encoded again. A save at iteration 300 encoded all 301
        entries again (~10 ms); now one."""
        written = self._written
        same = 0
        for (entry, _), now in zip(written, history, strict=False):
            if entry is not now:
                break
            same += 1
        del written[same:]
        for entry in history[same:]:
            encoded = {k: _encode(v) for k, v in entry.items()}
            written.append((entry, json.dumps(encoded, sort_keys=True)))
        return "[" + ", ".join(text for _, text in written) + "]"

    @staticmethod
    def _read(
        path: Path, max_bytes: int = MAX_BYTES, allows: str = _OUTSIDE_A_FIT
    ) -> dict[str, Any]:
        """The payload of the checkpoint at ``path``, read only when it is a
        regular file of at most ``max_bytes`` (``allows``: what the limit
        allows, for the message)."""
        from ._files import NotARegularFileError, open_regular, read_bounded

        try:
            with open_regular(path, what="checkpoint") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > max_bytes:
                    raise IntegrityError(
                        f"checkpoint {path} is {size} bytes, more than the limit "
                        f"of {max_bytes} bytes ({allows}); remove it or give "
                        "another checkpoint path"
                    )
                raw = read_bounded(fh, max_bytes)  # no max_bytes buffer
        except NotARegularFileError as exc:
            # the kind open_regular's one fstat saw: a second stat of the
            # path could find it gone (a bare FileNotFoundError) or replaced
            raise IntegrityError(
                f"checkpoint {path} is {exc.kind}, not a regular file; remove it "
                "or give another checkpoint path"
            ) from None
        if len(raw) > max_bytes:
            raise IntegrityError(
                f"checkpoint {path} grew past the limit of {max_bytes} bytes "
                f"({allows}) while being read; remove it or give another "
                "checkpoint path"
            )
        try:
            doc = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            # RecursionError: arrays or objects nested deeper than Python's
            # recursion limit ("[" * 200000); ValueError: bytes that are not
            # UTF-8 JSON, integers over Python's 4300-digit limit
            raise IntegrityError(
                f"checkpoint {path} is not valid JSON ({type(exc).__name__}: "
                f"{_text(str(exc))}); expected the document save writes"
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("payload"), dict):
            raise IntegrityError(
                f"checkpoint {path}: expected an object with 'sha256' and 'payload'"
            )
        payload = doc["payload"]
        text = json.dumps(payload, sort_keys=True)
        if hashlib.sha256(text.encode()).hexdigest() != doc.get("sha256"):
            raise IntegrityError(f"checkpoint {path}: checksum mismatch (corrupt file)")
        return payload

    def load(
        self, *, force: bool = False, max_bytes: int | None = None, allows: str = ""
    ) -> dict[str, Any] | None:
        """The latest valid checkpoint (decoded), or None when there is none.

        ``max_bytes`` bounds the size of a checkpoint read (None:
        :data:`MAX_BYTES`); ``allows`` says what the limit allows, for the
        message of a larger file (:func:`run_with_checkpoint` passes
        :func:`size_limit` of the fit).

        Raises
        ------
        IntegrityError
            If the data fingerprint or configuration differ from this fit's
            (unless ``force``), or every checkpoint present is corrupt or
            larger than the limit.
        """
        if max_bytes is None:
            max_bytes, allows = MAX_BYTES, _OUTSIDE_A_FIT
        errors = []
        for candidate in (self.path, self.previous):
            if not candidate.exists():
                continue
            try:
                payload = self._read(candidate, max_bytes, allows)
                decoded = decoded_payload(payload, candidate)
            except FileNotFoundError:  # removed since exists(): absent, as now
                continue
            except (ValueError, KeyError, TypeError, RecursionError) as exc:
                # IntegrityError is a ValueError
                text = str(exc)  # names the file already, unless json's own
                errors.append(
                    text if str(candidate) in text else f"{candidate}: {text}"
                )
                continue
            if errors:
                warnings.warn(
                    f"latest checkpoint unreadable ({errors[0]}); resuming from the "
                    f"previous one, {candidate}",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
                self.latest_unreadable = True
            decoded["forced"] = self._check_matches(payload, candidate, force)
            note_resumed(candidate)
            return decoded
        if errors:
            raise IntegrityError(
                "no valid checkpoint: "
                + "; ".join(errors)
                + "; delete it and its .prev copy to fit afresh"
            )
        return None

    def _check_matches(self, payload: dict[str, Any], where: Path, force: bool) -> bool:
        """Whether ``force`` resumes a checkpoint of other data or another
        problem; without ``force`` such a checkpoint is an IntegrityError.

        Other feature columns (another number of parameters, or other names,
        with a fingerprint that differs: other columns hash differently) are
        named as such, before the fingerprint, whose difference they
        explain; a fingerprint that differs with the same columns is other
        data; then any other setting that differs."""
        stored = payload.get("config")
        stored = stored if isinstance(stored, dict) else {}
        written_for = payload.get("fingerprint")
        other_data = written_for != self.fingerprint and not (
            self.earlier is not None and written_for in self.earlier()
        )
        diff = ", ".join(
            f"{k}: {_text(stored.get(k))} in the checkpoint, {_text(v)} now"
            for k, v in self.config.items()
            if k not in EXPLANATORY and stored.get(k) != v
        )
        if force:
            return other_data or bool(diff)
        if other_data and other_columns(stored, self.config):
            columns = columns_changed(
                stored.get("features"), self.config.get("features")
            )
            shown = self._described(stored, explain=True) or diff
            raise IntegrityError(
                f"checkpoint {where} was written for other feature columns "
                f"({shown}{'; ' + columns if columns else ''}): fitting other "
                "columns changes the data's fingerprint too. Fit the same columns "
                "to resume, or delete the checkpoint and its .prev copy to start "
                "afresh."
            )
        if other_data and self.swapped is not None and written_for == self.swapped():
            raise IntegrityError(_other_positive(where))
        if other_data:
            raise IntegrityError(
                _other_data(where, written_for, self.fingerprint, stored, self.config)
            )
        if diff:
            raise IntegrityError(
                f"checkpoint {where} was written for another problem "
                f"({self._described(stored) or diff}); use the same settings, or "
                f"delete the checkpoint and its .prev copy."
            )
        return False

    def _described(self, stored: dict[str, Any], explain: bool = False) -> str:
        """``the checkpoint: A; now: B`` of the settings that differ, in
        :attr:`describe`'s words ("" without it, or when none shows); the
        :data:`EXPLANATORY` keys are shown with ``explain`` (where either
        configuration holds them), and left out otherwise."""
        if self.describe is None:
            return ""
        keep = [k for k in EXPLANATORY if explain and (k in stored or k in self.config)]
        configs = [
            {k: v for k, v in c.items() if k not in EXPLANATORY or k in keep}
            for c in (stored, self.config)
        ]
        try:  # a config of unexpected values: the plain difference instead
            old, new = (
                self.describe({k: _decode(v, k) for k, v in c.items()}) for c in configs
            )
        except (TypeError, ValueError, IntegrityError):
            return ""
        keys = [k for k in new if old.get(k) != new[k]]
        if not keys:
            return ""
        then = ", ".join(old.get(k, "?") for k in keys)
        return f"the checkpoint: {then}; now: {', '.join(new[k] for k in keys)}"


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
    The resume and every write happen under the checkpoint's lock
    (:mod:`logistic._checkpoint_lock`; a no-op where the fit holds it
    already): :class:`~logistic.CheckpointInUseError` when another fit holds it.
    """
    from ._checkpoint_lock import held

    with held(checkpointer.path):
        doc = None
        if resume:
            n_params, max_iter = int(objective.n_params), int(solver.max_iter)
            n_rows = int(getattr(objective.data, "n_samples", 0) or 0)
            doc = checkpointer.load(
                force=force,
                max_bytes=size_limit(n_params, max_iter, n_rows),
                allows=f"the state and history of {n_params} parameters, "
                f"{n_rows} rows and max_iter={max_iter}",
            )
        return solver.solve(
            objective, theta0, view=view, start=doc, on_iteration=checkpointer.save
        )
