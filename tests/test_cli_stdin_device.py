"""Standard input that is a device (``< /dev/zero``) is refused before a
byte is read, as a device given as a data file is (docs/cli.md).

Found by a shell scripter: ``logistic predict m.json - < /dev/zero`` copied
standard input into a temporary file until the temporary folder's disk was
full (exit 74 minutes later, the disk full meanwhile for every other
program), while ``logistic predict m.json /dev/zero`` was refused at once
(exit 66). ``< /dev/null`` stays an empty input (exit 65).

The subprocesses run with a 1 MiB limit on the size of a file they write
(``RLIMIT_FSIZE``): without the refusal the copy fails there (exit 74)
instead of filling the disk.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_DATAERR, EX_NOINPUT, EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


def _small_files() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def _run(tmp_path, args, stdin):
    return subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *args],
        cwd=tmp_path,
        stdin=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1", "TMPDIR": str(tmp_path)},
        preexec_fn=_small_files,
        timeout=120,
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_device_on_standard_input_is_refused(tmp_path, capsys):
    # the model, in this process: only the commands given a device as
    # standard input need their own
    fit = ["fit", UCLA, "-t", "admit", "-o", tmp_path / "m.json"]
    code, _, err = run_cli(capsys, fit)
    assert code == EX_OK, err
    for args in (["predict", "m.json", "-"], ["fit", "-", "-t", "admit", "-o", "z.json"]):
        with open("/dev/zero", "rb") as zero:
            done = _run(tmp_path, args, zero)
        assert done.returncode == EX_NOINPUT, done.stderr
        assert done.stderr == (
            "error: standard input is a character device, not data (a device such "
            "as /dev/zero is read without end); pipe the data in or name a file\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
    with open(os.devnull, "rb") as null:
        done = _run(tmp_path, ["predict", "m.json", "-"], null)
    assert done.returncode == EX_DATAERR
    assert "standard input is empty" in done.stderr
