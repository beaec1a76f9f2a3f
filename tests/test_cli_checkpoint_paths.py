"""``--checkpoint`` paths and the words about them, findings of a field test:

- a path that exists and is not a regular file (``/dev/null``, a FIFO) was
  read as a checkpoint and refused as bad data (exit 65, "no valid
  checkpoint"); like an output that is no regular file it is now refused
  before any work, exit 73, naming the option.
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
