"""SIGTERM (``kill``, ``timeout``, a batch scheduler) ends a command as Ctrl-C
does: its clean-ups run, no temporary file is left, exit 143 with the one
line ``error: terminated (SIGTERM)``.

The default action ended the process at once: ``timeout -s TERM 2.5 logistic
predict ...`` left a 147 MB hidden ``.out.csv.*.tmp`` beside the output each
time (a trial's report).
"""

from __future__ import annotations

import signal
import sys

import numpy as np
import pytest

from _cli_signals import predict_inputs, signal_when, start_cli, writing_output

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_sigterm_during_a_fit_keeps_the_checkpoint_and_leaves_no_model(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, 3))
    y = (rng.uniform(size=20_000) < 1 / (1 + np.exp(-x[:, 0]))).astype(np.int64)
    pq.write_table(
        pa.table({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y}),
        tmp_path / "d.parquet",
    )
    argv = ["fit", "d.parquet", "-t", "y", "--solver", "gd", "--tol", "1e-14"]
    argv += ["--max-iter", "1000000", "--checkpoint", "c.ckpt", "-o", "m.json", "-q"]
    proc = start_cli(tmp_path, argv)
    err = signal_when(proc, (tmp_path / "c.ckpt").exists)
    assert (proc.returncode, err) == (143, "error: terminated (SIGTERM)\n")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "m.json" not in left and "c.ckpt" in left
    assert not [n for n in left if n.endswith(".tmp")], left


def test_sigterm_while_predict_writes_leaves_no_temporary_file(tmp_path):
    predict_inputs(tmp_path, 1_500_000)
    proc = start_cli(tmp_path, ["predict", "m.json", "d.parquet", "-o", "p.csv"])
    err = signal_when(proc, writing_output(tmp_path))  # killed mid-write
    assert (proc.returncode, err) == (143, "error: terminated (SIGTERM)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet", "m.json"]


def test_a_handler_the_parent_set_is_kept():
    """In-process ``main(argv)`` (tests, a caller's own program) installs no
    handler; the console script's only replaces the default action."""
    from logistic.cli.app import main

    before = signal.getsignal(signal.SIGTERM)
    assert main(["--version"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_main_puts_the_default_action_back_and_runs_in_a_thread(monkeypatch):
    """``main()`` reading ``sys.argv`` (a program that calls it) handles SIGTERM
    only while its command runs; off the main thread it sets nothing."""
    import gc
    import threading

    from logistic.cli.app import main

    monkeypatch.setattr(sys, "argv", ["logistic", "--version"])
    before = signal.getsignal(signal.SIGTERM)
    assert before is signal.SIG_DFL
    try:
        assert main() == 0
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        codes: list[int] = []
        worker = threading.Thread(target=lambda: codes.append(main()))
        worker.start()
        worker.join()
        assert codes == [0]
    finally:
        gc.enable()  # main() leaves the collector off for a process that exits
