"""Ctrl-C during ``logistic fit --workers N``: one line, no worker tracebacks.

A terminal's Ctrl-C sends SIGINT to its whole foreground process group, the
worker processes of the CLI's ``LocalCluster`` included; each used to print a
``KeyboardInterrupt`` traceback (from ``distributed/nanny.py``) before the
CLI's own ``error: interrupted``. The cluster is started in a thread that
blocks SIGINT and SIGHUP (``_dask_connect.started_without_terminal_signals``):
its workers, and their restarts, never receive them, and the CLI closes them,
quietly.

SIGHUP to the group (the terminal or SSH session closing), unblocked, would
end the workers, which their nannies restart ("Restarting worker"), and
multiprocessing's resource tracker, which does not ignore SIGHUP: each worker
starts a new one, which prints a ``KeyError`` traceback for every semaphore
it had not seen registered (a dozen on a two-worker fit) before ``error: hung up (SIGHUP)``.
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

from _cli_signals import terminal_signals

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


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGINT, 130, "error: interrupted\n"),
        (signal.SIGHUP, 129, "error: hung up (SIGHUP)\n"),
    ],
    ids=["ctrl-c", "hang-up"],
)
def test_a_terminal_signal_to_the_process_group_prints_one_line(
    tmp_path, signum, code, line
):
    """SIGINT (a terminal's Ctrl-C) or SIGHUP (the terminal closing) to the
    fit's whole process group while the fit runs on 2 local workers: exit 130
    or 129, stderr exactly its one line, no model file, and no process of the
    group left."""
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
        preexec_fn=terminal_signals,
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "c.ckpt").exists() and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()[1]
        os.killpg(proc.pid, signum)  # the fit and its workers, as the terminal
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == code, err
    assert "Traceback" not in err, err
    assert err == line, err
    assert not (tmp_path / "m.json").exists()
    deadline = time.monotonic() + 10  # the workers end with their parent
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_alive(proc.pid) == []


def _terminal_signals_blocked() -> list[str]:
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    return sorted(s.name for s in (signal.SIGINT, signal.SIGHUP) if s in blocked)


def test_the_workers_and_their_restarts_never_get_sigint_or_sighup():
    """The workers of the CLI's cluster, and those a nanny starts again after
    a restart, block SIGINT and SIGHUP; the thread that asked for the cluster
    does not."""
    from logistic.cli._dask_client import dask_client

    both = ["SIGHUP", "SIGINT"]
    assert _terminal_signals_blocked() == []
    with dask_client(None, 1) as client:
        assert _terminal_signals_blocked() == []
        assert list(client.run(_terminal_signals_blocked).values()) == [both]
        client.restart()
        assert list(client.run(_terminal_signals_blocked).values()) == [both]
    assert _terminal_signals_blocked() == []


def test_ctrl_c_during_the_start_closes_the_cluster(monkeypatch):
    """Ctrl-C while the cluster starts raises ``KeyboardInterrupt`` in the
    waiting thread (the start's thread blocks SIGINT, not the caller), and the
    cluster the start makes is closed (by the start's thread when the caller
    left first, else by the caller)."""
    import logistic.backends.dask as dask_backend
    from logistic.cli._dask_client import dask_client

    made: list = []
    built, release = threading.Event(), threading.Event()
    real = dask_backend.connect

    def slow_connect(**kwargs):
        client = real(**kwargs)
        made.append(client)
        built.set()
        release.wait(60)  # the rest of a slow start: until the test says
        return client

    monkeypatch.setattr(dask_backend, "connect", slow_connect)
    main = threading.main_thread().ident
    assert main == threading.get_ident()
    # Python's handler turns the signal into KeyboardInterrupt (conftest puts
    # it back where the run was started with SIGINT ignored)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # polars (which statsmodels imports, in this process when another test
    # imported it first) installs a C-level SIGINT handler with SA_RESTART in
    # place of Python's, which getsignal still reports: the wait below then
    # goes on until the start returns (release.wait's 60 s) and raises only
    # after. logistic imports no polars: Python's own is put back.
    signal.signal(signal.SIGINT, signal.default_int_handler)

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
