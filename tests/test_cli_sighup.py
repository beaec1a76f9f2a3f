"""SIGHUP (the terminal or SSH session a command runs in closes, ``kill
-HUP``) ends a command as SIGTERM does: its clean-ups run, exit 129 (128 +
SIGHUP, what a shell reports for a command its hangup ended) with the one
line ``error: hung up (SIGHUP)``. A command started under ``nohup`` (SIGHUP
ignored) runs on.

What this guards against: the default action ended the process at once,
leaving the hidden ``.p.csv.HOST-PID.*.tmp`` of a ``predict`` that was
writing beside the output, and a ``fit -`` the whole copy of its standard
input (161 MB) in ``TMPDIR``, which nothing removes later.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from _cli_signals import predict_inputs, signal_when, start_cli, writing_output

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGHUP"), reason="POSIX signals"
)


def _tmp(tmp_path: Path) -> Path:
    """The commands' TMPDIR, a folder of its own: a test lists what is left."""
    return tmp_path / "tmp"


def test_sighup_while_predict_writes_leaves_no_temporary_file(tmp_path):
    predict_inputs(tmp_path, 1_500_000)
    proc = start_cli(tmp_path, ["predict", "m.json", "d.parquet", "-o", "p.csv"], _tmp(tmp_path))
    err = signal_when(proc, writing_output(tmp_path), signal.SIGHUP)
    assert (proc.returncode, err) == (129, "error: hung up (SIGHUP)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet", "m.json", "tmp"]


def test_sighup_while_standard_input_is_copied_removes_the_copy(tmp_path):
    read_end, write_end = os.pipe()
    proc = start_cli(
        tmp_path, ["fit", "-", "-t", "y", "-o", "m.json"], _tmp(tmp_path), stdin=read_end
    )
    os.close(read_end)
    with os.fdopen(write_end, "wb") as feed:
        feed.write(b"x,y\n" + b"0.5,1\n-0.5,0\n" * 50_000)
        feed.flush()

        def copying() -> bool:  # the copy exists, standard input still open
            return any((tmp_path / "tmp").glob("logistic-input-*/*"))

        err = signal_when(proc, copying, signal.SIGHUP)
    assert (proc.returncode, err) == (129, "error: hung up (SIGHUP)\n")
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "m.json").exists()


def test_a_command_under_nohup_runs_on(tmp_path):
    predict_inputs(tmp_path, 1_500_000)
    proc = start_cli(
        tmp_path, ["predict", "m.json", "d.parquet", "-o", "p.csv"], _tmp(tmp_path),
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )  # fmt: skip
    # sent while the output is being written (the command still running):
    # ignored, as under nohup
    err = signal_when(proc, writing_output(tmp_path), signal.SIGHUP)
    assert proc.returncode == 0, err
    assert (tmp_path / "p.csv").exists()
