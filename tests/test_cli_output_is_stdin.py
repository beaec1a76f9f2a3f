"""An output that is the file standard input reads (DATA ``-``) is refused,
as every other input is.

Found by a shell scripter: ``logistic predict m.json - -o d.csv --force <
d.csv`` replaced the data file with its predictions (exit 0), and ``logistic
fit - -t y -o d.csv --force < d.csv`` with the model file, while the same
commands with ``/dev/stdin`` for ``-`` were refused, ``refusing to write
d.csv: it is the input file /dev/stdin`` (docs/cli.md: "an output that is one
of the inputs is refused ... hard and symbolic links included"). Standard
input that is a pipe (``cat d.csv | ...``) names no file and is not refused.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import data_path
from logistic.cli._codes import EX_CANTCREAT, EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


def _run(cwd, args, stdin):
    return subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *args],
        cwd=cwd,
        stdin=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
        timeout=180,
    )


@pytest.fixture
def model(tmp_path):
    done = _run(tmp_path, ["fit", str(UCLA), "-t", "admit", "-o", "m.json"], None)
    assert done.returncode == EX_OK, done.stderr
    return tmp_path / "m.json"


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "m.json", "-", "-o", "d.csv"],
        ["fit", "-", "-t", "admit", "-o", "d.csv"],
        ["margins", "m.json", "-", "-o", "d.csv"],
    ],
)
def test_output_redirected_to_stdin_is_refused(tmp_path, model, args):
    data = tmp_path / "d.csv"
    data.write_bytes(UCLA.read_bytes())
    with open(data, "rb") as stdin:
        done = _run(tmp_path, [*args, "--force"], stdin)
    assert done.returncode == EX_CANTCREAT, done.stderr
    assert "error: refusing to write d.csv: it is the input file, read as " in done.stderr
    assert data.read_bytes() == UCLA.read_bytes()  # the data kept


def test_another_output_and_a_pipe_are_written(tmp_path, model):
    data = tmp_path / "d.csv"
    data.write_bytes(UCLA.read_bytes())
    with open(data, "rb") as stdin:
        done = _run(tmp_path, ["predict", "m.json", "-", "-o", "p.csv"], stdin)
    assert done.returncode == EX_OK, done.stderr
    assert (tmp_path / "p.csv").read_text().startswith('"proba","label","logit"')
    # a file named "-" in the folder is not standard input's file
    (tmp_path / "-").write_bytes(b"")
    os.link(tmp_path / "-", tmp_path / "q.csv")
    args = ["predict", "m.json", "-", "-o", "q.csv", "--force"]
    done = subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *args],
        cwd=tmp_path,
        input=UCLA.read_bytes(),
        capture_output=True,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
        timeout=180,
    )
    assert done.returncode == EX_OK, done.stderr
    assert (tmp_path / "q.csv").read_text().startswith('"proba","label","logit"')
