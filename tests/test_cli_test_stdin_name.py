"""``logistic test --data -`` names standard input as every other message
does (docs/cli.md: "messages call it `standard input`").

Found by a shell scripter: ``logistic test m.json gre --data - < d.csv``
headed its table ``Wald test (covariance nonrobust, on the rows of -)``.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import data_path
from logistic.cli._codes import EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


def _run(cwd, args, data=None):
    return subprocess.run(
        [sys.executable, "-m", "logistic.cli.app", *args],
        cwd=cwd,
        input=data,
        capture_output=True,
        env={**os.environ, "LOGISTIC_NO_PROGRESS": "1"},
        timeout=180,
    )


def test_rows_of_standard_input_named(tmp_path):
    done = _run(tmp_path, ["fit", str(UCLA), "-t", "admit", "-o", "m.json"])
    assert done.returncode == EX_OK, done.stderr
    args = ["test", "m.json", "gre", "--data"]
    piped = _run(tmp_path, [*args, "-", "--cov-type", "HC0"], UCLA.read_bytes())
    assert piped.returncode == EX_OK, piped.stderr
    head = piped.stdout.decode().splitlines()[0]
    assert head == "Wald test (covariance HC0, on the rows of standard input)", head
    named = _run(tmp_path, [*args, str(UCLA), "--cov-type", "HC0"])
    assert named.returncode == EX_OK, named.stderr
    assert named.stdout.decode().splitlines()[1:] == piped.stdout.decode().splitlines()[1:]
