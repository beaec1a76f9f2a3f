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


def terminal_signals() -> None:
    """In a child before it runs: SIGHUP and SIGINT at their default action,
    as in a terminal's session, whatever the test run inherited (a suite
    started under ``nohup`` ignores SIGHUP, one started with ``&`` SIGINT,
    and a command keeps an ignored signal ignored)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(
    cwd: Path, argv: list[str], tmpdir: Path | None = None, **kwargs: Any
) -> subprocess.Popen:
    """``logistic ARGV`` in ``cwd`` without progress lines, its ``TMPDIR``
    ``tmpdir`` (``cwd`` by default), stderr captured as text, its terminal
    signals at their defaults (:func:`terminal_signals`) unless ``kwargs``
    give another ``preexec_fn``."""
    kwargs.setdefault("preexec_fn", terminal_signals)
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


def predict_inputs(tmp_path: Path, n: int) -> None:
    """``d.parquet`` of ``n`` rows of two columns and ``m.json``, a model of
    them, in ``tmp_path``: a predict long enough to signal mid-write."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from logistic import LogisticRegression, save

    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 2))
    pq.write_table(pa.table({"a": x[:, 0], "b": x[:, 1]}), tmp_path / "d.parquet")
    frame = pd.DataFrame(x[:500], columns=["a", "b"])
    labels = rng.uniform(size=500) < 1 / (1 + np.exp(-x[:500, 0]))
    save(LogisticRegression().fit(frame, labels), tmp_path / "m.json")
