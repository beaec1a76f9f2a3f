"""``--checkpoint`` paths and the words about them, findings of a field test:

- a path that exists and is not a regular file (``/dev/null``, a FIFO) was
  read as a checkpoint and refused as bad data (exit 65, "no valid
  checkpoint"); like an output that is no regular file it is now refused
  before any work, exit 73, naming the option.
- a checkpoint written with the other ``--positive`` class was refused as
  written for other data ("rows were added, removed or changed"); the
  refusal now names the positive class as what differs.
- a checkpoint path that is a symbolic link was replaced by a regular file at
  the first write, its target left stale; it is now written through.
- when the latest checkpoint was unreadable, the note after the fit named it
  although the fit resumed from ``PATH.prev``.
- two fits given one ``--checkpoint`` at the same time overwrote each
  other's state; the second now fails before reading its data (exit 73),
  naming the file, the running fit's process id and the remedy, and a lock
  left by a killed fit does not block.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from conftest import data_path, lock_held_by_child, run_cli, run_cli_process

UCLA = data_path("ucla-admissions", "binary.csv")
FIT = ["fit", UCLA, "-t", "admit"]


@pytest.mark.parametrize("kind", ["device", "fifo", "fifo.prev"])
def test_a_checkpoint_that_is_no_regular_file_is_exit_73(workdir, capsys, kind):
    if kind == "device":
        path, named, what = "/dev/null", "/dev/null", "a character device"
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this platform")
        path = "c.ckpt"
        named = "c.ckpt.prev" if kind == "fifo.prev" else "c.ckpt"
        os.mkfifo(workdir / named)
        what = "a FIFO (named pipe)"
    code, out, err = run_cli(capsys, [*FIT, "--checkpoint", path, "-o", "m.json"])
    assert (code, out) == (73, "")
    assert err == (
        f"error: cannot use --checkpoint {path}: {named} is {what}, not a regular "
        "file; give --checkpoint the path of a regular file, or of one to create\n"
    )
    assert not (workdir / "m.json").exists()


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_a_checkpoint_of_the_other_positive_class_names_it(workdir, capsys, stream):
    # only --positive differs: the refusal said "rows were added, removed or
    # changed", blaming the data
    first = [*FIT, *stream, "--checkpoint", "p.ckpt"]
    code, _, err = run_cli(capsys, [*first, "-o", "a.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, [*first, "--positive", "0", "-o", "b.json"])
    assert (code, out) == (65, "")
    assert err == (
        "error: checkpoint p.ckpt was written for the same rows with the other "
        "class as the positive one (its two labels exchanged; on the command line, "
        "another --positive): fit with the same positive class to resume, or "
        "delete the checkpoint and its .prev copy to start afresh.\n"
    )
    code, _, err = run_cli(capsys, [*first, "--positive", "1", "-o", "c.json"])
    assert code == 0 and "resumed from checkpoint p.ckpt" in err


def test_a_checkpoint_through_a_symbolic_link_is_written_through(workdir, capsys):
    # the atomic write replaced the link itself by a regular file (and kept
    # run.ckpt.prev beside it): persist/c.ckpt stayed stale
    (workdir / "persist").mkdir()
    code, _, err = run_cli(
        capsys, [*FIT, "--max-iter", "2", "--checkpoint", "persist/c.ckpt", "-o", "a.json", "-q"]
    )
    assert code == 0, err
    stale = (workdir / "persist" / "c.ckpt").read_bytes()
    os.symlink("persist/c.ckpt", workdir / "run.ckpt")
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "run.ckpt", "-o", "b.json"])
    assert code == 0, err
    assert "resumed from checkpoint run.ckpt\n" in err
    assert os.readlink(workdir / "run.ckpt") == "persist/c.ckpt"  # still a link
    assert (workdir / "persist" / "c.ckpt").read_bytes() != stale
    assert (workdir / "persist" / "c.ckpt.prev").is_file()
    assert not os.path.lexists(workdir / "run.ckpt.prev")
    # resumed again through the link: at the finished fit's end
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "run.ckpt", "-o", "c.json"])
    assert code == 0 and "resumed from checkpoint run.ckpt\n" in err


def test_a_dangling_checkpoint_link_creates_its_target(workdir, capsys):
    (workdir / "persist").mkdir()
    os.symlink("persist/new.ckpt", workdir / "run.ckpt")
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "run.ckpt", "-o", "a.json", "-q"])
    assert code == 0, err
    assert os.readlink(workdir / "run.ckpt") == "persist/new.ckpt"
    assert (workdir / "persist" / "new.ckpt").is_file()
    os.symlink("nowhere/x.ckpt", workdir / "lost.ckpt")
    code, out, err = run_cli(capsys, [*FIT, "--checkpoint", "lost.ckpt", "-o", "b.json"])
    assert (code, out) == (73, "")
    assert err == (
        "error: cannot create checkpoint lost.ckpt (a symbolic link to "
        "nowhere/x.ckpt): directory nowhere does not exist\n"
    )
    os.symlink("loop2", workdir / "loop1")
    os.symlink("loop1", workdir / "loop2")
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "loop1", "-o", "b.json"])
    assert code == 73 and "symbolic links go round in a loop" in err


def test_the_note_names_the_previous_checkpoint_when_the_latest_is_unreadable(
    workdir, capsys
):
    # the warning said "resuming from the previous one, q.ckpt.prev" and the
    # note after the fit "resumed from checkpoint q.ckpt"
    first = [*FIT, "--checkpoint", "q.ckpt", "--max-iter"]
    for n, out in (("2", "a.json"), ("3", "b.json")):
        code, _, err = run_cli(capsys, [*first, n, "-o", out, "-q"])
        assert code == 0, err
    (workdir / "q.ckpt").write_text('{"trunc\n')
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "q.ckpt", "-o", "c.json"])
    assert code == 0, err
    assert "resuming from the previous one, q.ckpt.prev" in err
    assert (
        "resumed from checkpoint q.ckpt.prev, the previous copy (q.ckpt is "
        "unreadable); delete both q.ckpt and q.ckpt.prev to fit afresh"
    ) in " ".join(err.split())
    assert "resumed from checkpoint q.ckpt\n" not in err


def test_a_resume_from_the_previous_copy_keeps_it_until_the_latest_is_valid(
    workdir, capsys
):
    # the first save after resuming from q.ckpt.prev rotated the unreadable
    # q.ckpt onto it: q.ckpt.prev became the garbage, and a failed write then
    # would have left no valid checkpoint at all
    first = [*FIT, "--checkpoint", "q.ckpt", "--max-iter"]
    for n, out in (("2", "a.json"), ("3", "b.json")):
        code, _, err = run_cli(capsys, [*first, n, "-o", out, "-q"])
        assert code == 0, err
    valid = (workdir / "q.ckpt.prev").read_bytes()
    (workdir / "q.ckpt").write_text('{"trunc\n')
    code, _, err = run_cli(capsys, [*first, "3", "-o", "c.json", "-q"])  # one save
    assert code == 0, err
    assert (workdir / "q.ckpt.prev").read_bytes() == valid
    json.loads((workdir / "q.ckpt").read_text())  # the new latest, complete


def test_the_resume_note_names_a_links_target_to_delete(workdir, capsys):
    # deleting the link (as the note said) replaced it with a regular file at
    # the next fit and left the target stale
    (workdir / "real").mkdir()
    (workdir / "links").mkdir()
    os.symlink("../real/ck", workdir / "links" / "ck")
    first = [*FIT, "--checkpoint", "links/ck", "--max-iter"]
    for n, out in (("2", "a.json"), ("3", "b.json")):
        code, _, err = run_cli(capsys, [*first, n, "-o", out, "-q"])
        assert code == 0, err
    (workdir / "real" / "ck").write_text("bad\n")
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "links/ck", "-o", "c.json"])
    assert code == 0, err
    said = " ".join(err.split())
    assert "delete both" in said and "real/ck and" in said, said
    assert "delete both links/ck " not in said


def test_a_device_is_named_as_such_even_where_its_folder_is_not_writable(
    workdir, capsys, monkeypatch
):
    # for a user who cannot write /dev, the refusal said "directory /dev is not
    # writable" and hid that /dev/null is no regular file
    import logistic.cli._checkpoint_options as options

    monkeypatch.setattr(options, "unusable_folder", lambda folder: "it is not writable")
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "/dev/null", "-o", "m.json"])
    assert code == 73
    assert "/dev/null is a character device" in err


def in_use(holder_pid: int, path: str = "c.ckpt") -> str:
    return (
        f"error: --checkpoint {path} is in use: another fit, process {holder_pid}, "
        f"holds its lock file {path}.lock while it writes that checkpoint, and two "
        "fits writing one checkpoint would overwrite each other's state. Wait until "
        "that fit ends, or give this fit a --checkpoint path of its own\n"
    )


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_a_checkpoint_a_running_fit_holds_is_exit_73(workdir, capsys, stream):
    # a second fit would write its state over the running fit's checkpoint
    with lock_held_by_child(workdir / "c.ckpt.lock") as holder:
        args = [*FIT, *stream, "--checkpoint", "c.ckpt", "-o", "m.json"]
        code, out, err = run_cli(capsys, args)
        assert (code, out, err) == (73, "", in_use(holder.pid))
        # before the data are read: a file with a missing value (exit 65
        # when read) is refused for the checkpoint, not for its data
        (workdir / "bad.csv").write_text("admit,x\n1,\n0,2\n1,3\n0,1\n")
        args = ["fit", "bad.csv", "-t", "admit", *stream, "--checkpoint", "c.ckpt"]
        code, out, err = run_cli(capsys, [*args, "-o", "b.json"])
        assert (code, out, err) == (73, "", in_use(holder.pid))
    # no model, no checkpoint; the lock file the killed holder left
    assert sorted(p.name for p in workdir.iterdir()) == ["bad.csv", "c.ckpt.lock"]


def test_the_command_exits_73_with_one_line_and_no_traceback(workdir):
    with lock_held_by_child(workdir / "c.ckpt.lock") as holder:
        args = [*FIT, "--checkpoint", "c.ckpt", "-o", "m.json", "--json"]
        code, out, err = run_cli_process(workdir, args)
    assert code == 73 and err == in_use(holder.pid)
    assert json.loads(out)["exit_code"] == 73


def test_a_checkpoint_whose_fit_was_killed_is_used_and_resumed(workdir, capsys):
    with lock_held_by_child(workdir / "c.ckpt.lock") as holder:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        first = [*FIT, "--checkpoint", "c.ckpt", "--max-iter", "2"]
        code, _, err = run_cli(capsys, [*first, "-o", "a.json", "-q"])
        assert code == 0, err
    assert not (workdir / "c.ckpt.lock").exists()  # removed by the fit that ended
    code, _, err = run_cli(capsys, [*FIT, "--checkpoint", "c.ckpt", "-o", "b.json"])
    assert code == 0 and "resumed from checkpoint c.ckpt\n" in err
    assert not (workdir / "c.ckpt.lock").exists()


def test_an_output_that_is_the_checkpoints_lock_file_is_a_usage_error(
    workdir, capsys
):
    code, out, err = run_cli(
        capsys, [*FIT, "--checkpoint", "c.ckpt", "-o", "c.ckpt.lock"]
    )
    assert (code, out) == (2, "")
    assert err == (
        "error: --output c.ckpt.lock is the checkpoint's lock file c.ckpt.lock (the "
        "fit holds it while it runs and removes it at the end); give --checkpoint a "
        "path of its own\n"
    )


def test_a_lock_file_that_is_a_directory_is_exit_73(workdir, capsys):
    (workdir / "c.ckpt.lock").mkdir()
    code, out, err = run_cli(capsys, [*FIT, "--checkpoint", "c.ckpt", "-o", "m.json"])
    assert (code, out) == (73, "")
    assert err == (
        "error: cannot use --checkpoint c.ckpt: c.ckpt.lock, the lock file of "
        "checkpoint c.ckpt, is a directory, not a lock file; it is left as it is: "
        "remove it, or give another checkpoint path\n"
    )
    assert (workdir / "c.ckpt.lock").is_dir() and not (workdir / "m.json").exists()
