"""An unreadable data or model file is exit 66 with our message, also as root;
an unwritable folder is named by the atomic write, not its temporary file.

click's ``Path`` argument checked readability first and made it a usage
error (exit 2, "Invalid value for 'DATA': path ... is not readable"); the
test of exit 66 in ``test_cli_errors`` is skipped as root (root reads any
file), so it did not see that. Here the command runs without root's
file-access capabilities (``setpriv``) when the tests run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import data_path

UCLA = data_path("ucla-admissions", "binary.csv")

if os.geteuid() == 0:
    SETPRIV = shutil.which("setpriv")
    CAPS = "-dac_override,-dac_read_search"
    PREFIX = [SETPRIV, f"--inh-caps={CAPS}", f"--bounding-set={CAPS}", "--"]
else:
    SETPRIV, PREFIX = "", []

pytestmark = pytest.mark.skipif(
    os.geteuid() == 0 and not SETPRIV, reason="as root this needs setpriv"
)


def _cli(tmp_path, *args):
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}
    command = [*PREFIX, sys.executable, "-m", "logistic.cli.app", *map(str, args)]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_unreadable_data_and_model_files_exit_66(tmp_path):
    done = _cli(tmp_path, "fit", UCLA, "--target", "admit", "-o", "m.json", "-q")
    assert done.returncode == 0, done.stderr
    data = tmp_path / "noread.csv"
    shutil.copyfile(UCLA, data)
    data.chmod(0)
    (tmp_path / "m.json").chmod(0)
    cases = [
        (["fit", "noread.csv", "--target", "admit", "-o", "a.json"],
         "error: input file noread.csv is not readable (permission denied)"),
        (["summary", "m.json"],
         "error: model file m.json is not readable (permission denied)"),
        (["predict", "m.json", UCLA, "-o", "p.csv"],
         "error: model file m.json is not readable (permission denied)"),
    ]  # fmt: skip
    for args, message in cases:
        done = _cli(tmp_path, *args)
        assert (done.returncode, done.stderr.strip()) == (66, message), args


def test_an_unwritable_folder_is_named_not_the_temporary_file(tmp_path):
    # logistic.save into a folder without write permission: the error named
    # the hidden temporary file the write would have made
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    code = (
        "import numpy as np, logistic\n"
        "m = logistic.LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])\n"
        f"logistic.save(m, {str(folder / 'm.json')!r})\n"
    )
    done = subprocess.run(
        [*PREFIX, sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        f"PermissionError: [Errno 13] directory {folder} is not writable: "
        f"'{folder / 'm.json'}'"
    )


def test_an_unreadable_output_to_replace_is_not_a_usage_error(tmp_path):
    # click's readability check of the -o path said "Invalid value for
    # '--output'" (exit 2): an output is written, never read
    out = tmp_path / "out.json"
    out.write_text("{}")
    out.chmod(0)
    done = _cli(tmp_path, "fit", UCLA, "--target", "admit", "-o", out, "--force", "-q")
    assert "Invalid value" not in done.stderr
    assert done.returncode != 2, done.stderr
