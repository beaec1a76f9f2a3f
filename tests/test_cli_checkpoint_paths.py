"""``--checkpoint`` paths and the words about them, findings of a field test:

- a path that exists and is not a regular file (``/dev/null``, a FIFO) was
  read as a checkpoint and refused as bad data (exit 65, "no valid
  checkpoint"); like an output that is no regular file it is now refused
  before any work, exit 73, naming the option.
- a checkpoint written with the other ``--positive`` class was refused as
  written for other data ("rows were added, removed or changed"); the
  refusal now names the positive class as what differs.
"""

from __future__ import annotations

import os

import pytest

from conftest import data_path, run_cli

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
