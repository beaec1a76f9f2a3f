"""A standard error that fails while a command runs drops the messages, as
a closed one does (docs/cli.md, 2>&-), and the command ends as it would have.

Found by a shell scripter: ``logistic predict m.json big.csv -o - 2> >(head
-1) > p.csv`` (or ``... -o p.csv 2>&1 | head -1``) ended with exit 1, the code
of an internal error, and wrote no predictions: the second progress line met
a broken pipe on stderr, to which rich reacts by pointing stdout at the null
device and raising ``SystemExit(1)``. A full stderr (``2>/dev/full``) turned
every exit code into 1 (a missing input, 66, too: the error line itself
failed) and a finished ``fit`` reported failure after writing its model.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import data_path

UCLA = data_path("ucla-admissions", "binary.csv")
ENV = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}


def _run(args: list[str], cwd: Path, stderr: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *map(str, args)],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=stderr,
        timeout=120,
    )


@pytest.fixture
def broken_pipe():
    """The write end of a pipe whose reader has left: every write is EPIPE."""
    read, write = os.pipe()
    os.close(read)
    yield write
    os.close(write)


@pytest.fixture
def full():
    fd = os.open("/dev/full", os.O_WRONLY)
    yield fd
    os.close(fd)


@pytest.mark.parametrize("stream", ["broken_pipe", "full"])
def test_commands_end_as_they_would(tmp_path, request, stream):
    stderr = request.getfixturevalue(stream)
    done = _run(["fit", UCLA, "-t", "admit", "-o", "m.json"], tmp_path, stderr)
    assert done.returncode == 0
    assert (tmp_path / "m.json").is_file()
    assert done.stdout.decode().splitlines()[0].strip() == "Logistic regression results"
    done = _run(["predict", "m.json", UCLA, "-o", "-"], tmp_path, stderr)
    assert done.returncode == 0
    assert len(done.stdout.decode().splitlines()) == 401
    done = _run(["predict", "m.json", UCLA, "-o", "p.csv"], tmp_path, stderr)
    assert done.returncode == 0 and (tmp_path / "p.csv").is_file()
    # the error line is lost, its exit code is not
    done = _run(["predict", "m.json", "nope.csv"], tmp_path, stderr)
    assert done.returncode == 66
    done = _run(["predict", "m.json", UCLA, "--threshold", "2"], tmp_path, stderr)
    assert done.returncode == 2


def test_stderr_of_a_command_stays_writable_after_it(tmp_path):
    """A logging handler made while a command ran (distributed's, on the
    Dask path) holds that command's stderr: written after the command, it
    printed ``--- Logging error --- ... ValueError: underlying buffer has
    been detached`` instead of the message."""
    script = (
        "import logging, sys\n"
        "from logistic.cli._closed_streams import opened\n"
        "with opened():\n"
        "    handler = logging.StreamHandler(sys.stderr)\n"
        "log = logging.getLogger('late')\n"
        "log.addHandler(handler)\n"
        "log.warning('after the command')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "after the command\n", done.stderr
