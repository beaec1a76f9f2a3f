"""Running the command line in a child process and signalling it at a chosen
moment: shared by the SIGTERM and SIGHUP tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def start_cli(
    cwd: Path, argv: list[str], tmpdir: Path | None = None, **kwargs: Any
) -> subprocess.Popen:
    """``logistic ARGV`` in ``cwd`` without progress lines, its ``TMPDIR``
    ``tmpdir`` (``cwd`` by default), stderr captured as text."""
    tmp = cwd if tmpdir is None else tmpdir
    tmp.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "logistic.cli.app", *argv]
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1", "TMPDIR": str(tmp)}
    return subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=env, text=True, **kwargs,
    )  # fmt: skip


def signal_when(
    proc: subprocess.Popen,
    seen: Callable[[], bool],
    sig: int = signal.SIGTERM,
    timeout: float = 60,
) -> str:
    """``sig`` to ``proc`` (its PID only, as ``kill`` sends it) once
    ``seen()``, the command still running; its stderr."""
    try:
        deadline = time.monotonic() + timeout
        while not seen() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        assert proc.poll() is None, proc.communicate()[1]
        proc.send_signal(sig)
        return proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def writing_output(folder: Path) -> Callable[[], bool]:
    """Whether a command writing into ``folder`` has begun its output (a
    hidden temporary file there holds bytes)."""

    def seen() -> bool:
        for p in folder.iterdir():
            try:
                if p.name.endswith(".tmp") and p.stat().st_size > 0:
                    return True
            except FileNotFoundError:  # renamed or removed meanwhile
                continue
        return False

    return seen
