"""Under ``PYTHONUNBUFFERED=1`` (``python -u``, set in many container
images) a short write to standard output is an error, not lost output.

Found by a shell scripter in a container: ``logistic summary m.json --json |
head -c 10`` of a model of 3 000 coefficients exited 0 instead of 141 (the
reader left, docs/cli.md), and ``logistic summary m.json --json > out.json``
onto a disk that filled up wrote the first 64 KiB and exited 0, the rest of
the document lost without a word: unbuffered, Python's text layer writes to
the descriptor directly and ignores a write that took only part of the
text. Standard output's stand-in now writes the rest, whose failure is then
reported: 141 for the pipe, 74 for the disk.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from conftest import run_cli
from logistic.cli._codes import EX_OK, EX_PIPE


def test_reader_gone_after_part_of_a_large_document(capsys, workdir):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3000)).round(3)
    y = np.arange(40) % 2
    header = ",".join(["y", *(f"x{i}" for i in range(3000))])
    rows = [",".join([str(t), *map(str, r)]) for t, r in zip(y, X, strict=True)]
    (workdir / "w.csv").write_text("\n".join([header, *rows]) + "\n")
    args = ["fit", "w.csv", "-t", "y", "--penalty", "l2", "--C", "0.1", "-o", "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == EX_OK, err
    code, whole, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == EX_OK and len(whole) > 3 * 65536, err
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LOGISTIC_NO_PROGRESS": "1"}
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "logistic.cli.app", "summary", "m.json", "--json"],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(10) == whole[:10].encode()
        proc.stdout.close()  # the reader leaves, as head -c 10 does
        err_bytes = proc.stderr.read()
        assert proc.wait(timeout=120) == EX_PIPE, err_bytes
        assert err_bytes == b""
