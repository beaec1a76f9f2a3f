"""Ctrl-C during ``logistic fit --workers N``: one line, no worker tracebacks.

A terminal's Ctrl-C sends SIGINT to its whole foreground process group, the
worker processes of the CLI's ``LocalCluster`` included; each used to print a
``KeyboardInterrupt`` traceback (from ``distributed/nanny.py``) before the
CLI's own ``error: interrupted``. The cluster is now started in a thread that
blocks SIGINT (``_dask_connect.started_without_sigint``): its workers, and
their restarts, never receive it, and the CLI closes them, quietly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "pthread_sigmask") or sys.platform == "win32",
    reason="POSIX signals and process groups",
)


def _group_alive(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that are not zombies (Linux ``/proc``)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def test_ctrl_c_to_the_process_group_prints_one_line(tmp_path):
    """SIGINT to the fit's whole process group (as a terminal's Ctrl-C) while
    the fit runs on 2 local workers: exit 130, stderr exactly ``error:
    interrupted``, no model file, and no process of the group left."""
    rng = np.random.default_rng(0)
    n = 200_000
    x = rng.normal(size=(n, 4))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x[:, 0]))).astype(np.int64)
    table = {f"x{i}": x[:, i] for i in range(4)} | {"y": y}
    pq.write_table(pa.table(table), tmp_path / "big.parquet")
    argv = ["fit", "big.parquet", "-t", "y", "--workers", "2", "--solver", "gd"]
    argv += ["--tol", "1e-14", "--max-iter", "100000", "--checkpoint", "c.ckpt"]
    cmd = [sys.executable, "-m", "logistic.cli.app", *argv, "-o", "m.json", "-q"]
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "c.ckpt").exists() and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()[1]
        os.killpg(proc.pid, signal.SIGINT)  # the fit and its workers, as Ctrl-C
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    assert err == "error: interrupted\n", err
    assert not (tmp_path / "m.json").exists()
    deadline = time.monotonic() + 10  # the workers end with their parent
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_alive(proc.pid) == []


def _sigint_blocked() -> bool:
    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_the_workers_and_their_restarts_never_get_sigint():
    """The workers of the CLI's cluster, and those a nanny starts again after
    a restart, block SIGINT; the thread that asked for the cluster does not."""
    from logistic.cli._stream_backends import dask_client

    assert not _sigint_blocked()
    with dask_client(None, 1) as client:
        assert not _sigint_blocked()
        assert list(client.run(_sigint_blocked).values()) == [True]
        client.restart()
        assert list(client.run(_sigint_blocked).values()) == [True]
    assert not _sigint_blocked()


def test_ctrl_c_during_the_start_closes_the_cluster(monkeypatch):
    """Ctrl-C while the cluster starts raises ``KeyboardInterrupt`` in the
    waiting thread (the start's thread blocks SIGINT, not the caller), and the
    cluster the start makes is closed (by the start's thread when the caller
    left first, else by the caller)."""
    import logistic.backends.dask as dask_backend
    from logistic.cli._stream_backends import dask_client

    made: list = []
    built, release = threading.Event(), threading.Event()
    real = dask_backend.connect

    def slow_connect(**kwargs):
        client = real(**kwargs)
        made.append(client)
        built.set()
        release.wait(60)  # the rest of a slow start: until the test says (a
        # loaded machine may take seconds to deliver the signal)
        return client

    monkeypatch.setattr(dask_backend, "connect", slow_connect)
    main = threading.main_thread().ident
    assert main == threading.get_ident()
    # Python's handler turns the signal into KeyboardInterrupt (conftest puts
    # it back where the run was started with SIGINT ignored)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    def ctrl_c() -> None:
        if built.wait(60):
            signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=ctrl_c, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt), dask_client(None, 1):
            pytest.fail("the block must not run")  # pragma: no cover
    finally:
        release.set()
    assert made
    deadline = time.monotonic() + 20
    while made[0].cluster.status.name != "closed" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert made[0].status == "closed"
    assert made[0].cluster.status.name == "closed"
