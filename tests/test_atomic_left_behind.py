"""Temporary files of a write killed outright are removed by the next write
of the same target.

A ``logistic predict`` killed with SIGKILL (``timeout -s KILL``, the
out-of-memory killer) left its full-size hidden temporary file
(``.o.csv.khxb6g_e.tmp``, 117 MB in a trial) for good: no later run removed
it. Temporary names now carry the host and the process id, and a write
removes those of its target whose process no longer runs on this host; a
running process's, another host's and another target's are kept.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from logistic._atomic import _host, atomic_write_bytes

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX process probe")


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_a_dead_process_temporary_file_is_removed_others_kept(tmp_path):
    host = _host()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = tmp_path / f".o.csv.{host}-{_dead_pid()}.abcd1234.tmp"
        alive = tmp_path / f".o.csv.{host}-{sleeper.pid}.efgh5678.tmp"
        other_host = tmp_path / f".o.csv.{host}x-{_dead_pid()}.ijkl9012.tmp"
        other_target = tmp_path / f".p.csv.{host}-{_dead_pid()}.mnop3456.tmp"
        unrelated = tmp_path / ".o.csv.notes.tmp"
        for f in (dead, alive, other_host, other_target, unrelated):
            f.write_bytes(b"partial")
        atomic_write_bytes(tmp_path / "o.csv", b"a,b\n1,2\n")
        left = sorted(p.name for p in tmp_path.iterdir())
    finally:
        sleeper.kill()
        sleeper.wait()
    assert dead.name not in left
    assert sorted([alive.name, other_host.name, other_target.name, unrelated.name, "o.csv"]) == left
    assert (tmp_path / "o.csv").read_bytes() == b"a,b\n1,2\n"


def test_a_killed_predict_leaves_nothing_after_the_next_run(tmp_path, capsys):
    """The trial's case end to end: predict writing a large file is killed
    with SIGKILL mid-write; its temporary file is there, and the next predict
    of the same output removes it."""
    from conftest import fit_ucla_model, run_cli

    model = fit_ucla_model(tmp_path)
    rows = "gre,gpa,rank\n" + "".join(f"{500 + i % 300},{3 + (i % 100) / 100},{1 + i % 4}\n" for i in range(400_000))
    (tmp_path / "big.csv").write_text(rows)
    cmd = [sys.executable, "-m", "logistic.cli.app", "predict", str(model), "big.csv", "-o", "o.csv", "--force"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        tmp = [p for p in tmp_path.iterdir() if p.name.startswith(".o.csv.") and p.stat().st_size > 0]
        if tmp:
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("predict finished before it could be killed mid-write")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".o.csv.")]  # left behind
    # the next predict of the same output, in this process and of a few rows:
    # what removes the dead writer's file is writing o.csv, whatever the rows
    # (the 400 000 rows are there to be killed mid-write)
    (tmp_path / "few.csv").write_text("gre,gpa,rank\n500,3.0,1\n600,3.5,2\n")
    out = tmp_path / "o.csv"
    code, _, err = run_cli(capsys, ["predict", model, tmp_path / "few.csv", "-o", out, "--force"])
    assert code == 0, err
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".o.csv.")] == []
    assert len(out.read_text().splitlines()) == 3  # the header and two rows, whole


def test_a_full_disk_names_the_file_being_written(tmp_path, monkeypatch, capsys):
    # a checkpoint written to a full disk said "[Errno 28] No space left on
    # device" without the path (output files named theirs)
    import errno

    def full(fh):
        raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / "ck.json"
    with pytest.raises(OSError) as err:
        atomic_write_bytes(target, full)
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []  # no temporary file left

    import logistic._checkpoint as checkpoint
    from conftest import data_path, run_cli

    def fail(path, data):
        atomic_write_bytes(path, full)

    monkeypatch.setattr(checkpoint, "atomic_write", fail)
    monkeypatch.chdir(tmp_path)
    ucla = data_path("ucla-admissions", "binary.csv")
    args = ["fit", ucla, "-t", "admit", "-o", "m.json", "--checkpoint", "ck.json"]
    code, _, err_text = run_cli(capsys, args)
    assert code == 74
    assert "ck.json: No space left on device" in err_text, err_text


def test_a_long_multibyte_name_is_written(tmp_path):
    # 81 CJK characters + ".json": 248 bytes, a valid name; the temporary
    # name beside it was cut to 150 characters (all 248 bytes here), and with
    # the host, the process id and the random part it passed 255: refused
    name = "東" * 81 + ".json"
    assert len(os.fsencode(name)) == 248
    target = atomic_write_bytes(tmp_path / name, b"{}")
    assert target.read_bytes() == b"{}"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_an_interrupt_as_the_temporary_file_is_created_leaves_nothing(
    tmp_path, monkeypatch
):
    # a SIGTERM or Ctrl-C whose handler raises just after the temporary file
    # exists, before the call that created it returns (the window between
    # tempfile.mkstemp's open and the cleanup's scope): a hidden
    # ``.c.ckpt.<host>-<pid>.*.tmp`` stayed beside a terminated fit's checkpoint
    real_open = os.open

    def open_then_interrupt(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if str(path).endswith(".tmp"):
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "c.ckpt", b"data")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
