"""``training.environment`` of a model file: what wrote its fit, so that a
validator can tell why the last digits differ across machines.

Convention (owned here): ``save`` of a model fitted in this process (not one
loaded from a file and not fitted since, which writes its file's record
again, or none for an older file) records ``logistic``, ``python``,
``numpy`` and ``scipy`` (versions; null for one the process did not load),
``machine`` (``platform.machine()``),
``cpu_count`` (the CPUs the in-memory row blocks follow:
:func:`logistic.backends.in_memory.machine_cpus`) and ``kernel`` (the kernel
that sums dense blocks: :func:`logistic._compiled.kernel_in_use`, "numpy"
where no compiled kernel was loaded, as for fits of small data), read when
the file is written. The field is optional
at load (files written before it have none); where present it is an object
whose known fields are short printable text (``cpu_count`` a whole number
from 1), and any other field null, such text or such a number, refused
otherwise naming the field. ``logistic summary`` prints it
(:func:`environment_text`).
"""

from __future__ import annotations

import platform
import sys
from typing import Any

from .._exceptions import ModelFormatError
from .._file_marks import FILE_RECORD_ATTR
from ._fields import CONTROL

__all__ = ["KEY", "check_environment", "environment_text", "with_environment"]

#: The field of ``training`` that holds the record.
KEY = "environment"
#: The longest text a field may hold.
MAX_TEXT = 100
#: The largest CPU count a file may state.
MAX_CPUS = 2**20


def _version(name: str) -> str | None:
    """The version of module ``name`` where this process loaded it; None
    where it did not (the fit did not use it: a small dense fit runs
    without scipy, and reading a package's metadata costs the command line
    an import it otherwise avoids)."""
    version = getattr(sys.modules.get(name), "__version__", None)
    return version if isinstance(version, str) else None


def environment_record() -> dict[str, Any]:
    """The environment of this process, as ``training.environment`` holds it."""
    from .._version import __version__
    from ..backends.in_memory import machine_cpus

    compiled = sys.modules.get("logistic._compiled")
    # no compiled kernel loaded: every block of this process ran the reference
    kernel = (None if compiled is None else compiled.kernel_in_use()) or "numpy"
    return {
        "logistic": __version__,
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "machine": platform.machine()[:MAX_TEXT] or None,
        "cpu_count": int(machine_cpus()),
        "kernel": kernel,
    }


def with_environment(model: Any, training: dict[str, Any] | None) -> Any:
    """``training`` with this process's environment, for a model fitted here
    (a loaded model's file record, given back by ``save``, keeps its own, or
    none); a record already given is kept."""
    if getattr(model, FILE_RECORD_ATTR, None) is not None:
        return training
    if training is not None and KEY in training:
        return training
    return {**(training or {}), KEY: environment_record()}


def _text_ok(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_TEXT
        and value.isprintable()
        and CONTROL.search(value) is None
    )


def _count_ok(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_CPUS


def check_environment(training: dict[str, Any], path: str) -> None:
    """Refuse a ``training.environment`` that is not the record above,
    naming the field (absent or null: nothing recorded)."""
    env = training.get(KEY)
    if env is None:
        return
    where = f"training.{KEY}"
    if not isinstance(env, dict):
        raise ModelFormatError(f"model file {path}: {where} must be null or an object")
    for key, value in env.items():
        ok = value is None or _text_ok(value) or _count_ok(value)
        if key == "cpu_count":
            ok = value is None or _count_ok(value)
        elif key in _TEXT_FIELDS:
            ok = value is None or _text_ok(value)
        if not ok or not _text_ok(key):
            raise ModelFormatError(
                f"model file {path}: {where}.{str(key)[:MAX_TEXT]!r} is "
                f"{value!r:.60}; expected null, printable text of at most "
                f"{MAX_TEXT} characters or (cpu_count) a whole number from 1 "
                f"to {MAX_CPUS}"
            )


_TEXT_FIELDS = ("logistic", "python", "numpy", "scipy", "machine", "kernel")
#: The packages whose null version means "not loaded by the fitting process".
_PACKAGES = ("numpy", "scipy")


def environment_text(training: dict[str, Any]) -> str | None:
    """One line naming what wrote the fit, or None where the file does not
    record it (written before the record existed, or by another tool)."""
    env = training.get(KEY)
    if not isinstance(env, dict):
        return None

    def shown(key: str, missing: str = "unknown") -> str:
        value = env.get(key)
        return missing if value is None else str(value)

    # a package's null version means the fitting process had not loaded it
    # (a small dense fit runs without scipy), not that it was missing
    names = ("logistic", "Python", "numpy", "scipy")
    versions = ", ".join(
        f"{n} {shown(n.lower(), 'not loaded' if n in _PACKAGES else 'unknown')}"
        for n in names
    )
    return (
        f"environment of the fit: {versions}; machine {shown('machine')}, "
        f"{shown('cpu_count')} CPUs, kernel {shown('kernel')}"
    )
