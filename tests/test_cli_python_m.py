"""``python -m logistic`` runs the command line (it said "No module named
logistic.__main__"), with the same exit codes and outputs as the console
script."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import data_path

UCLA = data_path("ucla-admissions", "binary.csv")


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "logistic", *args],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip


def test_python_m_logistic_fits_and_reports_errors(tmp_path):
    done = _run(tmp_path, "fit", str(UCLA), "--target", "admit", "-o", "m.json", "-q")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "m.json").read_text())["format"]
    missing = _run(tmp_path, "fit", str(UCLA), "-o", "n.json")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "error: no target column: pass --target COLUMN (or --formula); "
        "the file has 4 columns: 'admit', 'gre', 'gpa', 'rank'"
    )
    assert not (tmp_path / "n.json").exists()
