"""An error while reading an opened input (an I/O error of a failing disk
or a network file system) names the file, for model files, data files and
checkpoints alike.

Found by a security reviewer: ``logistic summary /proc/self/mem`` (a
regular file whose reads fail with EIO on Linux, standing in for a disk
error) printed ``error: [Errno 5] Input/output error``, naming no file;
``logistic fit`` and ``predict`` on it said the same.
"""

from __future__ import annotations

import errno
import os

import pytest

import logistic
from conftest import fit_ucla_model, run_cli
from logistic._files import open_regular

MEM = "/proc/self/mem"
pytestmark = pytest.mark.skipif(
    not os.path.isfile(MEM), reason="needs Linux's /proc/self/mem, whose reads fail with EIO"
)


def test_a_read_error_names_the_file():
    with open_regular(MEM, what="input file") as fh:
        with pytest.raises(OSError) as info:
            fh.read(10)
    assert info.value.errno == errno.EIO and info.value.filename == MEM
    with pytest.raises(OSError, match=r"Input/output error: '/proc/self/mem'"):
        logistic.load(MEM)


@pytest.mark.parametrize("command", ["summary", "fit", "predict"])
def test_the_cli_names_the_file(tmp_path, capsys, command):
    args = {
        "summary": ["summary", MEM],
        "fit": ["fit", MEM, "--target", "y", "-o", tmp_path / "m.json"],
        "predict": ["predict", fit_ucla_model(tmp_path), MEM, "-o", tmp_path / "p.csv"],
    }[command]
    capsys.readouterr()
    code, _, err = run_cli(capsys, args)
    assert code == 74, err
    assert f"{MEM}: Input/output error" in err
