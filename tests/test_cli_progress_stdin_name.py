"""The progress lines of data read from standard input name it as every
other message does (docs/cli.md: "messages call it `standard input`").

Found by a shell scripter: ``cat big.csv | logistic fit - -t y`` with stderr
to a log printed ``reading -: 106,062 rows, 29.4 MB of 110.7 MB (27%)``.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import data_path
from logistic.cli._codes import EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


def test_reading_standard_input_is_named(tmp_path):
    env = {**os.environ, "LOGISTIC_PROGRESS_INTERVAL": "0"}
    env.pop("LOGISTIC_NO_PROGRESS", None)
    for args in (["fit", "-", "-t", "admit", "-o", "m.json"], ["predict", "m.json", "-"]):
        done = subprocess.run(
            [sys.executable, "-m", "logistic.cli.app", *args],
            cwd=tmp_path,
            input=UCLA.read_bytes(),
            capture_output=True,
            env=env,
            timeout=180,
        )
        assert done.returncode == EX_OK, done.stderr
        lines = done.stderr.decode().splitlines()
        read = [x for x in lines if x.startswith("reading ")]
        assert read and all(x.startswith("reading standard input: ") for x in read), lines
